// Driving the real kinerja binary against the shared test broker.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support.h"

namespace kinerja::testing {

struct TestTopics {
  std::string brokers, events, dlq;
};

// Creates fresh events and DLQ topics through `kinerja create-topics`.
inline TestTopics CreateTopicsForTest(const std::string& prefix, int partitions) {
  TestTopics t{TestBrokers(), UniqueTopic(prefix), ""};
  t.dlq = t.events + ".dlq";
  std::string out;
  const int rc =
      RunCommand({KinerjaBinary(), "create-topics", "--brokers", t.brokers, "--topic", t.events,
                  "--dlq-topic", t.dlq, "--partitions", std::to_string(partitions)},
                 &out);
  if (rc != 0) throw std::runtime_error("create-topics failed: " + out);
  return t;
}

inline std::vector<std::string> RunArgs(const TestTopics& t, const std::string& state_dir,
                                        const std::string& group) {
  return {KinerjaBinary(),     "run",        "--brokers", t.brokers, "--topic",     t.events,
          "--dlq-topic",       t.dlq,        "--group",   group,     "--state-dir", state_dir,
          "--metrics-address", "127.0.0.1:0"};
}

// The arguments of `kinerja run --stop-at-end`.
inline std::vector<std::string> StopAtEndArgs(const TestTopics& t, const std::string& state_dir,
                                              const std::string& group) {
  auto args = RunArgs(t, state_dir, group);
  args.push_back("--stop-at-end");
  return args;
}

// `kinerja run --stop-at-end`; returns the exit code.
inline int ReplayToEnd(const TestTopics& t, const std::string& state_dir, const std::string& group,
                       std::string* out = nullptr) {
  return RunCommand(StopAtEndArgs(t, state_dir, group), out);
}

// `kinerja kpis --format json`, parsed; with `progress`, also each partition's next offset and
// outcome totals ("partitions").
inline nlohmann::json ReadKpis(const std::string& state_dir, bool progress = false) {
  std::string out;
  std::vector<std::string> args = {KinerjaBinary(), "kpis",     "--state-dir",
                                   state_dir,       "--format", "json"};
  if (progress) args.push_back("--progress");
  const int rc = RunCommand(args, &out);
  if (rc != 0) throw std::runtime_error("kpis failed: " + out);
  // stderr may carry RocksDB/librdkafka noise on other lines; the JSON is the line that starts with
  // {.
  const auto pos = out.find("{\"kpis\"");
  return nlohmann::json::parse(out.substr(pos, out.find('\n', pos) - pos));
}

// The value of the series `name` with exactly `labels` in `kinerja kpis --format json` output,
// or -1 when there is none.
inline double KpiValue(const nlohmann::json& kpis, const std::string& name,
                       const std::map<std::string, std::string>& labels) {
  for (const auto& k : kpis["kpis"]) {
    if (k["name"] == name && k["labels"] == nlohmann::json(labels)) return k["value"].get<double>();
  }
  return -1;
}

// The record `kinerja run` keeps in the file named by KINERJA_TEST_PHASE_FILE (app/phase_file.h):
// its pipeline's phase, the number of records written, the messages committed by the process.
struct PhaseRecord {
  std::string phase;
  uint64_t changes = 0;
  uint64_t committed = 0;
};

// The phase file's record, or nullopt while there is none (not yet written, or read mid-write).
inline std::optional<PhaseRecord> ReadPhaseFile(const std::string& path) {
  const std::string record = ReadFile(path);
  if (record.size() != 64 || record.back() != '\n') return std::nullopt;
  std::istringstream in(record);
  PhaseRecord r;
  std::string rest;
  if (!(in >> r.phase >> r.changes >> r.committed) || (in >> rest)) return std::nullopt;
  return r;
}

// The metrics port `kinerja run` announced in its log, or 0.
inline int AnnouncedMetricsPort(const std::string& log) {
  const std::string marker = "metrics on http://127.0.0.1:";
  const auto pos = log.find(marker);
  if (pos == std::string::npos) return 0;
  return std::stoi(log.substr(pos + marker.size()));
}

// Sum of a metric's samples (all label sets) in a /metrics body whose line starts with `prefix`.
inline double SumSamples(const std::string& body, const std::string& prefix) {
  double sum = 0;
  size_t pos = 0;
  while ((pos = body.find("\n" + prefix, pos)) != std::string::npos) {
    const auto end = body.find('\n', pos + 1);
    const std::string line = body.substr(pos + 1, end - pos - 1);
    sum += std::stod(line.substr(line.rfind(' ') + 1));
    pos = end;
  }
  return sum;
}

}  // namespace kinerja::testing
