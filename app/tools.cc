// The tool subcommands: simulate, publish, validate, kpis, create-topics.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "commands.h"
#include "core/civil_time.h"
#include "export/kpi_view.h"
#include "ingest/binding.h"
#include "ingest/decoder.h"
#include "ingest/kafka.h"
#include "pipeline/pipeline.h"
#include "processors/kpi.h"
#include "state/codec.h"
#include "state/partitions.h"
#include "storage/state_store.h"

namespace kinerja::app {
namespace {

int Fail(std::string_view cmd, const Status& st) {
  std::cerr << "kinerja " << cmd << ": " << st.ToString() << "\n";
  return st.code() == Status::Code::kInvalidArgument ? 2 : 1;
}

Result<std::unique_ptr<ingest::KafkaProducer>> MakeProducer(const KafkaFlags& k,
                                                            const ingest::KafkaProperties& extra) {
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

// The NDJSON inputs of publish and validate: files, or "-" for standard input. Every file is
// opened up front, so a missing one is reported before anything is read or sent. Standard input
// is kept in memory only when the inputs are read twice (publish: validate, then send).
class NdjsonInputs {
 public:
  // Returns false with the unreadable path in *bad.
  bool Open(const std::vector<std::string>& paths, bool read_twice, std::string* bad) {
    for (const auto& path : paths) {
      if (path == "-") {
        if (read_twice && !stdin_kept_) {
          std::ostringstream all;
          all << std::cin.rdbuf();
          stdin_ = all.str();
          stdin_kept_ = true;
        }
        continue;
      }
      std::error_code ec;
      if (std::filesystem::is_directory(path, ec) || !std::ifstream(path, std::ios::binary)) {
        *bad = path;
        return false;
      }
    }
    paths_ = paths;
    return true;
  }

  // Calls fn(name, line number from 1, line) for every line; stops early when fn returns
  // false. Returns false when a file could not be read (its path in *bad).
  bool ForEachLine(const std::function<bool(const std::string&, uint64_t, const std::string&)>& fn,
                   std::string* bad) {
    for (const auto& path : paths_) {
      std::ifstream file;
      std::istringstream kept;
      std::istream* in = &std::cin;
      if (path == "-" && stdin_kept_) {
        kept.str(stdin_);
        in = &kept;
      } else if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) {
          *bad = path;
          return false;
        }
        in = &file;
      }
      const std::string name = path == "-" ? "<stdin>" : path;
      std::string line;
      for (uint64_t number = 1; std::getline(*in, line); ++number) {
        if (!fn(name, number, line)) return true;
      }
      if (in->bad()) {
        *bad = path;
        return false;
      }
    }
    return true;
  }

 private:
  std::vector<std::string> paths_;
  std::string stdin_;
  bool stdin_kept_ = false;
};

// A line with nothing but JSON whitespace (a CRLF file's "\r" included) is not an event: publish
// skips it and validate does not count it.
bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::optional<std::string_view> View(const std::optional<std::string>& s) {
  return s ? std::optional<std::string_view>(*s) : std::nullopt;
}

struct Validation {
  uint64_t events = 0, invalid = 0, blank = 0;
  std::map<std::string, uint64_t> reasons;  // invalid events by reason code
};

// Decodes every non-blank line as the pipeline would see it once published (the message
// publish sends in `mode`) and prints each invalid one as "FILE:LINE: reason: detail". The detail
// is the decoder's, which never echoes a NIP or a note: the line number identifies the event. A
// message record that cannot be read is reported as invalid_record.
bool ValidateInputs(NdjsonInputs& inputs, ingest::ContentMode mode, Validation* v,
                    std::string* bad) {
  ingest::Decoder decoder;
  ingest::MessageBuilder builder(mode);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  return inputs.ForEachLine(
      [&](const std::string& name, uint64_t number, const std::string& line) {
        if (IsBlank(line)) {
          ++v->blank;
          return true;
        }
        ++v->events;
        auto message = builder.Build(line);
        std::string reason, detail;
        if (!message.ok()) {
          reason = "invalid_record";
          detail = message.status().message();
        } else {
          const auto headers = ingest::HeaderViews(*message);
          // Dates are judged against now, the Kafka timestamp publish would give the line.
          const ingest::DecodeResult r =
              decoder.Decode(View(message->key), View(message->value), headers, now_ms);
          if (const auto* rejection = std::get_if<ingest::Rejection>(&r)) {
            reason = std::string(ingest::RejectReasonName(rejection->reason));
            detail = rejection->detail;
          }
        }
        if (!reason.empty()) {
          ++v->invalid;
          ++v->reasons[reason];
          std::cout << name << ":" << number << ": " << reason << ": " << detail << "\n";
        }
        return true;
      },
      bad);
}

std::string Summary(const Validation& v) {
  std::string s = std::to_string(v.events) + (v.events == 1 ? " event: " : " events: ") +
                  std::to_string(v.events - v.invalid) + " valid, " + std::to_string(v.invalid) +
                  " invalid";
  if (!v.reasons.empty()) {
    std::string list;
    for (const auto& [reason, n] : v.reasons)
      list += (list.empty() ? "" : ", ") + reason + " " + std::to_string(n);
    s += " (" + list + ")";
  }
  if (v.blank > 0)
    s += "; " + std::to_string(v.blank) + " blank line" + (v.blank == 1 ? "" : "s") + " skipped";
  return s;
}

}  // namespace

