// End to end: the dashboards and alerts of this repository on real parts. A real broker,
// `kinerja run` live, the simulator, and a real Prometheus that scrapes Kinerja every second
// and evaluates the repository's rules, rendered from monitoring/ with second-long durations.
// Every dashboard query, with its variables replaced by real values, must parse and return
// data; every rule must evaluate; stopping Kinerja must take KinerjaInstanceDown through
// pending to firing, and pausing it with lag must fire KinerjaNoProgress.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>

#include "dashboards.h"
#include "ingest/kafka.h"
#include "kinerja_cli.h"
#include "prometheus.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;
using nlohmann::json;

namespace {

// The alerts under test, with durations in seconds instead of minutes.
const char* kFastAlerts = R"({"alerts": {"instanceDownFor": "4s", "noProgressSeconds": 3,
                              "noProgressFor": "2s", "noProgressLookback": "5m"}})";

// `kinerja simulate` into the test topic; returns the number of events it produced.
uint64_t Simulate(const TestTopics& t, int employees, int days, int seed) {
  std::string out;
  const int rc = RunCommand({KinerjaBinary(), "simulate", "--brokers", t.brokers, "--topic",
                             t.events, "--employees", std::to_string(employees), "--agencies", "3",
                             "--days", std::to_string(days), "--seed", std::to_string(seed)},
                            &out);
  if (rc != 0) throw std::runtime_error("simulate failed: " + out);
  const std::string marker = "produced ";
  return std::stoull(out.substr(out.find(marker) + marker.size()));
}

