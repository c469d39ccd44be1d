// `kinerja validate` and the offline part of `kinerja publish` (no broker needed): the binary
// is run as a user would run it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "support.h"

using namespace kinerja::testing;

namespace {

const std::string kNip = "198609262015051001";
const std::string kGiver = "197001012000011001";

std::string Line(const std::string& type, const std::string& data,
                 const std::string& subject = "\"" + kNip + "\"") {
  return R"({"specversion":"1.0","id":"v-1","source":"/agencies/A1","type":"kinerja.)" + type +
         R"(","subject":)" + subject + R"(,"time":"2026-03-10T10:00:00+07:00","data":)" + data +
         "}";
}

const std::string kValidActivity =
    Line("activity.logged.v1", R"({"date":"2026-03-10","minutes":90,"category":"substantive"})");
const std::string kValidFeedback =
    Line("feedback.given.v1", R"({"giver":")" + kGiver + R"(","note":"catatan pribadi"})");

void Write(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& l : lines) out << l << "\n";
}

// Lines of `out` that start with `prefix`.
std::vector<std::string> LinesStartingWith(const std::string& out, const std::string& prefix) {
  std::vector<std::string> found;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(pos, end - pos);
    if (line.rfind(prefix, 0) == 0) found.push_back(line);
    pos = end + 1;
  }
  return found;
}

}  // namespace

TEST_CASE("validate prints every invalid line with its reason code and exits 1") {
  TempDir dir;
  const std::string f1 = dir / "one.ndjson", f2 = dir / "two.ndjson";
  Write(f1, {
                kValidActivity,  // 1
                "",              // 2 blank
                Line("activity.logged.v1",
                     R"({"date":"2026-03-10","minutes":0,"category":"substantive"})"),  // 3
                " \t ",                                                                 // 4 blank
                R"({"id":)",                                                            // 5
                kValidFeedback,                                                         // 6
                Line("feedback.given.v1",
                     R"({"giver":"197001012000013001","note":"catatan pribadi"})"),  // 7
                Line("activity.logged.v2", "{}"),                                    // 8
                Line("activity.logged.v1", "{}", "198609262015051001"),  // 9 subject a number
                kValidActivity + "\r",                                   // 10 CRLF
                Line("rating.assigned.v1",
                     R"({"period":"2026","hasil":"di_atas","perilaku":"sesuai","rater":")" +
                         kGiver + R"(","pad":")" + std::string(66000, 'p') + "\"}"),  // 11
            });
  Write(f2,
        {kValidFeedback, Line("potential.assessed.v1", R"({"year":2026,"potential":"Tinggi"})")});
  std::string out;
  REQUIRE(RunCommand({KinerjaBinary(), "validate", f1, f2}, &out) == 1);
  INFO(out);
  const std::vector<std::string> expected = {
      f1 + ":3: invalid_data: data.minutes: must be between 1 and 1440",
      f1 + ":7: invalid_nip: data.giver: digit 15 must be 1 (male) or 2 (female)",
      f1 + ":8: unknown_type: type: not an event type of contract v1",
      f1 + ":9: invalid_envelope: subject: must be a string",
      // 66259 bytes of value and the 40 of the structured-mode header publish adds
      // ("content-type": "application/cloudevents+json"): headers count toward the limit.
      f1 + ":11: too_large: value and headers are 66299 bytes; the limit is 65536",
  };
  auto printed = LinesStartingWith(out, f1 + ":");
  REQUIRE(printed.size() == 6);
  CHECK(printed[0] == expected[0]);
  CHECK(printed[1].rfind(f1 + ":5: malformed_json: not valid JSON", 0) == 0);
  for (size_t i = 1; i < expected.size(); ++i) CHECK(printed[i + 1] == expected[i]);
  CHECK(LinesStartingWith(out, f2 + ":") ==
        std::vector<std::string>{
            f2 + ":2: invalid_data: data.potential: must be one of rendah, menengah, tinggi"});
  CHECK(
      out.find(
          "kinerja validate: 11 events: 4 valid, 7 invalid (invalid_data 2, invalid_envelope 1, "
          "invalid_nip 1, malformed_json 1, too_large 1, unknown_type 1); 2 blank lines skipped") !=
      std::string::npos);
  // No personal data: neither NIPs nor the note.
  CHECK(out.find(kNip) == std::string::npos);
  CHECK(out.find("197001012000013001") == std::string::npos);
  CHECK(out.find("catatan") == std::string::npos);
}

