// Agencies publishing with the official CloudEvents SDKs, as they would: the Python SDK
// (cloudevents.v1.kafka with confluent-kafka), the Java SDK (cloudevents-kafka's serializer,
// binary by default) and the Go SDK (sdk-go's binding.Write with sarama), each in both content
// modes, on the real broker. The same events give the
// same KPIs as `kinerja publish`, and the same faults the same dead-letter reasons; dead letters
// keep the headers they came with. tests/sdk/setup.sh prepares the SDKs (fixture "sdk").
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "kinerja_cli.h"
#include "support.h"

using namespace kinerja::testing;

namespace {

const std::string kEvents = std::string(KINERJA_SOURCE_DIR) + "/tests/sdk/events.ndjson";

// Where tests/sdk/setup.sh put the SDKs (the build directory's sdk/).
std::string SdkDir() { return KINERJA_TEST_SDK_DIR; }

// The command that publishes kEvents to a topic, for each producer.
std::vector<std::string> Command(const std::string& producer, const std::string& mode,
                                 const TestTopics& t) {
  if (producer == "kinerja") {
    // --no-validate: the faults are sent too, as the SDKs send them.
    return {KinerjaBinary(), "publish",        "--brokers", t.brokers,       "--topic",
            t.events,        "--content-mode", mode,        "--no-validate", kEvents};
  }
  if (producer == "python") {
    return {SdkDir() + "/python/bin/python",
            std::string(KINERJA_SOURCE_DIR) + "/tests/sdk/python/publish.py",
            t.brokers,
            t.events,
            mode,
            kEvents};
  }
  if (producer == "go") return {SdkDir() + "/go/publish", t.brokers, t.events, mode, kEvents};
  const std::string java = SdkDir() + "/java";
  return {"/usr/bin/env",
          "java",
          "-cp",
          java + "/cloudevents-java-producer-0.jar:" + java + "/libs/*",
          "kinerja.sdktest.Publish",
          t.brokers,
          t.events,
          mode,
          kEvents};
}

struct Outcome {
  nlohmann::json kpis;
  std::map<std::string, std::string> dead;  // event id -> kinerja.reason
  std::vector<ReadMessage> dlq;
};

// Publishes kEvents with `producer` in `mode`, replays the topic with `kinerja run`, and reads
// the KPIs and the dead-letter topic.
Outcome Run(const std::string& producer, const std::string& mode) {
  TestTopics t = CreateTopicsForTest("sdk-" + producer + "-" + mode, 2);
  std::string out;
  const int rc = RunCommand(Command(producer, mode, t), &out);
  INFO(out);
  REQUIRE(rc == 0);
  TempDir dir;
  REQUIRE(ReplayToEnd(t, dir / "state", "g-sdk", &out) == 0);
  Outcome o;
  o.kpis = ReadKpis(dir / "state");
  o.dlq = ReadTopic(t.brokers, t.dlq);
  for (const auto& m : o.dlq) {
    // The event's id: its ce_id header in binary mode, its "id" in structured mode.
    auto id = m.headers.count("ce_id") ? m.headers.at("ce_id")
                                       : nlohmann::json::parse(*m.value).value("id", "?");
    o.dead[id] = m.headers.at("kinerja.reason");
  }
  return o;
}

}  // namespace

TEST_CASE("events from the official CloudEvents SDKs in both modes count as kinerja publish's") {
  REQUIRE(std::filesystem::exists(SdkDir() + "/python/.complete"));
  REQUIRE(std::filesystem::exists(SdkDir() + "/java/.complete"));
  REQUIRE(std::filesystem::exists(SdkDir() + "/go/.complete"));
  const Outcome reference = Run("kinerja", "structured");
  // The five faults of tests/sdk/events.ndjson, as the contract names them.
  const std::map<std::string, std::string> faults = {{"sdk-bad-1", "invalid_data"},
                                                     {"sdk-bad-2", "unknown_type"},
                                                     {"sdk-bad-3", "invalid_nip"},
                                                     {"sdk-bad-4", "invalid_envelope"},
                                                     {"sdk-bad-5", "key_mismatch"}};
  REQUIRE(reference.dead == faults);
  // The valid events did count: two employees, the administrative activity of one of them.
  REQUIRE(reference.kpis["kpis"].size() > 10);

  for (const std::string producer : {"kinerja", "python", "java", "go"}) {
    for (const std::string mode : {"binary", "structured"}) {
      if (producer == "kinerja" && mode == "structured") continue;  // the reference
      INFO(producer << " in " << mode << " mode");
      const Outcome o = Run(producer, mode);
      CHECK(o.kpis == reference.kpis);
      CHECK(o.dead == faults);
      for (const auto& m : o.dlq) {
        // The original headers come back with the dead letter: in binary mode, the envelope.
        if (mode == "binary") {
          CHECK(m.headers.count("ce_specversion"));
          CHECK(m.headers.count("ce_source"));
        }
        CHECK(m.headers.count("kinerja.detail"));
      }
    }
  }
}