// Values of `label` on the series `selector` selects, sorted as Grafana sorts them.
std::vector<std::string> LabelValues(const PrometheusServer& prom, const std::string& label,
                                     const std::string& selector) {
  std::vector<std::string> out;
  auto doc =
      prom.Api("label/" + label + "/values?match[]=" + PrometheusServer::UrlEncode(selector));
  if (doc && (*doc)["status"] == "success") {
    for (const auto& v : (*doc)["data"]) out.push_back(v.get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The states (pending, firing) Prometheus reports for `alertname` right now.
std::set<std::string> AlertStates(const PrometheusServer& prom, const std::string& alertname) {
  std::set<std::string> states;
  auto doc = prom.Api("alerts");
  if (!doc || (*doc)["status"] != "success") return states;
  for (const auto& a : (*doc)["data"]["alerts"]) {
    if (a["labels"]["alertname"] == alertname) states.insert(a["state"].get<std::string>());
  }
  return states;
}

std::vector<std::string> RuleFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("dashboards return data and alerts fire on a real Prometheus scraping Kinerja") {
  TestTopics t = CreateTopicsForTest("e2e-mon", 4);
  TempDir dir;

  // The rules of monitoring/, with the alerts' durations in seconds.
  std::string out;
  REQUIRE(RunCommand({"/bin/bash", std::string(KINERJA_SOURCE_DIR) + "/monitoring/build.sh",
                      "--out", dir / "fast", "--config", kFastAlerts},
                     &out) == 0);
  const auto rule_files = RuleFiles(dir / "fast/ops/prometheus/rules");
  REQUIRE(rule_files.size() == 3);

  // Small batches, so that a backlog keeps a visible lag for a while.
  const std::string log = dir / "run.log";
  auto args = RunArgs(t, dir / "state", "g-mon");
  args.insert(args.end(), {"--batch-size", "200"});
  auto run = std::make_unique<Process>(args, log);
  int port = 0;
  REQUIRE(WaitFor([&] { return (port = AnnouncedMetricsPort(ReadFile(log))) > 0; },
                  std::chrono::seconds(30)));
  const std::string instance = "127.0.0.1:" + std::to_string(port);
  PrometheusServer prom(dir / "prometheus", instance, rule_files);

  // A simulated year of all nine event types in three agencies, and rejects from a known
  // agency (per-agency dead letters).
  uint64_t messages = Simulate(t, 150, 365, 42);
  {
    auto producer = ingest::KafkaProducer::Create({t.brokers, "test", {}});
    REQUIRE(producer.ok());
    const std::string nip = "198609262015051001";
    REQUIRE((*producer)
                ->Send(t.events, nip,
                       Ev::Activity("bad-1", nip, "2026-03-02", 0, "administrative", "AG001"))
                .ok());
    REQUIRE((*producer)->Send(t.events, nip, "{not json").ok());
    REQUIRE((*producer)->Flush(std::chrono::seconds(30)).ok());
    messages += 2;
  }
  const auto deadline = std::chrono::seconds(120);
  const std::string all = "sum(kinerja_events_total{job=\"kinerja\"})";
  INFO("messages " << messages);
  REQUIRE(WaitFor([&] { return prom.Query(all) == static_cast<double>(messages); }, deadline));
  // Recording rules over a few evaluations, and a few seconds of rates.
  REQUIRE(WaitFor([&] { return prom.Query("count(job_agency:kinerja_employees:sum)") == 3.0; },
                  deadline));
  REQUIRE(WaitFor(
      [&] { return prom.Query("count_over_time(kinerja_build_info{job=\"kinerja\"}[30s])") >= 8; },
      deadline));

  // Every panel query, with real variable values, parses and returns data.
  {
    std::map<std::string, std::string> vars = {{"job", "kinerja"},
                                               {"instance", instance},
                                               {"__rate_interval", "10s"},
                                               {"__interval", "5s"},
                                               {"__range", "2m"}};
    const auto agencies = LabelValues(prom, "agency", "kinerja_employees{job=\"kinerja\"}");
    REQUIRE(agencies.size() == 3);
    vars["agency"] = agencies.front();  // Grafana's default: the first value
    const std::string sel = "job=\"kinerja\",agency=\"" + vars["agency"] + "\"";
    const auto years = LabelValues(prom, "year", "kinerja_skp_employees{" + sel + "}");
    REQUIRE_FALSE(years.empty());
    vars["year"] = years.back();  // the newest
    // The newest month with realisasi (reported early the next month).
    const auto months = LabelValues(prom, "month", "kinerja_realisasi_reports{" + sel + "}");
    REQUIRE_FALSE(months.empty());
    vars["month"] = months.back();

    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    size_t checked = 0;
    std::vector<std::string> failures;
    for (const auto& d : LoadDashboards()) {
      for (const auto& q : PanelQueries(d)) {
        const std::string expr = Substitute(q.expr, vars);
        CHECK(VariablesIn(expr).empty());
        auto doc = q.instant ? prom.Instant(expr)
                             : prom.Api("query_range?query=" + PrometheusServer::UrlEncode(expr) +
                                        "&start=" + std::to_string(now - 120) +
                                        "&end=" + std::to_string(now) + "&step=5");
        ++checked;
        const std::string where = d.file + " / " + q.panel + " / " + q.ref_id + ": " + expr;
        if (!doc || (*doc)["status"] != "success") {
          failures.push_back(where + " -> " + (doc ? doc->dump() : "no answer"));
        } else if ((*doc)["data"]["result"].empty()) {
          failures.push_back(where + " -> no data");
        }
      }
    }
    std::string report;
    for (const auto& f : failures) report += f + "\n";
    INFO(report);
    CHECK(failures.empty());
    CHECK(checked >= 60);
  }

  // Every rule evaluates, every alert expression parses.
  {
    REQUIRE(WaitFor(
        [&] {
          auto doc = prom.Api("rules");
          if (!doc || (*doc)["status"] != "success") return false;
          for (const auto& g : (*doc)["data"]["groups"]) {
            for (const auto& r : g["rules"]) {
              if (r["health"] != "ok") return false;
            }
          }
          return true;
        },
        deadline));
    auto doc = prom.Api("rules?type=alert");
    REQUIRE(doc);
    size_t alerts = 0;
    for (const auto& g : (*doc)["data"]["groups"]) {
      for (const auto& r : g["rules"]) {
        ++alerts;
        const std::string expr = r["query"].get<std::string>();
        INFO(r["name"].get<std::string>() << ": " << expr);
        auto answer = prom.Instant(expr);
        REQUIRE(answer);
        CHECK((*answer)["status"] == "success");
      }
    }
    CHECK(alerts >= 14);
  }

  // Paused with lag: KinerjaNoProgress fires. Stopped: KinerjaInstanceDown pending, then firing.
  {
    // A backlog that small batches take a while to apply: produced while Kinerja is paused, so
    // that it cannot keep up with the producer and the lag is certain.
    run->Signal(SIGSTOP);
    Simulate(t, 3000, 31, 7);
    run->Signal(SIGCONT);
    REQUIRE(WaitFor(
        [&] {
          return prom.Query("sum(kinerja_consumer_lag_messages{job=\"kinerja\"}) > 0").has_value();
        },
        deadline));
    // Consuming normally, with lag: not stuck.
    CHECK(AlertStates(prom, "KinerjaNoProgress").count("firing") == 0);
    run->Signal(SIGSTOP);
    CHECK(WaitFor([&] { return AlertStates(prom, "KinerjaNoProgress").count("firing") > 0; },
                  std::chrono::seconds(60)));
    run->Signal(SIGCONT);
    // Running again: scraped, and committing, so both alerts clear.
    REQUIRE(WaitFor(
        [&] {
          return AlertStates(prom, "KinerjaInstanceDown").empty() &&
                 AlertStates(prom, "KinerjaNoProgress").empty();
        },
        std::chrono::seconds(60)));

    run->Signal(SIGTERM);
    auto code = run->Wait(std::chrono::seconds(60));
    REQUIRE(code);
    CHECK(*code == 0);
    bool pending_seen = false;
    CHECK(WaitFor(
        [&] {
          const auto states = AlertStates(prom, "KinerjaInstanceDown");
          pending_seen = pending_seen || states.count("pending");
          return states.count("firing") > 0;
        },
        std::chrono::seconds(60)));
    CHECK(pending_seen);
  }
}
