// What the code under test reports, recorded for assertions: kinerja::log lines, and the errors
// Kafka clients report to their listener. Header-only: a test that includes it links
// kinerja::log and kinerja::ingest.
#pragma once

#include <algorithm>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/kafka.h"
#include "log/log.h"

namespace kinerja::testing {

// Every line kinerja::log writes while the object lives (instead of stderr).
struct LogCapture {
  std::mutex mu;
  std::vector<std::string> lines;  // guarded by mu
  LogCapture() {
    log::SetSink([this](std::string_view line) {
      std::lock_guard lock(mu);
      lines.emplace_back(line);
    });
  }
  ~LogCapture() { log::SetSink(nullptr); }
  LogCapture(const LogCapture&) = delete;
  // The lines that contain `needle`.
  std::vector<std::string> With(std::string_view needle) {
    std::lock_guard lock(mu);
    std::vector<std::string> out;
    for (const auto& l : lines) {
      if (l.find(needle) != std::string::npos) out.push_back(l);
    }
    return out;
  }
  // Every line so far, one per line.
  std::string All() {
    std::lock_guard lock(mu);
    std::string out;
    for (const auto& l : lines) out.append(l).append("\n");
    return out;
  }
};

// Every (client, code) a Kafka client reported, in order.
struct RecordingErrorListener : ingest::KafkaErrorListener {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> seen;  // guarded by mu
  void KafkaError(std::string_view client, std::string_view code) override {
    std::lock_guard lock(mu);
    seen.emplace_back(client, code);
  }
  size_t count() {
    std::lock_guard lock(mu);
    return seen.size();
  }
  bool Saw(std::string_view client, std::string_view code) {
    std::lock_guard lock(mu);
    return std::find(seen.begin(), seen.end(), std::pair<std::string, std::string>(client, code)) !=
           seen.end();
  }
};

}  // namespace kinerja::testing
