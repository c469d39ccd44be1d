// The hostile corpus (tests/corpus/hostile.ndjson) through the real broker and the kinerja
// binary: keys, headers, timestamps and values exactly as written there, in one partition so
// that an offset names its case. Every bad message must be in the DLQ once with its documented
// reason, and the state must be what the good messages alone give.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <set>

#include "hostile_corpus.h"
#include "ingest/kafka.h"
#include "kinerja_cli.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;

namespace {

void Produce(const std::string& topic, const std::vector<const HostileCase*>& cases) {
  auto producer = ingest::KafkaProducer::Create({TestBrokers(), "hostile-test", {}});
  REQUIRE(producer.ok());
  for (const HostileCase* c : cases) {
    const auto& m = c->message;
    std::optional<std::string_view> key, value;
    if (m.key) key = *m.key;
    if (m.value) value = *m.value;
    REQUIRE((*producer)->Send(topic, key, value, m.headers, c->timestamp_ms, 0).ok());
  }
  REQUIRE((*producer)->Flush(std::chrono::seconds(60)).ok());
}

}  // namespace

TEST_CASE(
    "the hostile corpus on a real broker: each bad message in the DLQ with its reason, "
    "the state as if only the good ones were sent") {
  const auto corpus = LoadHostileCorpus();
  std::vector<const HostileCase*> all, good;
  for (const auto& c : corpus) {
    all.push_back(&c);
    if (c.reason == "accepted") good.push_back(&c);
  }
  REQUIRE(good.size() >= 9);
  REQUIRE(all.size() - good.size() >= 200);
  const TestTopics hostile = CreateTopicsForTest("hostile", 1);
  const TestTopics clean = CreateTopicsForTest("hostile-good", 1);
  Produce(hostile.events, all);
  Produce(clean.events, good);

  TempDir dir;
  std::string out;
  REQUIRE(ReplayToEnd(hostile, dir / "hostile", "g-hostile", &out) == 0);
  INFO(out);
  REQUIRE(ReplayToEnd(clean, dir / "clean", "g-clean", &out) == 0);
  const auto expected = ReadKpis(dir / "clean");
  REQUIRE(expected["kpis"].size() > 5);
  CHECK(ReadKpis(dir / "hostile") == expected);  // nothing bad reached the state
  CHECK(ReadTopic(clean.brokers, clean.dlq).empty());

  // One dead letter per bad message, at its offset, with its reason and detail; the original
  // key and value unchanged.
  std::set<int64_t> seen;
  std::ostringstream wrong;
  for (const auto& d : ReadTopic(hostile.brokers, hostile.dlq)) {
    const int64_t offset = std::stoll(d.headers.at("kinerja.source.offset"));
    REQUIRE(offset >= 0);
    REQUIRE(offset < static_cast<int64_t>(all.size()));
    const HostileCase& c = *all[static_cast<size_t>(offset)];
    CHECK(seen.insert(offset).second);
    const std::string reason = d.headers.at("kinerja.reason");
    const std::string detail = d.headers.at("kinerja.detail");
    if (reason != c.reason || detail.find(c.detail) == std::string::npos) {
      wrong << c.name << ": expected " << c.reason << " '" << c.detail << "', got " << reason
            << " '" << detail << "'\n";
    }
    CHECK(d.key == c.message.key);
    CHECK(d.value == c.message.value);
  }
  INFO(wrong.str());
  CHECK(wrong.str().empty());
  CHECK(seen.size() == all.size() - good.size());
}
