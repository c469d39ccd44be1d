// `kinerja run`: the long-running consumer. Only this file wires Kafka, RocksDB and HTTP.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <unistd.h>

#include "commands.h"
#include "export/metrics.h"
#include "ingest/kafka.h"
#include "kafka_config.h"
#include "log/log.h"
#include "phase_file.h"
#include "pipeline/pipeline.h"
#include "state/codec.h"
#include "storage/state_store.h"

namespace kinerja::app {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop.store(true); }

int Fail(const Status& st) {
  log::Write(log::Level::kError, "run", st.ToString());
  return st.code() == Status::Code::kInvalidArgument ? 2 : 1;
}

// The dead-letter topic must take Kinerja's writes before anything is consumed, or the first
// rejected event would stop the pipeline. Checked without writing (ingest::CheckTopicWritable);
// refused credentials fail here too. When no broker answers, the run goes on: the consumer
// waits for the brokers, and a dead letter that cannot be stored still stops the pipeline
// before the offset that skips it is committed (docs/architecture.md, "Secured clusters").
Status CheckDeadLetterTopic(const KafkaFlags& k, const ingest::KafkaProperties& extra,
                            ingest::KafkaErrorListener* errors) {
  Status st = ingest::CheckTopicWritable({k.brokers, "kinerja-dlq-check", extra, errors},
                                         k.dlq_topic, std::chrono::seconds(15));
  switch (st.code()) {
    case Status::Code::kOk:
      log::Write(log::Level::kInfo, "run", "dead-letter topic " + k.dlq_topic + " takes writes");
      return st;
    case Status::Code::kUnavailable:
      log::Write(log::Level::kWarn, "run",
                 "could not check dead-letter topic " + k.dlq_topic + " now (" + st.message() +
                     "); starting anyway");
      return Status::OK();
    case Status::Code::kNotFound:
      return Status::NotFound("dead-letter topic " + k.dlq_topic +
                              " does not exist (kinerja create-topics makes it)");
    case Status::Code::kPermissionDenied:
      return Status::PermissionDenied("checking dead-letter topic " + k.dlq_topic + ": " +
                                      st.message());
    default:
      return st;  // a bad property
  }
}

}  // namespace

