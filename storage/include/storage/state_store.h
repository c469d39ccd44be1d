// The durable state: per-partition entities (employee state), KPI counters, the partition's
// next offset and metadata. Everything a batch changes is written by one atomic Commit, so
// state and offsets never disagree (docs/events.md rule 1). Keys are scoped by partition, so a
// partition's state can be loaded, dropped or moved on its own.
//
// Values are opaque bytes to the store; processors/ owns their encoding.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace kinerja::storage {

// The messages a partition's committed offset has passed, by outcome: applied, duplicate,
// dead-lettered. Committed with the offset in the same atomic write, so whatever crashes came
// between, their sum is the number of messages consumed from the partition.
struct OutcomeTotals {
  int64_t applied = 0;
  int64_t duplicates = 0;
  int64_t dead_lettered = 0;
  int64_t sum() const { return applied + duplicates + dead_lettered; }
  friend bool operator==(const OutcomeTotals&, const OutcomeTotals&) = default;
};

struct PartitionSnapshot {
  std::optional<int64_t> next_offset;  // none: nothing was ever committed for the partition
  std::vector<std::pair<std::string, int64_t>> counters;
  std::string meta;
  OutcomeTotals outcomes;  // all zero when nothing was committed
};

// What a state's offsets belong to: the events topic and its partition count. Kafka puts an
// event in the partition of its key's hash modulo the count, so with another count (or topic)
// each employee's events would land where their state is not. Stored with the state's first
// commit and checked whenever partitions are assigned; the consumer group is not part of it
// (offsets live in the state, so any group may resume it).
struct StateIdentity {
  std::string topic;
  int32_t partitions = 0;
  friend bool operator==(const StateIdentity&, const StateIdentity&) = default;
};
// OK when `stored` is `current`'s identity; else an InvalidArgument naming both. `current`
// partitions 0: not known yet, only the topic is compared.
Status CheckIdentity(const StateIdentity& stored, const StateIdentity& current);

// Everything one batch changes. Applied atomically, or not at all.
struct WriteSet {
  struct Entity {
    int32_t partition;
    std::string key;
    std::optional<std::string> value;  // nullopt deletes the entity
  };
  struct Counter {
    int32_t partition;
    std::string key;
    int64_t value;  // 0 deletes the counter
  };
  struct Progress {
    int32_t partition;
    int64_t next_offset;
    std::string meta;
    OutcomeTotals outcomes{};  // the new totals (not a change)
  };
  std::vector<Entity> entities;
  std::vector<Counter> counters;
  std::vector<Progress> progress;
  std::optional<StateIdentity> identity;  // stored with this batch (the state's first commit)
  bool empty() const {
    return entities.empty() && counters.empty() && progress.empty() && !identity;
  }
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  // The partition's offset, counters and metadata (entities are read on demand).
  virtual Result<PartitionSnapshot> LoadPartition(int32_t partition) = 0;
  // Point reads: (*values)[i] is the entity stored under keys[i], or nullopt. One round trip
  // for all the keys (RocksDB MultiGet; bloom filters skip the files that lack a key).
  virtual Status GetEntities(int32_t partition, const std::vector<std::string>& keys,
                             std::vector<std::optional<std::string>>* values) = 0;
  // Every entity whose key starts with `prefix`, in key order; `fn` gets the key after the
  // prefix and the value. Reads nothing past the prefix.
  virtual Status ScanEntities(
      int32_t partition, std::string_view prefix,
      const std::function<Status(std::string_view suffix, std::string_view value)>& fn) = 0;
  virtual Status Commit(const WriteSet& writes) = 0;
  // Every partition that has committed anything, in partition order (offline KPI reads).
  // Reads what LoadPartition reads, not the entities. The first error `fn` returns stops the
  // walk and is returned.
  virtual Status ForEachPartition(
      const std::function<Status(int32_t partition, const PartitionSnapshot&)>& fn) = 0;
  // Approximate bytes of live data.
  virtual uint64_t ApproximateSizeBytes() = 0;
  // Bytes the store holds in memory (RocksDB: its one cache, which the write buffers are
  // charged to; the in-memory twin: its data).
  virtual uint64_t MemoryBytes() = 0;
  // The identity stored with the first commit; nullopt before it (or in a state older than
  // identities, which takes one on at its next commit).
  virtual Result<std::optional<StateIdentity>> LoadIdentity() = 0;
};

// In-memory twin with the same semantics (and the same key layout) as the RocksDB store.
std::unique_ptr<StateStore> NewMemoryStateStore();

struct RocksDbOptions {
  std::string path;
  // The format version of what the caller stores (Kinerja's: state::kFormatVersion): written
  // into a new state directory, and required of an existing one (another is refused, not
  // misread). Must not be empty.
  std::string format;
  bool read_only = false;  // for reading a stopped instance's state (kinerja kpis)
  // One LRU cache for data blocks and, charged to it, the write buffers (memtables; at most
  // half of it). Index and filter blocks stay outside it (about 1.5 bytes per key).
  size_t memory_bytes = 160ull << 20;
};
Result<std::unique_ptr<StateStore>> OpenRocksDbStateStore(const RocksDbOptions& options);
// Compacts a closed state directory fully, into its bottom level (offline maintenance; the
// state-size benchmark uses it so every measured round starts from the same settled tree).
Status CompactRocksDbState(const RocksDbOptions& options);

}  // namespace kinerja::storage
