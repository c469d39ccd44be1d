// The pipeline with in-memory twins: exactly-once across restarts and rebalances, duplicates,
// dead letters. Expected values are worked out by hand.
#include <catch2/catch.hpp>

#include <map>

#include "ingest/memory.h"
#include "pipeline/pipeline.h"
#include "processors/codec.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::pipeline;
using namespace kinerja::processors;
using kinerja::testing::Ev;

namespace {

const std::string kN1 = "198609262015051001";
const std::string kN2 = "199001012015052002";

struct RecordingProbe : NullProbe {
  BatchCounts totals;
  size_t assigned = 0;
  void BatchCommitted(const BatchCounts& c, double, int64_t) override {
    for (size_t t = 0; t < c.events.size(); ++t)
      for (size_t o = 0; o < kOutcomeCount; ++o) totals.events[t][o] += c.events[t][o];
    for (size_t r = 0; r < c.dead_letters.size(); ++r) totals.dead_letters[r] += c.dead_letters[r];
  }
  void Assignment(size_t n, bool) override { assigned = n; }
  uint64_t Count(EventType t, Outcome o) const {
    return totals.events[static_cast<size_t>(t)][static_cast<size_t>(o)];
  }
};

void Append(ingest::MemorySource& src, int32_t p, const std::string& key, const std::string& json,
            int64_t ts = 1000) {
  src.Append(p, {key, json, ts});
}

// Drains everything currently in the source.
void Drain(Pipeline& pipe) {
  bool idle = false;
  for (int i = 0; i < 1000 && !idle; ++i) REQUIRE(pipe.RunOnce(&idle).ok());
}

KpiKey Employees(const std::string& a) { return {Kpi::kEmployees, 0, 0, a}; }
KpiKey AdminMinutes(const std::string& a, int y, int m) {
  return {Kpi::kActivityMinutes, 0, ToMonthIndex(y, m), a};
}

}  // namespace

TEST_CASE("events are applied once - duplicates are counted - rejects go to the DLQ") {
  ingest::MemorySource src(2);
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  RecordingProbe probe;
  PipelineOptions options;
  options.max_batch_messages = 3;  // several batches
  Pipeline pipe(options, &src, &dlq, store.get(), &probe);

  Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));  // retry
  Append(src, 0, kN1, "{not json");
  Append(src, 1, kN2, Ev::Upsert("u2", kN2, "A1"));
  Append(src, 1, kN2, Ev::Activity("a2", kN2, "2026-03-03", 30, "administrative"));
  Append(src, 1, "wrong-key", Ev::Activity("a3", kN2, "2026-03-03", 30, "administrative"));
  Drain(pipe);

  auto snap = pipe.Snapshot();
  CHECK(snap.counters.Get(Employees("A1")) == 2);
  CHECK(snap.counters.Get(AdminMinutes("A1", 2026, 3)) == 90);
  CHECK(snap.newest_month == ToMonthIndex(2026, 3));
  CHECK(probe.Count(EventType::kActivityLogged, Outcome::kApplied) == 2);
  CHECK(probe.Count(EventType::kActivityLogged, Outcome::kDuplicate) == 1);
  CHECK(probe.Count(EventType::kActivityLogged, Outcome::kDeadLettered) == 1);
  // Partitions interleave, so the DLQ order across partitions is not fixed: look up by reason.
  REQUIRE(dlq.entries().size() == 2);
  std::map<std::string, const ingest::MemoryDeadLetters::Entry*> by_reason;
  for (const auto& e : dlq.entries()) by_reason[e.reason] = &e;
  REQUIRE(by_reason.count("malformed_json"));
  REQUIRE(by_reason.count("key_mismatch"));
  CHECK(by_reason["malformed_json"]->value == std::optional<std::string>("{not json"));
  CHECK(by_reason["malformed_json"]->source.partition == 0);
  CHECK(by_reason["malformed_json"]->source.offset == 3);
  CHECK(by_reason["key_mismatch"]->source.partition == 1);
  CHECK(by_reason["key_mismatch"]->source.offset == 2);
  CHECK(src.reported().at(0) == 4);
  CHECK(src.reported().at(1) == 3);
}

