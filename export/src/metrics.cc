#include "export/metrics.h"

#include "agency_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace kinerja::exporter {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

namespace {
constexpr std::string_view kOutcomeNames[pipeline::kOutcomeCount] = {"applied", "duplicate",
                                                                     "dead_lettered"};
}

struct MetricsProbe::Impl {
  // Pre-created so every series exists from the start (rate() and absent() work).
  std::array<std::array<prometheus::Counter*, pipeline::kOutcomeCount>, kEventTypeCount + 1>
      events{};
  std::array<prometheus::Counter*, ingest::kRejectReasonCount> dead_letters{};
  prometheus::Family<prometheus::Gauge>* lag_family = nullptr;
  std::map<int32_t, prometheus::Gauge*> lag;
  prometheus::Gauge* last_commit = nullptr;
  prometheus::Gauge* assigned = nullptr;
  prometheus::Counter* rebalances = nullptr;
  prometheus::Histogram* commit_seconds = nullptr;
  prometheus::Histogram* event_age = nullptr;
  std::vector<double> event_age_bounds;
  prometheus::Gauge* state_size = nullptr;
  std::array<prometheus::Gauge*, pipeline::kMemoryPoolCount> memory_budget{};
  std::array<prometheus::Gauge*, pipeline::kMemoryPoolCount> memory_used{};  // not prefetch
  prometheus::Gauge* cache_employees = nullptr;
  std::unique_ptr<AgencyMetrics> agencies;
  prometheus::Family<prometheus::Counter>* kafka_errors = nullptr;
  std::mutex kafka_errors_mu;  // KafkaError runs on librdkafka's threads
  std::map<std::string, prometheus::Counter*> kafka_error;  // by "client/code"
};

namespace {
std::string_view MemoryPoolName(pipeline::MemoryPool pool) {
  switch (pool) {
    case pipeline::MemoryPool::kPrefetch:
      return "prefetch";
    case pipeline::MemoryPool::kStateStore:
      return "rocksdb";
    case pipeline::MemoryPool::kEmployeeCache:
      return "employee_cache";
  }
  return "unknown";
}

// Created at start (at 0) so that the first error shows in rate() and increase(); other codes
// get their series when they first occur (librdkafka's error codes are a fixed set).
constexpr std::string_view kKafkaClients[] = {"consumer", "producer"};
constexpr std::string_view kCommonKafkaErrors[] = {
    "_TRANSPORT", "_ALL_BROKERS_DOWN", "_RESOLVE", "_AUTHENTICATION",
    "_SSL",       "_TIMED_OUT",        "_FATAL",   "_MSG_TIMED_OUT",
};
}  // namespace

