// Integration on the real broker of this ctest run: the kinerja binary end to end.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>

#include "ingest/kafka.h"
#include "kinerja_cli.h"
#include "simulator/simulator.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;
using nlohmann::json;

namespace {

const std::string kN1 = "198609262015051001", kN2 = "199001012015052002",
                  kN3 = "197512312000011003", kN4 = "196001011985032004",
                  kN5 = "200012312022012005";

struct Msg {
  std::optional<std::string> key, value;
};

void Produce(const TestTopics& t, const std::vector<Msg>& msgs) {
  auto producer = ingest::KafkaProducer::Create({t.brokers, "test", {}});
  REQUIRE(producer.ok());
  for (const auto& m : msgs) {
    REQUIRE((*producer)->Send(t.events, m.key, m.value).ok());
  }
  REQUIRE((*producer)->Flush(std::chrono::seconds(30)).ok());
}

Msg Keyed(const std::string& nip, const std::string& json) { return {nip, json}; }

// The hand-worked scenario: expected values below are computed by hand from these events.
std::vector<Msg> Scenario() {
  return {
      Keyed(kN1, Ev::Upsert("u1", kN1, "A1")),
      Keyed(kN2, Ev::Upsert("u2", kN2, "A1")),
      Keyed(kN3, Ev::Upsert("u3", kN3, "A1", "inactive")),
      Keyed(kN4, Ev::Upsert("u4", kN4, "A2", "active", "Asia/Jayapura")),
      Keyed(kN1, Ev::Activity("a1", kN1, "2026-03-10", 120, "administrative")),
      Keyed(kN1, Ev::Activity("a2", kN1, "2026-03-11", 60, "substantive")),
      Keyed(kN1, Ev::Activity("a1", kN1, "2026-03-10", 120, "administrative")),  // retry: duplicate
      Keyed(kN1, Ev::Training("t1", kN1, "T1", "2026-02-01", 300)),
      Keyed(kN1, Ev::Training("t2", kN1, "T2", "2026-05-01", 200)),
      Keyed(kN1, Ev::Training("t3", kN1, "T1", "2026-02-01", 250)),  // replaces t1: 450 min in all
      Keyed(kN2, Ev::Activity("a3", kN2, "2026-03-12", 200, "substantive")),
      Keyed(kN2, Ev::Activity("a4", kN2, "2026-03-12", 100, "administrative")),
      Keyed(kN2, Ev::Training("t4", kN2, "T1", "2026-04-01", 900)),
      Keyed(kN3, Ev::Activity("a5", kN3, "2026-03-01", 500, "administrative")),  // inactive
      Keyed(kN3, Ev::Training("t5", kN3, "T1", "2026-04-01", 100)),
      Keyed(kN4, Ev::Training("t6", kN4, "T9", "2026-06-01", 100, "A2")),
      Keyed(kN4, Ev::Activity("a6", kN4, "2026-04-01", 30, "administrative", "A2")),
      Keyed(kN5, Ev::Activity("a7", kN5, "2026-04-02", 10, "substantive")),  // no master data
  };
}

json Kpi(const std::string& name, json labels, double value) {
  return json{{"name", name}, {"labels", labels}, {"value", value}};
}

json ExpectedScenarioKpis() {
  // Sorted by name, then labels (in catalogue label order).
  return json{
      {"kpis",
       json::array({
           Kpi("kinerja_activity_seconds",
               {{"agency", "A1"}, {"month", "2026-03"}, {"category", "administrative"}}, 220 * 60),
           Kpi("kinerja_activity_seconds",
               {{"agency", "A1"}, {"month", "2026-03"}, {"category", "substantive"}}, 260 * 60),
           Kpi("kinerja_activity_seconds",
               {{"agency", "A2"}, {"month", "2026-04"}, {"category", "administrative"}}, 30 * 60),
           Kpi("kinerja_admin_heavy_employees", {{"agency", "A1"}, {"month", "2026-03"}}, 1),
           Kpi("kinerja_admin_heavy_employees", {{"agency", "A2"}, {"month", "2026-04"}}, 1),
           Kpi("kinerja_employees", {{"agency", "A1"}}, 2),
           Kpi("kinerja_employees", {{"agency", "A2"}}, 1),
           Kpi("kinerja_employees_without_master_data", json::object(), 1),
           Kpi("kinerja_training_employees", {{"agency", "A1"}, {"year", "2026"}, {"jp_band", "0"}},
               0),
           Kpi("kinerja_training_employees",
               {{"agency", "A1"}, {"year", "2026"}, {"jp_band", "10to20"}}, 1),
           Kpi("kinerja_training_employees",
               {{"agency", "A1"}, {"year", "2026"}, {"jp_band", "ge20"}}, 1),
           Kpi("kinerja_training_employees",
               {{"agency", "A1"}, {"year", "2026"}, {"jp_band", "lt10"}}, 0),
           Kpi("kinerja_training_employees", {{"agency", "A2"}, {"year", "2026"}, {"jp_band", "0"}},
               0),
           Kpi("kinerja_training_employees",
               {{"agency", "A2"}, {"year", "2026"}, {"jp_band", "10to20"}}, 0),
           Kpi("kinerja_training_employees",
               {{"agency", "A2"}, {"year", "2026"}, {"jp_band", "ge20"}}, 0),
           Kpi("kinerja_training_employees",
               {{"agency", "A2"}, {"year", "2026"}, {"jp_band", "lt10"}}, 1),
           Kpi("kinerja_training_jp", {{"agency", "A1"}, {"year", "2026"}},
               30),  // (450 + 900) / 45
           Kpi("kinerja_training_jp", {{"agency", "A2"}, {"year", "2026"}}, 100.0 / 45),
       })}};
}

void CheckKpisEqual(const json& actual, const json& expected) {
  REQUIRE(actual["kpis"].size() == expected["kpis"].size());
  for (size_t i = 0; i < expected["kpis"].size(); ++i) {
    const auto& a = actual["kpis"][i];
    const auto& e = expected["kpis"][i];
    INFO("series " << i << ": " << a.dump() << " vs " << e.dump());
    CHECK(a["name"] == e["name"]);
    CHECK(a["labels"] == e["labels"]);
    CHECK(a["value"].get<double>() == Approx(e["value"].get<double>()).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE("known events give exactly the hand-computed KPIs") {
  REQUIRE_FALSE(TestBrokers().empty());
  TestTopics t = CreateTopicsForTest("known", 4);
  Produce(t, Scenario());
  TempDir dir;
  std::string log;
  REQUIRE(ReplayToEnd(t, dir / "state", "g-known", &log) == 0);
  INFO(log);
  CheckKpisEqual(ReadKpis(dir / "state"), ExpectedScenarioKpis());
  // Running again over the same log changes nothing: the offsets are in the state.
  REQUIRE(ReplayToEnd(t, dir / "state", "g-known-2", &log) == 0);
  CheckKpisEqual(ReadKpis(dir / "state"), ExpectedScenarioKpis());
}

TEST_CASE("bad events land in the DLQ with their reason - good ones around them are applied") {
  TestTopics t = CreateTopicsForTest("dlq", 2);
  std::vector<Msg> msgs = Scenario();
  const std::string good = Ev::Activity("b0", kN5, "2026-04-03", 5, "substantive");
  auto with = [&](std::string s, const std::string& from, const std::string& to) {
    return s.replace(s.find(from), from.size(), to);
  };
  const std::map<std::string, Msg> bad = {
      {"too_large",
       {kN5, with(good, R"("data":)", R"("pad":")" + std::string(70000, 'p') + R"(","data":)")}},
      {"malformed_json", {kN5, std::string("{\"id\":")}},
      {"invalid_envelope", {kN5, with(good, R"("id":"b0",)", "")}},
      {"unknown_type", {kN5, with(good, "activity.logged.v1", "activity.logged.v9")}},
      {"invalid_nip", {std::nullopt, with(good, kN5, "200012312022013005")}},
      {"key_mismatch", {kN4, good}},
      {"invalid_data", {kN5, with(good, R"("minutes":5)", R"("minutes":"5")")}},
  };
  // Interleave: each bad message between good ones, all on the same employee's partition.
  for (const auto& [reason, m] : bad) msgs.push_back(m);
  msgs.push_back({kN5, std::nullopt});  // a null value: malformed_json too
  Produce(t, msgs);
  TempDir dir;
  std::string log;
  REQUIRE(ReplayToEnd(t, dir / "state", "g-dlq", &log) == 0);
  INFO(log);
  CheckKpisEqual(ReadKpis(dir / "state"), ExpectedScenarioKpis());

  auto dead = ReadTopic(t.brokers, t.dlq);
  REQUIRE(dead.size() == bad.size() + 1);
  auto source = ReadTopic(t.brokers, t.events);
  std::map<std::string, int> reasons;
  for (const auto& d : dead) {
    const std::string reason = d.headers.at("kinerja.reason");
    reasons[reason]++;
    CHECK_FALSE(d.headers.at("kinerja.detail").empty());
    CHECK(d.headers.at("kinerja.source.topic") == t.events);
    // The headers point at the original message, and the value is unchanged.
    const int32_t p = std::stoi(d.headers.at("kinerja.source.partition"));
    const int64_t off = std::stoll(d.headers.at("kinerja.source.offset"));
    bool found = false;
    for (const auto& s : source) {
      if (s.partition == p && s.offset == off) {
        found = true;
        CHECK(s.value == d.value);
        CHECK(s.key == d.key);
      }
    }
    CHECK(found);
    if (reason != "malformed_json" || d.value) {
      bool matched = false;
      for (const auto& [r, m] : bad) matched |= (r == reason && m.value == d.value);
      CHECK(matched);
    }
  }
  CHECK(reasons["malformed_json"] == 2);
  for (const char* r : {"too_large", "invalid_envelope", "unknown_type", "invalid_nip",
                        "key_mismatch", "invalid_data"}) {
    CHECK(reasons[r] == 1);
  }
}

TEST_CASE("killed or stopped mid-stream a restart counts nothing twice and misses nothing") {
  TestTopics t = CreateTopicsForTest("restart", 8);
  // ~40k simulated events: enough that the kill lands mid-stream.
  simulator::SimulatorOptions o;
  o.employees = 80;
  o.agencies = 5;
  o.days = 365;
  o.duplicate_rate = 0.01;
  {
    auto producer = ingest::KafkaProducer::Create({t.brokers, "test", {}});
    REQUIRE(producer.ok());
    simulator::Simulate(o, [&](std::string_view key, std::string_view j) {
      return (*producer)->Send(t.events, key, j).ok();
    });
    REQUIRE((*producer)->Flush(std::chrono::seconds(60)).ok());
  }
  TempDir dir;
  REQUIRE(ReplayToEnd(t, dir / "reference", "g-ref") == 0);
  const json reference = ReadKpis(dir / "reference");
  REQUIRE(reference["kpis"].size() > 20);

  for (int sig : {SIGKILL, SIGTERM}) {
    INFO("signal " << sig);
    const std::string state = dir / ("state-" + std::to_string(sig));
    const std::string log = dir / ("run-" + std::to_string(sig) + ".log");
    auto args = RunArgs(t, state, "g-" + std::to_string(sig));
    args.push_back("--batch-size");
    args.push_back("300");
    Process run(args, log);
    int port = 0;
    REQUIRE(WaitFor([&] { return (port = AnnouncedMetricsPort(ReadFile(log))) > 0; },
                    std::chrono::seconds(30)));
    // Wait for the first committed batch, then stop it mid-stream.
    double applied = 0;
    REQUIRE(WaitFor(
        [&] {
          auto body = HttpGet(port, "/metrics");
          applied = body ? SumSamples(*body, "kinerja_events_total{outcome=\"applied\"") : 0;
          return applied > 0;
        },
        std::chrono::seconds(60)));
    run.Signal(sig);
    auto code = run.Wait(std::chrono::seconds(30));
    REQUIRE(code);
    if (sig == SIGTERM) CHECK(*code == 0);  // finishes the batch, commits, leaves the group
    std::string out;
    // Resumed under another group id: the offsets live in the state directory, not the group,
    // and a killed member would otherwise hold its partitions until its session times out.
    REQUIRE(ReplayToEnd(t, state, "g-resume-" + std::to_string(sig), &out) == 0);
    INFO(out);
    CHECK(ReadKpis(state) == reference);
  }
}

TEST_CASE("a bad configuration fails at startup naming the field") {
  std::string out;
  TempDir state;
  CHECK(RunCommand({KinerjaBinary(), "run", "--brokers", TestBrokers()}, &out) == 2);
  CHECK(out.find("--state-dir") != std::string::npos);
  CHECK(RunCommand({KinerjaBinary(), "run", "--state-dir", state.path(), "--batch-size", "0"},
                   &out) == 2);
  CHECK(out.find("--batch-size") != std::string::npos);
  CHECK(RunCommand({KinerjaBinary(), "run", "--state-dir", state.path(), "--kafka-property",
                    "nonsense.prop=1"},
                   &out) == 2);
  CHECK(out.find("nonsense.prop") != std::string::npos);
  CHECK(RunCommand({KinerjaBinary(), "kpis", "--state-dir", "/nonexistent/state"}, &out) == 1);
  CHECK(out.find("/nonexistent/state") != std::string::npos);
  CHECK(RunCommand({KinerjaBinary(), "--help"}, &out) == 0);
  for (const char* sub : {"run", "simulate", "publish", "kpis", "create-topics"}) {
    INFO(sub);
    CHECK(out.find(sub) != std::string::npos);
    std::string help;
    CHECK(RunCommand({KinerjaBinary(), sub, "--help"}, &help) == 0);
    CHECK(help.find("--help") != std::string::npos);
  }
}

TEST_CASE("Kafka client errors are counted on /metrics while the brokers cannot be reached") {
  // A bootstrap address where nothing listens: the consumer's connection attempts fail and
  // librdkafka reports them (and keeps retrying); Kinerja keeps running and counts them.
  TempDir dir;
  const int dead_port = FreeLoopbackPort();
  const std::string log = dir / "run.log";
  Process run({KinerjaBinary(), "run", "--brokers", "127.0.0.1:" + std::to_string(dead_port),
               "--state-dir", dir / "state", "--metrics-address", "127.0.0.1:0"},
              log);
  int port = 0;
  REQUIRE(WaitFor([&] { return (port = AnnouncedMetricsPort(ReadFile(log))) > 0; },
                  std::chrono::seconds(30)));
  double errors = 0;
  CHECK(WaitFor(
      [&] {
        auto body = HttpGet(port, "/metrics");
        errors = body ? SumSamples(*body, "kinerja_kafka_errors_total{client=\"consumer\"") : 0;
        return errors > 0;
      },
      std::chrono::seconds(30)));
  run.Signal(SIGTERM);
  CHECK(run.Wait(std::chrono::seconds(30)).has_value());
}

TEST_CASE("publish sends an NDJSON file keyed by subject") {
  TestTopics t = CreateTopicsForTest("publish", 4);
  TempDir dir;
  {
    std::ofstream f(dir / "events.ndjson");
    for (const auto& m : Scenario()) f << *m.value << "\n";
  }
  std::string out;
  REQUIRE(RunCommand({KinerjaBinary(), "publish", "--brokers", t.brokers, "--topic", t.events,
                      dir / "events.ndjson"},
                     &out) == 0);
  CHECK(out.find("published 18 events") != std::string::npos);
  auto msgs = ReadTopic(t.brokers, t.events);
  REQUIRE(msgs.size() == 18);
  for (const auto& m : msgs)
    CHECK(m.value->find("\"subject\":\"" + *m.key + "\"") != std::string::npos);
  REQUIRE(ReplayToEnd(t, dir / "state", "g-publish") == 0);
  CheckKpisEqual(ReadKpis(dir / "state"), ExpectedScenarioKpis());
}
