// What the pipeline reports about itself. export/ implements it with Prometheus metrics; tests
// use a recording twin. Domain code never touches a metrics registry (Redpanda's "probe").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "ingest/decoder.h"

namespace kinerja::pipeline {

enum class Outcome : uint8_t { kApplied, kDuplicate, kDeadLettered };
inline constexpr size_t kOutcomeCount = 3;

// Counts of one publishing agency (the envelope `source`) in one batch.
struct AgencyCounts {
  uint64_t applied = 0;              // events applied (not duplicates, not dead letters)
  uint64_t without_master_data = 0;  // of those, about an employee with no master data yet
  std::array<uint64_t, ingest::kRejectReasonCount> dead_letters{};  // where `source` was valid
  friend bool operator==(const AgencyCounts&, const AgencyCounts&) = default;
};

// Counts of one committed batch. Index kEventTypeCount of `events` is "unknown type".
struct BatchCounts {
  std::array<std::array<uint64_t, kOutcomeCount>, kEventTypeCount + 1> events{};
  std::array<uint64_t, ingest::kRejectReasonCount> dead_letters{};
  std::unordered_map<std::string, AgencyCounts> agencies;  // by publishing agency code
  uint64_t total() const {
    uint64_t n = 0;
    for (const auto& t : events)
      for (uint64_t c : t) n += c;
    return n;
  }
};

// Where Kinerja's memory goes, each with a budget (`kinerja run --memory-mb`).
enum class MemoryPool : uint8_t {
  kPrefetch,       // librdkafka's queue of fetched messages
  kStateStore,     // RocksDB: block cache and write buffers, charged to one cache
  kEmployeeCache,  // employees kept in memory between batches (their state and dedup memory)
};
inline constexpr size_t kMemoryPoolCount = 3;

class Probe {
 public:
  virtual ~Probe() = default;
  // After a batch's state is durably committed.
  virtual void BatchCommitted(const BatchCounts& counts, double commit_seconds,
                              int64_t commit_unix_ms) = 0;
  // After the same commit: the Kafka timestamps of the batch's events (event age).
  virtual void EventAges(const std::vector<int64_t>& timestamps_ms, int64_t commit_unix_ms) = 0;
  virtual void PartitionLag(int32_t partition, std::optional<int64_t> lag) = 0;  // nullopt: gone
  virtual void Assignment(size_t owned_partitions, bool changed) = 0;
  virtual void StateSize(uint64_t bytes) = 0;
  // After each commit: the employee cache's bytes (processors::ApproximateBytes) and entries.
  virtual void CacheSize(uint64_t bytes, uint64_t employees) = 0;
  // After each commit: the bytes the state store holds in memory.
  virtual void StoreMemory(uint64_t bytes) = 0;
  // Agencies that have employees in newly assigned partitions, so that an agency that publishes
  // nothing after a restart still has (zero) per-agency series and can be seen to be silent.
  virtual void AgenciesKnown(const std::vector<std::string>& agencies) = 0;
};

class NullProbe : public Probe {
 public:
  void BatchCommitted(const BatchCounts&, double, int64_t) override {}
  void EventAges(const std::vector<int64_t>&, int64_t) override {}
  void PartitionLag(int32_t, std::optional<int64_t>) override {}
  void Assignment(size_t, bool) override {}
  void StateSize(uint64_t) override {}
  void CacheSize(uint64_t, uint64_t) override {}
  void StoreMemory(uint64_t) override {}
  void AgenciesKnown(const std::vector<std::string>&) override {}
};

}  // namespace kinerja::pipeline