TEST_CASE("a restart resumes at the stored offsets: nothing twice nothing missed") {
  ingest::MemorySource src(1);
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  NullProbe probe;
  Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
  {
    Pipeline first({}, &src, &dlq, store.get(), &probe);
    Drain(first);
    CHECK(first.Snapshot().counters.Get(AdminMinutes("A1", 2026, 3)) == 60);
  }
  // The same log is offered again from the start (a new source), plus one new event.
  ingest::MemorySource replay(1);
  Append(replay, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(replay, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
  Append(replay, 0, kN1, Ev::Activity("a2", kN1, "2026-03-03", 15, "administrative"));
  Pipeline second({}, &replay, &dlq, store.get(), &probe);
  Drain(second);
  auto snap = second.Snapshot();
  CHECK(snap.counters.Get(AdminMinutes("A1", 2026, 3)) == 75);
  CHECK(snap.counters.Get(Employees("A1")) == 1);
}

TEST_CASE("rebalances move a partition's counters out of and back into the totals") {
  ingest::MemorySource src(2);
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  RecordingProbe probe;
  Pipeline pipe({}, &src, &dlq, store.get(), &probe);
  Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(src, 1, kN2, Ev::Upsert("u2", kN2, "A1"));
  Drain(pipe);
  CHECK(pipe.Snapshot().counters.Get(Employees("A1")) == 2);
  REQUIRE(src.Revoke({1}).ok());
  CHECK(probe.assigned == 1);
  CHECK(pipe.Snapshot().counters.Get(Employees("A1")) == 1);
  REQUIRE(src.Assign({1}).ok());
  CHECK(pipe.Snapshot().counters.Get(Employees("A1")) == 2);
  // Events after the move are applied on top of the restored state.
  Append(src, 1, kN2, Ev::Upsert("u3", kN2, "A2"));
  Drain(pipe);
  CHECK(pipe.Snapshot().counters.Get(Employees("A1")) == 1);
  CHECK(pipe.Snapshot().counters.Get(Employees("A2")) == 1);
}

TEST_CASE("Run with stop_at_end stops at the end offsets and leaves the group") {
  ingest::MemorySource src(3);
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  NullProbe probe;
  PipelineOptions options;
  options.stop_at_end = true;
  Append(src, 2, kN1, Ev::Upsert("u1", kN1, "A1"));
  Pipeline pipe(options, &src, &dlq, store.get(), &probe);
  std::atomic<bool> stop{false};
  REQUIRE(pipe.Run(stop).ok());
  CHECK(src.reported().at(2) == 1);
  auto p2 = store->LoadPartition(2);
  REQUIRE(p2.ok());
  CHECK(p2->next_offset == 1);
  CHECK(pipe.Snapshot().counters.empty());  // every partition revoked on close
}

TEST_CASE("a failing dead-letter sink stops the pipeline before the offset is committed") {
  struct FailingDlq : ingest::DeadLetterSink {
    Status Send(const ingest::Message&, std::string_view, std::string_view) override { return Status::OK(); }
    Status Flush(std::chrono::milliseconds) override { return Status::Unavailable("broker down"); }
  } dlq;
  ingest::MemorySource src(1);
  auto store = storage::NewMemoryStateStore();
  NullProbe probe;
  Pipeline pipe({}, &src, &dlq, store.get(), &probe);
  Append(src, 0, kN1, "garbage");
  CHECK_FALSE(pipe.RunOnce().ok());
  auto p0 = store->LoadPartition(0);
  REQUIRE(p0.ok());
  CHECK_FALSE(p0->next_offset);  // the rejected message will be offered again
}

TEST_CASE("the dedup memory survives a restart: a retry after it is still a duplicate") {
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  RecordingProbe probe;
  {
    ingest::MemorySource src(1);
    Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
    Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
    Pipeline first({}, &src, &dlq, store.get(), &probe);
    Drain(first);
  }
  ingest::MemorySource replay(1);
  Append(replay, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(replay, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
  Append(replay, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));  // retry
  Pipeline second({}, &replay, &dlq, store.get(), &probe);
  Drain(second);
  CHECK(second.Snapshot().counters.Get(AdminMinutes("A1", 2026, 3)) == 60);
  CHECK(probe.Count(EventType::kActivityLogged, Outcome::kDuplicate) == 1);
}

TEST_CASE("forgotten ids are deleted from the store when the window passes") {
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  NullProbe probe;
  PipelineOptions options;
  options.dedup_window_ms = 1000;
  options.max_batch_messages = 1;  // one chunk per event
  ingest::MemorySource src(1);
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"), 1000);
  Append(src, 0, kN1, Ev::Activity("a2", kN1, "2026-03-02", 60, "administrative"), 5000);
  Pipeline pipe(options, &src, &dlq, store.get(), &probe);
  Drain(pipe);
  const Nip nip = 198609262015051001ULL;
  std::vector<std::string> chunks;
  REQUIRE(store->ScanEntities(0, processors::DedupPrefix(nip), [&](std::string_view suffix, std::string_view) {
    chunks.emplace_back(suffix);
    return Status::OK();
  }).ok());
  // a1's chunk (0) expired when a2 arrived 4 s later; only a2's chunk (1) is left.
  const std::string prefix = processors::DedupPrefix(nip);
  CHECK(chunks == std::vector<std::string>{processors::DedupChunkKey(nip, 1).substr(prefix.size())});
}
