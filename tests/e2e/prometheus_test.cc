// End to end: a real broker, `kinerja run` live, and a real Prometheus server scraping it.
#include <catch2/catch.hpp>

#include <csignal>

#include "ingest/kafka.h"
#include "kinerja_cli.h"
#include "prometheus.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;
using nlohmann::json;

TEST_CASE("live KPIs reach a real Prometheus server") {
  TestTopics t = CreateTopicsForTest("e2e", 4);
  TempDir dir;
  const std::string log = dir / "run.log";
  Process run(RunArgs(t, dir / "state", "g-e2e"), log);
  int port = 0;
  REQUIRE(WaitFor([&] { return (port = AnnouncedMetricsPort(ReadFile(log))) > 0; },
                  std::chrono::seconds(30)));
  PrometheusServer prom(dir / "prometheus", "127.0.0.1:" + std::to_string(port));

  const std::string n1 = "198609262015051001", n2 = "199001012015052002";
  auto producer = ingest::KafkaProducer::Create({t.brokers, "test", {}});
  REQUIRE(producer.ok());
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {n1, Ev::Upsert("u1", n1, "A1")},
           {n2, Ev::Upsert("u2", n2, "A1")},
           {n1, Ev::Training("t1", n1, "LATSAR", "2026-03-01", 900)},
           {n2, Ev::Activity("a1", n2, "2026-03-02", 45, "administrative")},
           // One event of each other type for n1 (Asia/Jakarta).
           {n1, Ev::Skp("s1", n1, 2026, {{"I1", 10}})},
           {n1, Ev::Realisasi("r1", n1, "2026-03", "I1", 5)},
           {n1, Ev::Evidence("e1", n1, "2026-03", "I1", "bukti-1")},
           {n1, Ev::Feedback("f1", n1, "2026-03-10T10:00:00+07:00")},
           {n1, Ev::Rating("m1", n1, "2026-03", "di_atas", "di_atas")},
           {n1, Ev::Rating("y1", n1, "2026", "sesuai", "sesuai")},
           {n1, Ev::Potential("p1", n1, 2026, "tinggi")},
           {n2, "not json"}}) {
    REQUIRE((*producer)->Send(t.events, key, value).ok());
  }
  REQUIRE((*producer)->Flush(std::chrono::seconds(30)).ok());

  // Prometheus scrapes every second; its first scrape can take several seconds.
  const auto deadline = std::chrono::seconds(90);
  CHECK(WaitFor([&] { return prom.Query("kinerja_employees{agency=\"A1\"}") == 2.0; }, deadline));
  CHECK(WaitFor(
      [&] { return prom.Query("kinerja_training_jp{agency=\"A1\",year=\"2026\"}") == 20.0; },
      deadline));
  CHECK(WaitFor(
      [&] {
        return prom.Query(
                   "kinerja_training_employees{agency=\"A1\",year=\"2026\",jp_band=\"0\"}") == 1.0;
      },
      deadline));
  CHECK(WaitFor(
      [&] {
        return prom.Query(
                   "kinerja_activity_seconds{agency=\"A1\",month=\"2026-03\",category="
                   "\"administrative\"}") == 45.0 * 60;
      },
      deadline));
  // Worked out by hand: n1 has an SKP with one indicator (target 10) and realisasi 5 in March:
  // achievement 0.5, target not met; one report, with evidence; one feedback in March; the
  // periodic rating di_atas/di_atas is sangat_baik; the annual sesuai/sesuai is baik; with
  // potential tinggi and hasil sesuai the talent box is 8.
  const std::vector<std::pair<std::string, double>> expected = {
      {"kinerja_skp_employees{agency=\"A1\",year=\"2026\"}", 1},
      {"kinerja_skp_achievement{agency=\"A1\",year=\"2026\"}", 0.5},
      {"kinerja_realisasi_reporting_employees{agency=\"A1\",month=\"2026-03\"}", 1},
      {"kinerja_realisasi_reports{agency=\"A1\",month=\"2026-03\"}", 1},
      {"kinerja_realisasi_reports_with_evidence{agency=\"A1\",month=\"2026-03\"}", 1},
      {"kinerja_feedback_employees{agency=\"A1\",month=\"2026-03\"}", 1},
      {"kinerja_feedback_given{agency=\"A1\",month=\"2026-03\"}", 1},
      {"kinerja_predikat_employees{agency=\"A1\",period=\"2026-03\",predikat=\"sangat_baik\"}", 1},
      {"kinerja_predikat_employees{agency=\"A1\",period=\"2026\",predikat=\"baik\"}", 1},
      {"kinerja_talent_box_employees{agency=\"A1\",year=\"2026\",box=\"8\"}", 1},
      {"kinerja_admin_heavy_employees{agency=\"A1\",month=\"2026-03\"}", 1},
      {"kinerja_employees_without_master_data", 0},
  };
  for (const auto& [query, value] : expected) {
    INFO(query);
    CHECK(WaitFor([&] { return prom.Query(query) == value; }, deadline));
  }
  // Not met: the series is absent, not 0.
  CHECK(prom.Query("absent(kinerja_skp_targets_met_employees)") == 1.0);
  CHECK(WaitFor(
      [&] { return prom.Query("kinerja_dead_letters_total{reason=\"malformed_json\"}") == 1.0; },
      deadline));
  CHECK(
      WaitFor([&] { return prom.Query("sum(kinerja_events_total{outcome=\"applied\"})") == 11.0; },
              deadline));
  // Every decoded event's age is observed once, at its commit (the dead letter is not).
  CHECK(WaitFor([&] { return prom.Query("kinerja_event_age_seconds_count") == 11.0; }, deadline));
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