TEST_CASE("validate exits 0 when every event is valid and blank lines are not events") {
  TempDir dir;
  const std::string f = dir / "ok.ndjson";
  Write(f, {"", kValidActivity, "\r", kValidFeedback, ""});
  std::string out;
  CHECK(RunCommand({KinerjaBinary(), "validate", f}, &out) == 0);
  INFO(out);
  CHECK(LinesStartingWith(out, f + ":").empty());
  CHECK(out.find("kinerja validate: 2 events: 2 valid, 0 invalid; 3 blank lines skipped") !=
        std::string::npos);
  // An empty file is valid too: nothing in it is invalid.
  Write(f, {});
  CHECK(RunCommand({KinerjaBinary(), "validate", f}, &out) == 0);
  CHECK(out.find("0 events: 0 valid, 0 invalid") != std::string::npos);
}

TEST_CASE("validate keys each line as publish would: by its subject") {
  // publish sends every line keyed by its own subject: two employees in one file are both valid.
  TempDir dir;
  const std::string f = dir / "two-employees.ndjson";
  std::string other = kValidActivity;
  other.replace(other.find(kNip), kNip.size(), "199001012015052002");
  Write(f, {kValidActivity, other});
  std::string out;
  CHECK(RunCommand({KinerjaBinary(), "validate", f}, &out) == 0);
  CHECK(out.find("key_mismatch") == std::string::npos);
}

TEST_CASE("validate checks lines as publish would send them in the content mode given") {
  TempDir dir;
  const std::string f = dir / "modes.ndjson";
  std::string numeric_id = kValidActivity;
  numeric_id.replace(numeric_id.find(R"("v-1")"), 5, "5");
  std::string partitioned = kValidActivity;
  partitioned.replace(partitioned.find(R"("subject")"), 0,
                      R"("partitionkey":"199001012015052002",)");
  const std::string binary_headers =
      R"([["ce_specversion","1.0"],["ce_id","r-1"],["ce_source","/agencies/A1"],)"
      R"(["ce_type","kinerja.activity.logged.v1"],["ce_subject",")" +
      kNip + R"("],["ce_time","2026-03-10T10:00:00+07:00"])";
  const std::string data = R"({"date":"2026-03-10","minutes":90,"category":"substantive"})";
  Write(f, {
               kValidActivity,  // 1
               numeric_id,      // 2: an id that is a number
               partitioned,     // 3: keyed by its partitionkey, not its subject
               // 4: a binary message, exactly as written, valid in either mode
               R"({"key":")" + kNip + R"(","headers":)" + binary_headers + R"(],"value":)" + data +
                   "}",
               // 5: the same with ce_id given twice
               R"({"key":")" + kNip + R"(","headers":)" + binary_headers +
                   R"(,["ce_id","r-2"]],"value":)" + data + "}",
               // 6: a message record whose headers are not a list of pairs
               R"({"headers":{"ce_id":"r-1"},"value":{}})",
           });
  std::string out;
  CHECK(RunCommand({KinerjaBinary(), "validate", f}, &out) == 1);
  CHECK(LinesStartingWith(out, f) ==
        std::vector<std::string>{
            f + ":2: invalid_envelope: id: must be a string",
            f + ":3: key_mismatch: the Kafka key differs from subject",
            f + ":5: invalid_envelope: ce_id: header given more than once",
            f + ":6: invalid_record: message record: headers must be [[name, value], ...]"});
  // In binary mode the number becomes the header's text ("5"), a valid id; the rest agrees.
  CHECK(RunCommand({KinerjaBinary(), "validate", "--content-mode", "binary", f}, &out) == 1);
  CHECK(LinesStartingWith(out, f) ==
        std::vector<std::string>{
            f + ":3: key_mismatch: the Kafka key differs from ce_subject",
            f + ":5: invalid_envelope: ce_id: header given more than once",
            f + ":6: invalid_record: message record: headers must be [[name, value], ...]"});
  CHECK(RunCommand({KinerjaBinary(), "validate", "--content-mode", "batch", f}, &out) == 2);
  CHECK(out.find("--content-mode") != std::string::npos);
}

