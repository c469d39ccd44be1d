// `kinerja publish` on the real broker of this ctest run: it validates before sending, and with
// --no-validate the running pipeline dead-letters what validation would have refused.
#include <catch2/catch.hpp>

#include <fstream>

#include "kinerja_cli.h"
#include "support.h"

using namespace kinerja::testing;

namespace {

const std::string kNip = "198609262015051001";

std::string Activity(const std::string& id, int minutes) {
  return R"({"specversion":"1.0","id":")" + id +
         R"(","source":"/agencies/A1","type":"kinerja.activity.logged.v1","subject":")" + kNip +
         R"(","time":"2026-03-10T10:00:00+07:00","data":{"date":"2026-03-10","minutes":)" +
         std::to_string(minutes) + R"(,"category":"substantive"}})";
}

void Write(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& l : lines) out << l << "\n";
}

}  // namespace

TEST_CASE("publish refuses a file with an invalid line and sends none of its lines") {
  REQUIRE_FALSE(TestBrokers().empty());
  TestTopics t = CreateTopicsForTest("refuse", 2);
  TempDir dir;
  const std::string bad = dir / "bad.ndjson", good = dir / "good.ndjson";
  Write(bad, {Activity("r-1", 30), Activity("r-2", 0), Activity("r-3", 45)});
  std::string out;
  REQUIRE(RunCommand({KinerjaBinary(), "publish", "--brokers", t.brokers, "--topic", t.events, bad},
                     &out) == 1);
  INFO(out);
  CHECK(out.find(bad + ":2: invalid_data: data.minutes: must be between 1 and 1440\n") !=
        std::string::npos);
  CHECK(out.find(bad + ":1:") == std::string::npos);
  CHECK(out.find("nothing was sent") != std::string::npos);
  CHECK(out.find("published") == std::string::npos);
  // A valid file sent afterwards is then the topic's only content: had the refused run sent
  // anything, it would be in the topic before it.
  Write(good, {"", Activity("g-1", 60), ""});
  REQUIRE(
      RunCommand({KinerjaBinary(), "publish", "--brokers", t.brokers, "--topic", t.events, good},
                 &out) == 0);
  CHECK(out.find("published 1 events") != std::string::npos);
  const auto msgs = ReadTopic(t.brokers, t.events);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].key == kNip);
  CHECK(msgs[0].value == Activity("g-1", 60));
}

TEST_CASE("publish --no-validate sends an invalid line and the pipeline dead-letters it") {
  TestTopics t = CreateTopicsForTest("novalidate", 2);
  TempDir dir;
  const std::string file = dir / "mixed.ndjson";
  const std::string invalid = Activity("n-2", 0);
  const std::string upsert =
      R"({"specversion":"1.0","id":"n-0","source":"/agencies/A1","type":"kinerja.employee.upserted.v1",)"
      R"("subject":")" +
      kNip +
      R"(","time":"2026-01-02T08:00:00+07:00","data":{"agency":"A1","unit":"Biro Umum",)"
      R"("tz":"Asia/Jakarta","position":"pelaksana","employment":"pns","supervisor":null,"status":"active"}})";
  Write(file, {upsert, Activity("n-1", 30), invalid, Activity("n-3", 45)});
  std::string out;
  REQUIRE(RunCommand({KinerjaBinary(), "publish", "--no-validate", "--brokers", t.brokers,
                      "--topic", t.events, file},
                     &out) == 0);
  INFO(out);
  CHECK(out.find("published 4 events") != std::string::npos);
  CHECK(out.find("invalid_data") == std::string::npos);  // not validated, so nothing reported
  REQUIRE(ReplayToEnd(t, dir / "state", "g-novalidate", &out) == 0);
  const auto dead = ReadTopic(t.brokers, t.dlq);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].value == invalid);
  CHECK(dead[0].key == kNip);
  CHECK(dead[0].headers.at("kinerja.reason") == "invalid_data");
  CHECK(dead[0].headers.at("kinerja.detail") == "data.minutes: must be between 1 and 1440");
  CHECK(dead[0].headers.at("kinerja.source.topic") == t.events);
  // The valid events around it were applied, the invalid one was not: 30 + 45 minutes.
  CHECK(KpiValue(ReadKpis(dir / "state"), "kinerja_activity_seconds",
                 {{"agency", "A1"}, {"month", "2026-03"}, {"category", "substantive"}}) == 75 * 60);
}