std::string StaticInstanceId(const RunFlags& flags) {
  if (flags.instance_id == "none") return "";
  // A replay leaves for good when it is done: as a static member it would stay in the group
  // until its session timed out, and the next member to join would wait for it.
  if (flags.instance_id == "auto" && flags.stop_at_end) return "";
  if (flags.instance_id != "auto") return flags.instance_id;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::string id = "kinerja-";
  for (const char* c = host; *c != '\0' && id.size() < 200; ++c) {
    const bool ok = std::isalnum(static_cast<unsigned char>(*c)) || *c == '.' || *c == '-';
    id += ok ? *c : '_';
  }
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::weakly_canonical(flags.state_dir, ec);
  if (ec) dir = std::filesystem::absolute(flags.state_dir, ec);
  uint64_t hash = 14695981039346656037ull;  // FNV-1a: stable across builds and runs
  for (unsigned char c : dir.string()) hash = (hash ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return id + "-" + std::string(hex, 8);
}

MemoryBudget MemoryBudgetOf(size_t memory_mb) {
  const size_t total = memory_mb << 20;
  return {total / 4, total / 4, total / 8 * 3};
}

Result<ingest::KafkaProperties> KafkaClientProperties(const KafkaFlags& flags) {
  return ResolveKafkaProperties(flags.config_file, flags.properties,
                                [](const char* name) { return std::getenv(name); });
}

// The state directory, refused when it was built from another topic (before anything is
// consumed; the partition count is checked by the pipeline when partitions are assigned,
// storage::StateIdentity).
Result<std::unique_ptr<storage::StateStore>> OpenState(const RunFlags& f, size_t memory_bytes) {
  storage::RocksDbOptions db_options;
  db_options.path = f.state_dir;
  db_options.format = state::kFormatVersion;
  db_options.memory_bytes = memory_bytes;
  auto store = storage::OpenRocksDbStateStore(db_options);
  if (!store.ok()) return store.status();
  auto identity = (*store)->LoadIdentity();
  if (!identity.ok()) return identity.status();
  if (*identity) {
    if (Status st = storage::CheckIdentity(**identity, {f.kafka.topic, 0}); !st.ok()) {
      return Status::InvalidArgument("state directory " + f.state_dir + ": " + st.message());
    }
  }
  return store;
}

int Run(const RunFlags& f) {
  log::SetLevel(*log::ParseLevel(f.log_level));  // checked when the flags were parsed
  // Test-only: KINERJA_TEST_PHASE_FILE (app/README.md, "Test-only hooks"); nullptr otherwise.
  auto phases = PhaseFile::FromEnvironment();
  if (!phases.ok()) return Fail(phases.status());
  auto extra_or = KafkaClientProperties(f.kafka);
  if (!extra_or.ok()) return Fail(extra_or.status());
  const ingest::KafkaProperties& extra = *extra_or;

  auto registry = std::make_shared<prometheus::Registry>();
  exporter::MetricsProbe probe(*registry);
  exporter::RegisterBuildInfo(*registry);
  if (Status st = CheckDeadLetterTopic(f.kafka, extra, &probe); !st.ok()) return Fail(st);

  auto producer = ingest::KafkaProducer::Create({f.kafka.brokers, "kinerja-dlq", extra, &probe});
  if (!producer.ok()) return Fail(producer.status());
  ingest::KafkaDeadLetterSink dlq(producer->get(), f.kafka.dlq_topic, f.kafka.topic);

  // After the producer, which has checked the Kafka properties (a bad one is a configuration
  // error whatever the state holds), and before the consumer joins the group: a refused state
  // leaves no member behind (and librdkafka 2.0.2 can abort on an assertion when a consumer of
  // the cooperative-sticky assignor is destroyed in the middle of its first join).
  const MemoryBudget budget = MemoryBudgetOf(f.memory_mb);
  probe.MemoryBudget(pipeline::MemoryPool::kPrefetch, budget.prefetch_bytes);
  probe.MemoryBudget(pipeline::MemoryPool::kStateStore, budget.rocksdb_bytes);
  probe.MemoryBudget(pipeline::MemoryPool::kEmployeeCache, budget.employee_cache_bytes);
  auto store = OpenState(f, budget.rocksdb_bytes);
  if (!store.ok()) return Fail(store.status());

  ingest::KafkaSourceOptions source_options;
  source_options.brokers = f.kafka.brokers;
  source_options.topic = f.kafka.topic;
  source_options.group_id = f.group;
  source_options.group_instance_id = StaticInstanceId(f);
  source_options.prefetch_bytes = budget.prefetch_bytes;
  source_options.extra = extra;
  source_options.errors = &probe;
  auto source = ingest::KafkaSource::Create(source_options);
  if (!source.ok()) return Fail(source.status());

  pipeline::PipelineOptions options;
  options.max_batch_messages = f.batch_size;
  options.stop_at_end = f.stop_at_end;
  options.max_cache_bytes = budget.employee_cache_bytes;
  options.decode_thread = f.decode_threads > 0;
  options.commit_thread = f.commit_threads > 0;
  options.dedup_window_ms = static_cast<int64_t>(f.dedup_window_hours * 3600 * 1000);
  options.topic = f.kafka.topic;
  options.phases = phases->get();
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
          << (source_options.group_instance_id.empty()
                  ? std::string(" (dynamic membership)")
                  : " (static member " + source_options.group_instance_id + ")")
          << " into state directory " << f.state_dir
          << "; metrics on http://127.0.0.1:" << (*server)->port() << "/metrics"
          << (f.stop_at_end ? " (until the end offsets seen now)" : "");
  log::Write(log::Level::kInfo, "run", started.str());

  Status st = pipe.Run(g_stop);
  if (!st.ok()) return Fail(st);
  log::Write(log::Level::kInfo, "run", "stopped cleanly");
  return 0;
}

}  // namespace kinerja::app
