// `kinerja run`: the long-running consumer. Only this file wires Kafka, RocksDB and HTTP.
#include <csignal>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "export/metrics.h"
#include "ingest/kafka.h"
#include "log/log.h"
#include "pipeline/pipeline.h"
#include "storage/state_store.h"

namespace kinerja::app {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop.store(true); }

int Fail(const Status& st) {
  log::Write(log::Level::kError, "run", st.ToString());
  return st.code() == Status::Code::kInvalidArgument ? 2 : 1;
}

}  // namespace

bool ParseProperties(const std::vector<std::string>& in, std::map<std::string, std::string>* out) {
  for (const auto& p : in) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "kinerja: --kafka-property: expected NAME=VALUE, got '" << p << "'\n";
      return false;
    }
    (*out)[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return true;
}

int Run(const RunFlags& f) {
  log::SetLevel(*log::ParseLevel(f.log_level));  // checked when the flags were parsed
  ingest::KafkaProperties extra;
  if (!ParseProperties(f.kafka.properties, &extra)) return 2;

  prometheus::Registry* registry_raw = nullptr;
  auto registry = std::make_shared<prometheus::Registry>();
  registry_raw = registry.get();
  exporter::MetricsProbe probe(*registry_raw);
  exporter::RegisterBuildInfo(*registry_raw);

  auto producer = ingest::KafkaProducer::Create({f.kafka.brokers, "kinerja-dlq", extra, &probe});
  if (!producer.ok()) return Fail(producer.status());
  ingest::KafkaDeadLetterSink dlq(producer->get(), f.kafka.dlq_topic, f.kafka.topic);

  ingest::KafkaSourceOptions source_options;
  source_options.brokers = f.kafka.brokers;
  source_options.topic = f.kafka.topic;
  source_options.group_id = f.group;
  source_options.extra = extra;
  source_options.errors = &probe;
  auto source = ingest::KafkaSource::Create(source_options);
  if (!source.ok()) return Fail(source.status());

  // After the Kafka clients: a bad property is a configuration error whatever the state holds.
  storage::RocksDbOptions db_options;
  db_options.path = f.state_dir;
  auto store = storage::OpenRocksDbStateStore(db_options);
  if (!store.ok()) return Fail(store.status());

  pipeline::PipelineOptions options;
  options.max_batch_messages = f.batch_size;
  options.stop_at_end = f.stop_at_end;
  options.max_cached_employees = f.cache_employees;
  options.dedup_window_ms = static_cast<int64_t>(f.dedup_window_hours * 3600 * 1000);
  pipeline::Pipeline pipe(options, source->get(), &dlq, store->get(), &probe);

  auto server = exporter::MetricsServer::Start(f.metrics_address);
  if (!server.ok()) return Fail(server.status());
  (*server)->Register(registry);
  exporter::ViewOptions view;
  view.window_months = f.window_months;
  (*server)->Register(exporter::NewKpiCollectable([&pipe] { return pipe.Snapshot(); }, view));
  (*server)->Register(exporter::NewProcessCollectable());
  (*server)->Register(exporter::NewFilesystemCollectable(f.state_dir));

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::ostringstream started;
  started << "consuming " << f.kafka.topic << " from " << f.kafka.brokers << " as group " << f.group
          << "; metrics on http://127.0.0.1:" << (*server)->port() << "/metrics"
          << (f.stop_at_end ? " (until the end offsets seen now)" : "");
  log::Write(log::Level::kInfo, "run", started.str());

  Status st = pipe.Run(g_stop);
  if (!st.ok()) return Fail(st);
  log::Write(log::Level::kInfo, "run", "stopped cleanly");
  return 0;
}

}  // namespace kinerja::app
