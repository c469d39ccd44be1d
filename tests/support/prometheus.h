// A real Prometheus server for end-to-end tests, started and stopped by ops/prometheus.sh (by
// PID), scraping given targets every second and evaluating the given rule files every second.
#pragma once

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.h"

namespace kinerja::testing {

class PrometheusServer {
 public:
  PrometheusServer(const std::string& dir, const std::string& target,
                   const std::vector<std::string>& rule_files = {})
      : dir_(dir) {
    std::vector<std::string> argv = {
        "/bin/bash", std::string(KINERJA_SOURCE_DIR) + "/ops/prometheus.sh", "start", dir};
    for (const auto& f : rule_files) {
      argv.push_back("--rules");
      argv.push_back(f);
    }
    argv.push_back(target);
    std::string out;
    if (RunCommand(argv, &out) != 0) throw std::runtime_error("prometheus did not start: " + out);
    port_ = std::stoi(ReadFile(dir + "/url").substr(std::string("http://127.0.0.1:").size()));
  }
  ~PrometheusServer() {
    RunCommand({"/bin/bash", std::string(KINERJA_SOURCE_DIR) + "/ops/prometheus.sh", "stop", dir_});
  }
  PrometheusServer(const PrometheusServer&) = delete;

  static std::string UrlEncode(const std::string& s) {
    std::string q;
    for (char c : s) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        q += c;
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
        q += buf;
      }
    }
    return q;
  }

  // GET /api/v1/<path>: the parsed JSON answer (status "success" or "error"), or nullopt when
  // Prometheus did not answer with JSON.
  std::optional<nlohmann::json> Api(const std::string& path) const {
    auto response = HttpGetResponse(port_, "/api/v1/" + path);
    if (!response) return std::nullopt;
    auto doc = nlohmann::json::parse(response->body, nullptr, false);
    if (doc.is_discarded()) return std::nullopt;
    return doc;
  }

  // An instant query's answer.
  std::optional<nlohmann::json> Instant(const std::string& promql) const {
    return Api("query?query=" + UrlEncode(promql));
  }

  // The value of an instant query with exactly one result, or nullopt.
  std::optional<double> Query(const std::string& promql) const {
    auto doc = Instant(promql);
    if (!doc || (*doc)["status"] != "success" || (*doc)["data"]["result"].size() != 1) {
      return std::nullopt;
    }
    return std::stod((*doc)["data"]["result"][0]["value"][1].get<std::string>());
  }

  int port() const { return port_; }

 private:
  std::string dir_;
  int port_ = 0;
};

}  // namespace kinerja::testing