namespace {

// The program after `<!-- tested: LANGUAGE` in docs/events.md: its fenced code block.
std::string DocsProgram(const std::string& language) {
  const std::string docs = ReadFile(std::string(KINERJA_SOURCE_DIR) + "/docs/events.md");
  const auto marker = docs.find("<!-- tested: " + language);
  REQUIRE(marker != std::string::npos);
  const std::string fence = "```" + language + "\n";
  const auto begin = docs.find(fence, marker);
  REQUIRE(begin != std::string::npos);
  const auto end = docs.find("\n```\n", begin + fence.size());
  REQUIRE(end != std::string::npos);
  return docs.substr(begin + fence.size(), end - begin - fence.size() + 1);
}

// `text` with the example's broker and topic replaced by the test's.
std::string Aim(std::string text, const TestTopics& t) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"localhost:9092", t.brokers}, {"\"kinerja.events.v1\"", "\"" + t.events + "\""}}) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  return text;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("the SDK programs of docs/events.md, run as they stand, publish events Kinerja applies") {
  REQUIRE(std::filesystem::exists(SdkDir() + "/java/.complete"));
  TestTopics t = CreateTopicsForTest("sdk-docs", 8);
  TempDir dir;
  std::string out;
  // Master data first, so that the examples' activity counts for the agency.
  const std::string nip = "198609262015051001";
  WriteText(dir / "upsert.ndjson", Ev::Upsert("docs-u1", nip, "KEMENKEU") + "\n");
  REQUIRE(RunCommand({KinerjaBinary(), "publish", "--brokers", t.brokers, "--topic", t.events,
                      dir / "upsert.ndjson"},
                     &out) == 0);

  // Python, with the SDK's virtual environment.
  WriteText(dir / "example.py", Aim(DocsProgram("python"), t));
  {
    const int rc = RunCommand({SdkDir() + "/python/bin/python", dir / "example.py"}, &out);
    INFO(out);
    REQUIRE(rc == 0);
  }
  // Java: compiled against the SDK's jars (the class is named as its file must be).
  std::filesystem::create_directories(dir.path() / "java");
  WriteText(dir / "java/PublishActivity.java", Aim(DocsProgram("java"), t));
  const std::string classpath = SdkDir() + "/java/libs/*";
  {
    int rc = RunCommand({"/usr/bin/env", "javac", "-cp", classpath, "-d", dir / "java",
                         dir / "java/PublishActivity.java"},
                        &out);
    INFO(out);
    REQUIRE(rc == 0);
    rc = RunCommand(
        {"/usr/bin/env", "java", "-cp", dir / "java" + ":" + classpath, "PublishActivity"}, &out);
    INFO(out);
    REQUIRE(rc == 0);
  }
  // Go: in a module with the test producer's go.mod and go.sum (the versions the suite pins).
  std::filesystem::create_directories(dir.path() / "go");
  for (const char* f : {"go.mod", "go.sum"}) {
    std::filesystem::copy_file(std::string(KINERJA_SOURCE_DIR) + "/tests/sdk/go/" + f,
                               dir / (std::string("go/") + f));
  }
  WriteText(dir / "go/main.go", Aim(DocsProgram("go"), t));
  {
    std::string go = ReadFile(SdkDir() + "/go/go-binary");  // the Go setup.sh found
    go.erase(go.find_last_not_of("\n") + 1);
    const int rc =
        RunCommand({"/bin/sh", "-c", "cd '" + dir / "go" + "' && '" + go + "' run ."}, &out);
    INFO(out);
    REQUIRE(rc == 0);
  }

  REQUIRE(ReplayToEnd(t, dir / "state", "g-sdk-docs", &out) == 0);
  // 90 (Python) + 60 (Java) + 30 (Go) minutes.
  CHECK(KpiValue(ReadKpis(dir / "state"), "kinerja_activity_seconds",
                 {{"agency", "KEMENKEU"}, {"month", "2026-03"}, {"category", "administrative"}}) ==
        (90 + 60 + 30) * 60);
  CHECK(ReadTopic(t.brokers, t.dlq).empty());
  // Every producer put the employee in the same partition (the murmur2 partitioner).
  const auto messages = ReadTopic(t.brokers, t.events);
  REQUIRE(messages.size() == 4);
  for (const auto& m : messages) CHECK(m.partition == messages.front().partition);
}