int Validate(const ValidateFlags& f) {
  NdjsonInputs inputs;
  std::string bad;
  if (!inputs.Open(f.files, false, &bad)) {
    std::cerr << "kinerja validate: cannot open " << bad << "\n";
    return 2;
  }
  Validation v;
  if (!ValidateInputs(inputs, *ingest::ParseContentMode(f.content_mode), &v, &bad)) {
    std::cout.flush();
    std::cerr << "kinerja validate: reading " << bad << " failed\n";
    return 2;
  }
  std::cout.flush();
  std::cerr << "kinerja validate: " << Summary(v) << "\n";
  return v.invalid == 0 ? 0 : 1;
}

namespace {

// simulate --output: NDJSON to a file or standard output.
int SimulateToFile(const SimulateFlags& f) {
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

// The envelope time of a simulated event, in Unix ms: its Kafka timestamp under
// --timestamps event. The simulator writes the envelope first, so the first "time" member is
// the envelope's.
int64_t EnvelopeTimeMs(std::string_view json) {
  constexpr std::string_view kField = "\"time\":\"";
  const size_t at = json.find(kField);
  if (at == std::string_view::npos) return 0;
  const size_t from = at + kField.size();
  const size_t to = json.find('"', from);
  if (to == std::string_view::npos) return 0;
  auto t = ParseRfc3339(json.substr(from, to - from));
  return t ? t->unix_seconds * 1000 : 0;
}

}  // namespace

int Simulate(const SimulateFlags& f) {
  if (!f.output.empty()) return SimulateToFile(f);
  auto extra = KafkaClientProperties(f.kafka);
  if (!extra.ok()) return Fail("simulate", extra.status());
  auto producer = MakeProducer(f.kafka, *extra);
  if (!producer.ok()) return Fail("simulate", producer.status());
  Pacer pacer(f.rate);
  uint64_t sent = 0;
  Status error;
  auto summary = simulator::Simulate(f.sim, [&](std::string_view key, std::string_view json) {
    // Kafka stamps 0 with the producer's clock (CreateTime now).
    const int64_t timestamp_ms = f.event_timestamps ? EnvelopeTimeMs(json) : 0;
    error = (*producer)->Send(f.kafka.topic, key, json, {}, timestamp_ms);
    pacer.Wait(++sent);
    return error.ok();
  });
  if (!error.ok()) return Fail("simulate", error);
  if (Status st = (*producer)->Flush(std::chrono::minutes(2)); !st.ok())
    return Fail("simulate", st);
  std::cerr << "kinerja simulate: produced " << summary.events << " events to " << f.kafka.topic
            << " (" << summary.duplicates << " deliberate duplicates)\n";
  return 0;
}

int Publish(const PublishFlags& f) {
  auto extra = KafkaClientProperties(f.kafka);
  if (!extra.ok()) return Fail("publish", extra.status());
  const ingest::ContentMode mode = *ingest::ParseContentMode(f.content_mode);
  NdjsonInputs inputs;
  std::string bad;
  if (!inputs.Open(f.files, !f.no_validate, &bad)) {
    std::cerr << "kinerja publish: cannot open " << bad << "\n";
    return 2;
  }
  if (!f.no_validate) {
    Validation v;
    if (!ValidateInputs(inputs, mode, &v, &bad)) {
      std::cerr << "kinerja publish: reading " << bad << " failed\n";
      return 2;
    }
    std::cout.flush();
    if (v.invalid > 0) {
      std::cerr << "kinerja publish: refused, nothing was sent: " << Summary(v)
                << ". Fix the lines above, or pass --no-validate to send them anyway (the "
                   "pipeline dead-letters invalid events)\n";
      return 1;
    }
  }
  auto producer = MakeProducer(f.kafka, *extra);
  if (!producer.ok()) return Fail("publish", producer.status());
  ingest::MessageBuilder builder(mode);
  uint64_t sent = 0, unkeyed = 0;
  Status error;
  // Events are keyed by subject so one employee's events stay ordered in one partition.
  const bool read = inputs.ForEachLine(
      [&](const std::string& name, uint64_t number, const std::string& line) {
        if (IsBlank(line)) return true;
        auto message = builder.Build(line);
        if (!message.ok()) {  // only a message record can fail, and it cannot be sent
          error = Status::InvalidArgument(name + ":" + std::to_string(number) + ": " +
                                          message.status().message());
          return false;
        }
        unkeyed += !message->key;
        error = (*producer)->Send(f.kafka.topic, View(message->key), View(message->value),
                                  message->headers);
        sent += error.ok();
        return error.ok();
      },
      &bad);
  if (!error.ok()) return Fail("publish", error);
  if (!read) {
    std::cerr << "kinerja publish: reading " << bad << " failed\n";
    return 1;
  }
  if (Status st = (*producer)->Flush(std::chrono::minutes(2)); !st.ok()) return Fail("publish", st);
  std::cout << "published " << sent << " events to " << f.kafka.topic << " ("
            << (*producer)->delivered() << " delivered, " << (*producer)->failed() << " failed, "
            << unkeyed << " without a readable subject)\n";
  return (*producer)->failed() == 0 ? 0 : 1;
}

int Kpis(const KpisFlags& f) {
  if (f.progress && f.format != "json") {
    std::cerr << "kinerja kpis: --progress: only with --format json\n";
    return 2;
  }
  storage::RocksDbOptions options;
  options.path = f.state_dir;
  options.format = state::kFormatVersion;
  options.read_only = true;
  auto store = storage::OpenRocksDbStateStore(options);
  if (!store.ok()) return Fail("kpis", store.status());
  processors::KpiTable counters;
  MonthIndex newest = processors::kNoMonth;
  nlohmann::ordered_json progress = nlohmann::ordered_json::array();
  Status st = state::ForEachPartition(**store, [&](int32_t p, const state::PartitionState& part) {
    if (f.progress && part.next_offset) {
      progress.push_back({{"partition", p},
                          {"next_offset", *part.next_offset},
                          {"applied", part.outcomes.applied},
                          {"duplicate", part.outcomes.duplicates},
                          {"dead_lettered", part.outcomes.dead_lettered}});
    }
    counters.AddAll(part.counters);
    newest = std::max(newest, part.newest_month);
    return Status::OK();
  });
  if (!st.ok()) return Fail("kpis", st);
  exporter::ViewOptions view;
  view.window_months = f.window_months;
  const auto series = exporter::RenderKpis(counters, newest, view);
  if (f.format == "json" && f.progress) {
    auto doc = nlohmann::ordered_json::parse(exporter::KpisToJson(series));
    doc["partitions"] = std::move(progress);
    std::cout << doc.dump() << "\n";
  } else if (f.format == "json") {
    std::cout << exporter::KpisToJson(series) << "\n";
  } else {
    std::cout << exporter::KpisToPrometheusText(series);
  }
  return 0;
}

int CreateTopics(const TopicsFlags& f) {
  auto extra = KafkaClientProperties(f.kafka);
  if (!extra.ok()) return Fail("create-topics", extra.status());
  Status st = ingest::CreateTopics(f.kafka.brokers, *extra,
                                   {{f.kafka.topic, f.partitions, 1}, {f.kafka.dlq_topic, 1, 1}});
  if (!st.ok()) return Fail("create-topics", st);
  std::cerr << "kinerja create-topics: " << f.kafka.topic << " (" << f.partitions
            << " partitions) and " << f.kafka.dlq_topic << " exist\n";
  return 0;
}

}  // namespace kinerja::app
