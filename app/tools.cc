// The tool subcommands: simulate, publish, kpis, create-topics.
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "commands.h"
#include "export/kpi_view.h"
#include "ingest/kafka.h"
#include "pipeline/pipeline.h"
#include "processors/codec.h"
#include "processors/kpi.h"
#include "storage/state_store.h"

namespace kinerja::app {
namespace {

int Fail(std::string_view cmd, const Status& st) {
  std::cerr << "kinerja " << cmd << ": " << st.ToString() << "\n";
  return st.code() == Status::Code::kInvalidArgument ? 2 : 1;
}

Result<std::unique_ptr<ingest::KafkaProducer>> MakeProducer(const KafkaFlags& k) {
  ingest::KafkaProperties extra;
  if (!ParseProperties(k.properties, &extra)) return Status::InvalidArgument("--kafka-property");
  return ingest::KafkaProducer::Create({k.brokers, "kinerja-tools", extra});
}

// Paces a producer to a target rate without sleeping per message.
class Pacer {
 public:
  explicit Pacer(double rate) : rate_(rate), start_(std::chrono::steady_clock::now()) {}
  void Wait(uint64_t sent) {
    if (rate_ <= 0) return;
    const auto due = start_ + std::chrono::duration<double>(static_cast<double>(sent) / rate_);
    if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
  }

 private:
  double rate_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

int Simulate(const SimulateFlags& f) {
  if (!f.output.empty()) {
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (f.output != "-") {
      file.open(f.output, std::ios::binary);
      if (!file) {
        std::cerr << "kinerja simulate: --output: cannot open " << f.output << "\n";
        return 2;
      }
      out = &file;
    }
    auto summary = simulator::Simulate(f.sim, [&](std::string_view, std::string_view json) {
      out->write(json.data(), static_cast<std::streamsize>(json.size()));
      out->put('\n');
      return static_cast<bool>(*out);
    });
    out->flush();
    if (!*out) {
      std::cerr << "kinerja simulate: writing " << f.output << " failed\n";
      return 1;
    }
    std::cerr << "kinerja simulate: wrote " << summary.events << " events (" << summary.duplicates
              << " deliberate duplicates)\n";
    return 0;
  }
  auto producer = MakeProducer(f.kafka);
  if (!producer.ok()) return Fail("simulate", producer.status());
  Pacer pacer(f.rate);
  uint64_t sent = 0;
  Status error;
  auto summary = simulator::Simulate(f.sim, [&](std::string_view key, std::string_view json) {
    error = (*producer)->Send(f.kafka.topic, key, json);
    pacer.Wait(++sent);
    return error.ok();
  });
  if (!error.ok()) return Fail("simulate", error);
  if (Status st = (*producer)->Flush(std::chrono::minutes(2)); !st.ok()) return Fail("simulate", st);
  std::cerr << "kinerja simulate: produced " << summary.events << " events to " << f.kafka.topic << " ("
            << summary.duplicates << " deliberate duplicates)\n";
  return 0;
}

int Publish(const PublishFlags& f) {
  auto producer = MakeProducer(f.kafka);
  if (!producer.ok()) return Fail("publish", producer.status());
  simdjson::ondemand::parser parser;
  uint64_t lines = 0, sent = 0, unkeyed = 0;
  for (const auto& path : f.files) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path != "-") {
      file.open(path, std::ios::binary);
      if (!file) {
        std::cerr << "kinerja publish: cannot open " << path << "\n";
        return 2;
      }
      in = &file;
    }
    std::string line;
    while (std::getline(*in, line)) {
      ++lines;
      if (line.empty()) continue;
      // Keyed by subject so one employee's events stay ordered in one partition; a line whose
      // subject cannot be read is still sent (unkeyed) and Kinerja dead-letters it with a reason.
      std::optional<std::string> key;
      simdjson::padded_string padded(line);
      simdjson::ondemand::document doc;
      std::string_view subject;
      if (!parser.iterate(padded).get(doc) && !doc["subject"].get_string().get(subject)) {
        key = std::string(subject);
      } else {
        ++unkeyed;
      }
      if (Status st = (*producer)->Send(f.kafka.topic, key, line); !st.ok()) return Fail("publish", st);
      ++sent;
    }
  }
  if (Status st = (*producer)->Flush(std::chrono::minutes(2)); !st.ok()) return Fail("publish", st);
  std::cout << "published " << sent << " events to " << f.kafka.topic << " (" << (*producer)->delivered()
            << " delivered, " << (*producer)->failed() << " failed, " << unkeyed << " without a readable subject)\n";
  return (*producer)->failed() == 0 ? 0 : 1;
}

int Kpis(const KpisFlags& f) {
  storage::RocksDbOptions options;
  options.path = f.state_dir;
  options.read_only = true;
  auto store = storage::OpenRocksDbStateStore(options);
  if (!store.ok()) return Fail("kpis", store.status());
  processors::KpiTable counters;
  MonthIndex newest = processors::kNoMonth;
  Status bad;
  Status st = (*store)->ForEachPartition([&](int32_t p, const storage::PartitionSnapshot& snap) {
    for (const auto& [key_bytes, value] : snap.counters) {
      auto key = processors::DecodeKpiKey(key_bytes);
      if (!key) {
        bad = Status::Corruption("partition " + std::to_string(p) + ": bad counter key");
        return;
      }
      counters.Add(*key, value);
    }
    processors::PartitionMeta meta;
    if (!snap.meta.empty()) {
      if (Status m = processors::DecodePartitionMeta(snap.meta, &meta); !m.ok()) {
        bad = m;
        return;
      }
      newest = std::max(newest, meta.newest_month);
    }
  });
  if (!st.ok()) return Fail("kpis", st);
  if (!bad.ok()) return Fail("kpis", bad);
  exporter::ViewOptions view;
  view.window_months = f.window_months;
  const auto series = exporter::RenderKpis(counters, newest, view);
  if (f.format == "json") {
    std::cout << exporter::KpisToJson(series) << "\n";
  } else {
    std::cout << exporter::KpisToPrometheusText(series);
  }
  return 0;
}

int CreateTopics(const TopicsFlags& f) {
  Status st = ingest::CreateTopics(f.kafka.brokers, {{f.kafka.topic, f.partitions, 1}, {f.kafka.dlq_topic, 1, 1}});
  if (!st.ok()) return Fail("create-topics", st);
  std::cerr << "kinerja create-topics: " << f.kafka.topic << " (" << f.partitions << " partitions) and "
            << f.kafka.dlq_topic << " exist\n";
  return 0;
}

}  // namespace kinerja::app