MetricsProbe::MetricsProbe(prometheus::Registry& r, ProbeOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->agencies = std::make_unique<AgencyMetrics>(r, options.max_agencies);
  impl_->kafka_errors = &BuildCounter()
                             .Name("kinerja_kafka_errors_total")
                             .Help(
                                 "Errors reported by the Kafka clients (consumer, producer of "
                                 "dead letters), by librdkafka error code.")
                             .Register(r);
  for (std::string_view client : kKafkaClients) {
    for (std::string_view code : kCommonKafkaErrors) {
      impl_->kafka_error[std::string(client) + "/" + std::string(code)] =
          &impl_->kafka_errors->Add({{"client", std::string(client)}, {"code", std::string(code)}});
    }
  }
  auto& events =
      BuildCounter()
          .Name("kinerja_events_total")
          .Help("Consumed events by type and outcome (applied, duplicate, dead_lettered).")
          .Register(r);
  for (size_t t = 0; t <= kEventTypeCount; ++t) {
    const std::string type =
        t == kEventTypeCount ? "unknown" : std::string(EventTypeName(static_cast<EventType>(t)));
    for (size_t o = 0; o < pipeline::kOutcomeCount; ++o) {
      if (t == kEventTypeCount && o != static_cast<size_t>(pipeline::Outcome::kDeadLettered))
        continue;
      impl_->events[t][o] =
          &events.Add({{"type", type}, {"outcome", std::string(kOutcomeNames[o])}});
    }
  }
  auto& dead = BuildCounter()
                   .Name("kinerja_dead_letters_total")
                   .Help("Messages sent to the dead-letter topic, by rejection reason.")
                   .Register(r);
  for (size_t i = 0; i < ingest::kRejectReasonCount; ++i) {
    impl_->dead_letters[i] = &dead.Add(
        {{"reason", std::string(ingest::RejectReasonName(static_cast<ingest::RejectReason>(i)))}});
  }
  impl_->lag_family = &BuildGauge()
                           .Name("kinerja_consumer_lag_messages")
                           .Help("High watermark minus committed offset, per owned partition.")
                           .Register(r);
  impl_->last_commit = &BuildGauge()
                            .Name("kinerja_last_commit_timestamp_seconds")
                            .Help("Unix time of the last committed state write.")
                            .Register(r)
                            .Add({});
  impl_->assigned = &BuildGauge()
                         .Name("kinerja_assigned_partitions")
                         .Help("Partitions this instance owns.")
                         .Register(r)
                         .Add({});
  impl_->rebalances = &BuildCounter()
                           .Name("kinerja_rebalances_total")
                           .Help("Partition assignment changes.")
                           .Register(r)
                           .Add({});
  impl_->commit_seconds = &BuildHistogram()
                               .Name("kinerja_state_commit_seconds")
                               .Help("Duration of one atomic state+offsets write.")
                               .Register(r)
                               .Add({}, prometheus::Histogram::BucketBoundaries{
                                            0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  // From milliseconds (live traffic; the p99 aim is 100 ms) to days (a replay, late publishers).
  impl_->event_age_bounds = {0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,   1,    2.5,
                             5,      10,    30,   60,    300,  900, 3600, 21600, 86400};
  impl_->event_age =
      &BuildHistogram()
           .Name("kinerja_event_age_seconds")
           .Help("From an event's Kafka message timestamp to the commit of its state.")
           .Register(r)
           .Add({}, impl_->event_age_bounds);
  impl_->state_size = &BuildGauge()
                           .Name("kinerja_state_size_bytes")
                           .Help("Approximate RocksDB live data size.")
                           .Register(r)
                           .Add({});
  auto& budget = BuildGauge()
                     .Name("kinerja_memory_budget_bytes")
                     .Help("Memory budget of each pool (kinerja run --memory-mb).")
                     .Register(r);
  auto& used = BuildGauge()
                   .Name("kinerja_memory_used_bytes")
                   .Help("Memory a pool holds, as measured after the last commit.")
                   .Register(r);
  for (size_t i = 0; i < pipeline::kMemoryPoolCount; ++i) {
    const std::string pool(MemoryPoolName(static_cast<pipeline::MemoryPool>(i)));
    impl_->memory_budget[i] = &budget.Add({{"pool", pool}});
    if (i != static_cast<size_t>(pipeline::MemoryPool::kPrefetch)) {
      impl_->memory_used[i] = &used.Add({{"pool", pool}});
    }
  }
  impl_->cache_employees = &BuildGauge()
                                .Name("kinerja_employee_cache_entries")
                                .Help("Employees kept in memory between batches.")
                                .Register(r)
                                .Add({});
}

MetricsProbe::~MetricsProbe() = default;

void MetricsProbe::BatchCommitted(const pipeline::BatchCounts& c, double commit_seconds,
                                  int64_t commit_unix_ms) {
  for (size_t t = 0; t <= kEventTypeCount; ++t) {
    for (size_t o = 0; o < pipeline::kOutcomeCount; ++o) {
      if (c.events[t][o] && impl_->events[t][o])
        impl_->events[t][o]->Increment(static_cast<double>(c.events[t][o]));
    }
  }
  for (size_t i = 0; i < ingest::kRejectReasonCount; ++i) {
    if (c.dead_letters[i])
      impl_->dead_letters[i]->Increment(static_cast<double>(c.dead_letters[i]));
  }
  for (const auto& [agency, counts] : c.agencies) impl_->agencies->Add(agency, counts);
  impl_->commit_seconds->Observe(commit_seconds);
  impl_->last_commit->Set(static_cast<double>(commit_unix_ms) / 1000.0);
}

void MetricsProbe::EventAges(const std::vector<int64_t>& timestamps_ms, int64_t commit_unix_ms) {
  if (timestamps_ms.empty()) return;
  // One histogram update per batch, not per event.
  const auto& bounds = impl_->event_age_bounds;
  std::vector<double> buckets(bounds.size() + 1, 0.0);
  double sum = 0;
  for (int64_t ts : timestamps_ms) {
    const double age = std::max<double>(0, static_cast<double>(commit_unix_ms - ts) / 1000.0);
    sum += age;
    const auto b = std::lower_bound(bounds.begin(), bounds.end(), age) - bounds.begin();
    buckets[static_cast<size_t>(b)] += 1;
  }
  impl_->event_age->ObserveMultiple(buckets, sum);
}

void MetricsProbe::PartitionLag(int32_t partition, std::optional<int64_t> lag) {
  auto it = impl_->lag.find(partition);
  if (!lag) {
    if (it != impl_->lag.end()) {
      impl_->lag_family->Remove(it->second);
      impl_->lag.erase(it);
    }
    return;
  }
  if (it == impl_->lag.end()) {
    it =
        impl_->lag
            .emplace(partition, &impl_->lag_family->Add({{"partition", std::to_string(partition)}}))
            .first;
  }
  it->second->Set(static_cast<double>(*lag));
}

void MetricsProbe::Assignment(size_t owned, bool changed) {
  impl_->assigned->Set(static_cast<double>(owned));
  if (changed) impl_->rebalances->Increment();
}

void MetricsProbe::StateSize(uint64_t bytes) { impl_->state_size->Set(static_cast<double>(bytes)); }

void MetricsProbe::CacheSize(uint64_t bytes, uint64_t employees) {
  impl_->memory_used[static_cast<size_t>(pipeline::MemoryPool::kEmployeeCache)]->Set(
      static_cast<double>(bytes));
  impl_->cache_employees->Set(static_cast<double>(employees));
}

void MetricsProbe::StoreMemory(uint64_t bytes) {
  impl_->memory_used[static_cast<size_t>(pipeline::MemoryPool::kStateStore)]->Set(
      static_cast<double>(bytes));
}

void MetricsProbe::MemoryBudget(pipeline::MemoryPool pool, uint64_t bytes) {
  impl_->memory_budget[static_cast<size_t>(pool)]->Set(static_cast<double>(bytes));
}

void MetricsProbe::AgenciesKnown(const std::vector<std::string>& agencies) {
  for (const auto& a : agencies) impl_->agencies->Touch(a);
}

void MetricsProbe::KafkaError(std::string_view client, std::string_view code) {
  // Rare (errors), so a string key per call is fine.
  const std::string key = std::string(client) + "/" + std::string(code);
  std::lock_guard lock(impl_->kafka_errors_mu);
  auto it = impl_->kafka_error.find(key);
  if (it == impl_->kafka_error.end()) {
    it = impl_->kafka_error
             .emplace(key, &impl_->kafka_errors->Add(
                               {{"client", std::string(client)}, {"code", std::string(code)}}))
             .first;
  }
  it->second->Increment();
}

namespace {

class KpiCollectable : public prometheus::Collectable {
 public:
  KpiCollectable(std::function<pipeline::KpiSnapshot()> snapshot, ViewOptions options)
      : snapshot_(std::move(snapshot)), options_(options) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    const pipeline::KpiSnapshot snap = snapshot_();
    return KpisToFamilies(RenderKpis(snap.counters, snap.newest_month, options_));
  }

 private:
  std::function<pipeline::KpiSnapshot()> snapshot_;
  ViewOptions options_;
};

}  // namespace

std::shared_ptr<prometheus::Collectable> NewKpiCollectable(
    std::function<pipeline::KpiSnapshot()> snapshot, ViewOptions options) {
  return std::make_shared<KpiCollectable>(std::move(snapshot), options);
}

void RegisterBuildInfo(prometheus::Registry& r) {
  BuildGauge()
      .Name("kinerja_build_info")
      .Help("Always 1; labels name the running build.")
      .Register(r)
      .Add({{"version", KINERJA_VERSION}, {"revision", KINERJA_REVISION}})
      .Set(1);
}

struct MetricsServer::Impl {
  std::unique_ptr<prometheus::Exposer> exposer;
  // The exposer holds collectables only weakly; the server owns them.
  std::vector<std::shared_ptr<prometheus::Collectable>> owned;
  std::string wake_host = "127.0.0.1";  // an address of ours that reaches the listener
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  // civetweb's listener notices the stop flag only when its poll() returns, which takes up to
  // 2 s when idle; connecting to it while it stops wakes it at once.
  const int port = this->port();
  std::atomic<bool> stopped{false};
  std::thread waker([&] {
    while (!stopped.load()) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0) return;
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port));
      inet_pton(AF_INET, impl_->wake_host.c_str(), &addr.sin_addr);
      (void)connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // a wake-up only
      close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  impl_->exposer.reset();
  stopped.store(true);
  waker.join();
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& address) {
  auto impl = std::make_unique<Impl>();
  const std::string host = address.substr(0, address.rfind(':'));
  in_addr parsed{};
  if (!host.empty() && host != "0.0.0.0" && inet_pton(AF_INET, host.c_str(), &parsed) == 1)
    impl->wake_host = host;
  try {
    // civetweb reports bind failures by throwing; keep that inside this boundary.
    impl->exposer = std::make_unique<prometheus::Exposer>(address, 2);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("metrics-address " + address + ": cannot listen (" + e.what() +
                                   ")");
  }
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

void MetricsServer::Register(const std::shared_ptr<prometheus::Collectable>& c) {
  impl_->owned.push_back(c);
  impl_->exposer->RegisterCollectable(c);
}

int MetricsServer::port() const {
  auto ports = impl_->exposer->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace kinerja::exporter