TEST_CASE("validate judges dates against now, as if the file were published now") {
  TempDir dir;
  const std::string f = dir / "future.ndjson";
  std::string future = kValidActivity;
  future.replace(future.find("2026-03-10\",\"minutes"), 10, "2099-01-15");
  Write(f, {kValidActivity, future});
  std::string out;
  CHECK(RunCommand({KinerjaBinary(), "validate", f}, &out) == 1);
  const auto lines = LinesStartingWith(out, f);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind(f + ":2: invalid_data: data.date: 2099-01 is after the month of the "
                           "message's Kafka timestamp (",
                       0) == 0);
}

TEST_CASE("validate exits 2 on bad usage naming the missing file and checks nothing") {
  TempDir dir;
  const std::string f = dir / "bad.ndjson";
  Write(f, {R"({"id":)"});
  std::string out;
  CHECK(RunCommand({KinerjaBinary(), "validate", f, dir / "missing.ndjson"}, &out) == 2);
  CHECK(out.find("cannot open " + (dir / "missing.ndjson")) != std::string::npos);
  CHECK(out.find(f + ":1:") == std::string::npos);
  CHECK(RunCommand({KinerjaBinary(), "validate", dir.path().string()}, &out) == 2);
  CHECK(out.find("cannot open " + dir.path().string()) != std::string::npos);
  CHECK(RunCommand({KinerjaBinary(), "validate"}, &out) == 2);
  CHECK(out.find("files") != std::string::npos);
}

TEST_CASE("publish exits 2 naming a missing file before creating a producer") {
  TempDir dir;
  const std::string f = dir / "ok.ndjson";
  Write(f, {kValidActivity});
  std::string out;
  CHECK(RunCommand(
            {KinerjaBinary(), "publish", "--brokers", "127.0.0.1:1", f, dir / "missing.ndjson"},
            &out) == 2);
  CHECK(out.find("kinerja publish: cannot open " + (dir / "missing.ndjson")) != std::string::npos);
  CHECK(out.find("published") == std::string::npos);
  CHECK(RunCommand({KinerjaBinary(), "publish", "--no-validate", "--brokers", "127.0.0.1:1",
                    dir / "missing.ndjson"},
                   &out) == 2);
}

TEST_CASE("help lists validate and documents publish --no-validate") {
  std::string out;
  REQUIRE(RunCommand({KinerjaBinary(), "--help"}, &out) == 0);
  CHECK(out.find("validate") != std::string::npos);
  REQUIRE(RunCommand({KinerjaBinary(), "validate", "--help"}, &out) == 0);
  CHECK(out.find("FILE:LINE") != std::string::npos);
  REQUIRE(RunCommand({KinerjaBinary(), "publish", "--help"}, &out) == 0);
  CHECK(out.find("--no-validate") != std::string::npos);
}

TEST_CASE("run refuses a bad configuration at startup with exit 2, naming the field") {
  TempDir dir;
  const std::string state = dir / "state";
  struct Case {
    std::vector<std::string> flags;
    std::string names;
  };
  const std::vector<Case> cases = {
      {{"--topic", "kinerja events"}, "--topic"},
      {{"--topic", ""}, "--topic"},
      {{"--dlq-topic", std::string(250, 'a')}, "--dlq-topic"},
      {{"--dlq-topic", ".."}, "--dlq-topic"},
      {{"--group", ""}, "--group"},
      {{"--brokers", ""}, "--brokers"},
      {{"--log-level", "verbose"}, "--log-level"},
      {{"--kafka-property", "acks"}, "--kafka-property"},
      {{"--kafka-property", "no.such.property=1"}, "no.such.property"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {
        KinerjaBinary(), "run",         "--state-dir",       state,
        "--brokers",     "127.0.0.1:1", "--metrics-address", "127.0.0.1:0"};
    argv.insert(argv.end(), c.flags.begin(), c.flags.end());
    std::string out;
    INFO(c.flags[0] << " " << c.flags[1]);
    CHECK(RunCommand(argv, &out) == 2);
    CHECK(out.find(c.names) != std::string::npos);
  }
  // Nothing was created for a configuration that was refused.
  CHECK_FALSE(std::filesystem::exists(state));
}

TEST_CASE("the same topic checks apply to publish and create-topics") {
  std::string out;
  CHECK(RunCommand({KinerjaBinary(), "create-topics", "--brokers", "127.0.0.1:1", "--topic", "a/b"},
                   &out) == 2);
  CHECK(out.find("--topic") != std::string::npos);
  CHECK(RunCommand({KinerjaBinary(), "publish", "--brokers", "127.0.0.1:1", "--topic", "a b", "-"},
                   &out) == 2);
  CHECK(out.find("--topic") != std::string::npos);
}
