// End to end: a real broker, `kinerja run` live, and a real Prometheus server scraping it.
#include <catch2/catch.hpp>

#include <csignal>

#include "ingest/kafka.h"
#include "kinerja_cli.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;
using nlohmann::json;

namespace {

// Starts Prometheus via the project's script; stops it by PID on destruction.
class PrometheusServer {
 public:
  PrometheusServer(const std::string& dir, const std::string& target) : dir_(dir) {
    std::string out;
    const int rc = RunCommand({"/bin/bash", std::string(KINERJA_SOURCE_DIR) + "/ops/prometheus.sh", "start", dir, target}, &out);
    if (rc != 0) throw std::runtime_error("prometheus did not start: " + out);
    url_port_ = std::stoi(ReadFile(dir + "/url").substr(std::string("http://127.0.0.1:").size()));
  }
  ~PrometheusServer() {
    RunCommand({"/bin/bash", std::string(KINERJA_SOURCE_DIR) + "/ops/prometheus.sh", "stop", dir_});
  }
  // The value of an instant query with one result, or nullopt.
  std::optional<double> Query(const std::string& promql) {
    std::string q;
    for (char c : promql) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        q += c;
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
        q += buf;
      }
    }
    auto body = HttpGet(url_port_, "/api/v1/query?query=" + q);
    if (!body) return std::nullopt;
    auto doc = json::parse(*body, nullptr, false);
    if (doc.is_discarded() || doc["status"] != "success" || doc["data"]["result"].size() != 1) return std::nullopt;
    return std::stod(doc["data"]["result"][0]["value"][1].get<std::string>());
  }

 private:
  std::string dir_;
  int url_port_ = 0;
};

}  // namespace

TEST_CASE("live KPIs reach a real Prometheus server") {
  TestTopics t = CreateTopicsForTest("e2e", 4);
  TempDir dir;
  const std::string log = dir / "run.log";
  Process run(RunArgs(t, dir / "state", "g-e2e"), log);
  int port = 0;
  REQUIRE(WaitFor([&] { return (port = AnnouncedMetricsPort(ReadFile(log))) > 0; }, std::chrono::seconds(30)));
  PrometheusServer prom(dir / "prometheus", "127.0.0.1:" + std::to_string(port));

  const std::string n1 = "198609262015051001", n2 = "199001012015052002";
  auto producer = ingest::KafkaProducer::Create({t.brokers, "test", {}});
  REQUIRE(producer.ok());
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {n1, Ev::Upsert("u1", n1, "A1")},
           {n2, Ev::Upsert("u2", n2, "A1")},
           {n1, Ev::Training("t1", n1, "LATSAR", "2026-03-01", 900)},
           {n2, Ev::Activity("a1", n2, "2026-03-02", 45, "administrative")},
           {n2, "not json"}}) {
    REQUIRE((*producer)->Send(t.events, key, value).ok());
  }
  REQUIRE((*producer)->Flush(std::chrono::seconds(30)).ok());

  // Prometheus scrapes every second; its first scrape can take several seconds.
  const auto deadline = std::chrono::seconds(90);
  CHECK(WaitFor([&] { return prom.Query("kinerja_employees{agency=\"A1\"}") == 2.0; }, deadline));
  CHECK(WaitFor([&] { return prom.Query("kinerja_training_jp_sum{agency=\"A1\",year=\"2026\"}") == 20.0; }, deadline));
  CHECK(WaitFor([&] {
    return prom.Query("kinerja_training_employees{agency=\"A1\",year=\"2026\",jp_band=\"0\"}") == 1.0;
  }, deadline));
  CHECK(WaitFor([&] {
    return prom.Query("kinerja_activity_minutes{agency=\"A1\",month=\"2026-03\",category=\"administrative\"}") == 45.0;
  }, deadline));
  CHECK(WaitFor([&] { return prom.Query("kinerja_dead_letters_total{reason=\"malformed_json\"}") == 1.0; }, deadline));
  CHECK(WaitFor([&] { return prom.Query("sum(kinerja_events_total{outcome=\"applied\"})") == 4.0; }, deadline));
  CHECK(WaitFor([&] { return prom.Query("sum(kinerja_consumer_lag_messages)") == 0.0; }, deadline));
  CHECK(prom.Query("kinerja_build_info").value_or(0) == 1.0);
  CHECK(prom.Query("process_resident_memory_bytes{job=\"kinerja\"}").value_or(0) > 0);
  // No personal data in any series.
  auto body = HttpGet(port, "/metrics");
  REQUIRE(body);
  CHECK(body->find(n1) == std::string::npos);
  CHECK(body->find(n2) == std::string::npos);

  run.Signal(SIGTERM);
  auto code = run.Wait(std::chrono::seconds(30));
  REQUIRE(code);
  CHECK(*code == 0);
}
