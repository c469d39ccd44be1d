// The /metrics endpoint: KPI gauges (rendered at scrape time from the committed counters),
// pipeline health (MetricsProbe), build info and process metrics.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

#include "export/kpi_view.h"
#include "ingest/kafka.h"
#include "pipeline/pipeline.h"
#include "pipeline/probe.h"

namespace kinerja::exporter {

struct ProbeOptions {
  // Per-agency series (kinerja_agency_*) exist for at most this many agency codes; events of
  // further codes count under agency="(other)". Indonesia has ~600 agencies; the codes come
  // from publishers, so a misconfigured one must not be able to add series without bound.
  size_t max_agencies = 1000;
};

// Pipeline health and data-quality metrics of docs/kpis.md, and Kafka client errors.
class MetricsProbe : public pipeline::Probe, public ingest::KafkaErrorListener {
 public:
  explicit MetricsProbe(prometheus::Registry& registry, ProbeOptions options = {});
  ~MetricsProbe() override;
  void BatchCommitted(const pipeline::BatchCounts& counts, double commit_seconds,
                      int64_t commit_unix_ms) override;
  void EventAges(const std::vector<int64_t>& timestamps_ms, int64_t commit_unix_ms) override;
  void PartitionLag(int32_t partition, std::optional<int64_t> lag) override;
  void Assignment(size_t owned_partitions, bool changed) override;
  void StateSize(uint64_t bytes) override;
  void CacheSize(uint64_t bytes, uint64_t employees) override;
  void StoreMemory(uint64_t bytes) override;
  // Set once at start: kinerja_memory_budget_bytes{pool}.
  void MemoryBudget(pipeline::MemoryPool pool, uint64_t bytes);
  void AgenciesKnown(const std::vector<std::string>& agencies) override;
  // Thread-safe (librdkafka calls it from its own threads).
  void KafkaError(std::string_view client, std::string_view code) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// KPI gauges computed from a snapshot function at every scrape.
std::shared_ptr<prometheus::Collectable> NewKpiCollectable(
    std::function<pipeline::KpiSnapshot()> snapshot, ViewOptions options);
// process_resident_memory_bytes, process_cpu_seconds_total, process_start_time_seconds, ...
std::shared_ptr<prometheus::Collectable> NewProcessCollectable();
// kinerja_state_filesystem_avail_bytes / _size_bytes of the filesystem holding `path`, read at
// every scrape (statvfs); absent while it cannot be read.
std::shared_ptr<prometheus::Collectable> NewFilesystemCollectable(std::string path);
// kinerja_build_info{version, revision} 1
void RegisterBuildInfo(prometheus::Registry& registry);

// An HTTP server for /metrics. `address` is "host:port"; port 0 picks a free port.
class MetricsServer {
 public:
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& address);
  ~MetricsServer();
  // Serves `collectable` for the server's lifetime (the server keeps it alive).
  void Register(const std::shared_ptr<prometheus::Collectable>& collectable);
  int port() const;

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kinerja::exporter
