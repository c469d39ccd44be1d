// The pipeline with in-memory twins: exactly-once across restarts and rebalances, duplicates,
// dead letters. Expected values are worked out by hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "ingest/memory.h"
#include "pipeline/pipeline.h"
#include "state/codec.h"
#include "storage/forwarding_store.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::pipeline;
using namespace kinerja::processors;
using namespace kinerja::state;
using kinerja::testing::Ev;

namespace {

const std::string kN1 = "198609262015051001";
const std::string kN2 = "199001012015052002";

struct RecordingProbe : NullProbe {
  BatchCounts totals;
  size_t assigned = 0;
  std::map<int32_t, int64_t> lag;  // the latest lag per partition
  std::vector<std::string> known_agencies;
  void BatchCommitted(const BatchCounts& c, double, int64_t) override {
    for (size_t t = 0; t < c.events.size(); ++t)
      for (size_t o = 0; o < kOutcomeCount; ++o) totals.events[t][o] += c.events[t][o];
    for (size_t r = 0; r < c.dead_letters.size(); ++r) totals.dead_letters[r] += c.dead_letters[r];
    for (const auto& [agency, counts] : c.agencies) {
      AgencyCounts& sum = totals.agencies[agency];
      sum.applied += counts.applied;
      sum.without_master_data += counts.without_master_data;
      for (size_t r = 0; r < counts.dead_letters.size(); ++r) {
        sum.dead_letters[r] += counts.dead_letters[r];
      }
    }
  }
  void Assignment(size_t n, bool) override { assigned = n; }
  void PartitionLag(int32_t p, std::optional<int64_t> l) override {
    if (l) {
      lag[p] = *l;
    } else {
      lag.erase(p);
    }
  }
  void AgenciesKnown(const std::vector<std::string>& agencies) override {
    known_agencies = agencies;
  }
  uint64_t Count(EventType t, Outcome o) const {
    return totals.events[static_cast<size_t>(t)][static_cast<size_t>(o)];
  }
};

// A Kafka timestamp in December 2026: the events' dates (2022 .. 2026) are not in its future.
constexpr int64_t kTs = 1'798'697'600'000;

void Append(ingest::MemorySource& src, int32_t p, const std::string& key, const std::string& json,
            int64_t ts = kTs) {
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

TEST_CASE("events are counted per publishing agency - dead letters where the source was valid") {
  ingest::MemorySource src(1);
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  RecordingProbe probe;
  Pipeline pipe({}, &src, &dlq, store.get(), &probe);
  // A2 publishes about N2, who has no master data yet: applied, and counted as such.
  Append(src, 0, kN2, Ev::Activity("a0", kN2, "2026-03-01", 30, "substantive", "A2"));
  // A1's upsert and activity for N1; the retry of the activity is a duplicate, not applied.
  Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
  // Rejected after A2's source was read: invalid_data (0 minutes) and key_mismatch.
  Append(src, 0, kN1, Ev::Activity("a2", kN1, "2026-03-02", 0, "administrative", "A2"));
  Append(src, 0, kN2, Ev::Activity("a3", kN1, "2026-03-02", 5, "administrative", "A2"));
  // Rejected before any source is known: counted in no agency.
  Append(src, 0, kN1, "{not json");
  Drain(pipe);

  const auto& agencies = probe.totals.agencies;
  REQUIRE(agencies.size() == 2);
  const AgencyCounts& a1 = agencies.at("A1");
  CHECK(a1.applied == 2);
  CHECK(a1.without_master_data == 0);
  CHECK(a1.dead_letters == std::array<uint64_t, ingest::kRejectReasonCount>{});
  const AgencyCounts& a2 = agencies.at("A2");
  CHECK(a2.applied == 1);
  CHECK(a2.without_master_data == 1);
  std::array<uint64_t, ingest::kRejectReasonCount> a2_dead{};
  a2_dead[static_cast<size_t>(ingest::RejectReason::kInvalidData)] = 1;
  a2_dead[static_cast<size_t>(ingest::RejectReason::kKeyMismatch)] = 1;
  CHECK(a2.dead_letters == a2_dead);
  CHECK(probe.totals.dead_letters[static_cast<size_t>(ingest::RejectReason::kMalformedJson)] == 1);
}

TEST_CASE("binary-mode events are applied like structured ones - dead letters keep the headers") {
  ingest::MemorySource src(1);
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  RecordingProbe probe;
  Pipeline pipe({}, &src, &dlq, store.get(), &probe);
  const std::vector<ingest::Header> binary = {{"ce_specversion", "1.0"},
                                              {"ce_id", "b-1"},
                                              {"ce_source", "/agencies/A1"},
                                              {"ce_type", "kinerja.activity.logged.v1"},
                                              {"ce_subject", kN1},
                                              {"ce_time", "2026-03-02T09:00:00+07:00"},
                                              {"content-type", "application/json"},
                                              {"traceparent", std::nullopt}};
  Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  src.Append(
      0, {kN1, R"({"date":"2026-03-02","minutes":60,"category":"administrative"})", kTs, binary});
  // The same id again in the other mode: a duplicate (the mode is not part of the identity).
  src.Append(0, {kN1,
                 Ev::Activity("b-1", kN1, "2026-03-02", 60, "administrative"),
                 kTs,
                 {{"content-type", "application/cloudevents+json"}}});
  // Invalid in binary mode: the dead letter carries the original headers, then the reason.
  src.Append(
      0, {kN1, R"({"date":"2026-03-02","minutes":0,"category":"administrative"})", kTs, binary});
  Drain(pipe);
  CHECK(pipe.Snapshot().counters.Get(AdminMinutes("A1", 2026, 3)) == 60);
  CHECK(probe.Count(EventType::kActivityLogged, Outcome::kApplied) == 1);
  CHECK(probe.Count(EventType::kActivityLogged, Outcome::kDuplicate) == 1);
  REQUIRE(dlq.entries().size() == 1);
  const auto& dead = dlq.entries()[0];
  CHECK(dead.reason == "invalid_data");
  REQUIRE(dead.headers.size() == binary.size());
  for (size_t i = 0; i < binary.size(); ++i) {
    CHECK(dead.headers[i].name == binary[i].name);
    CHECK(dead.headers[i].value == binary[i].value);
  }
}

TEST_CASE("agencies with employees are announced when their partitions are assigned") {
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  {
    ingest::MemorySource src(2);
    NullProbe probe;
    Pipeline pipe({}, &src, &dlq, store.get(), &probe);
    Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
    Append(src, 1, kN2, Ev::Upsert("u2", kN2, "B7"));
    Append(src, 1, "198001012000011003", Ev::Upsert("u3", "198001012000011003", "C2", "inactive"));
    Drain(pipe);
  }
  // After a restart nothing new arrives, yet both agencies with active employees are known (an
  // agency that stays silent keeps zero-valued series); C2 has no active employee.
  ingest::MemorySource src(2);
  RecordingProbe probe;
  Pipeline pipe({}, &src, &dlq, store.get(), &probe);
  Drain(pipe);
  CHECK(probe.known_agencies == std::vector<std::string>{"A1", "B7"});
}

TEST_CASE("the lag of every owned partition is reported, also where nothing is consumed") {
  ingest::MemorySource src(3);
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  RecordingProbe probe;
  PipelineOptions options;
  options.max_batch_messages = 1;
  Pipeline pipe(options, &src, &dlq, store.get(), &probe);
  for (int i = 0; i < 3; ++i) {
    Append(src, 1, kN1, Ev::Activity("a" + std::to_string(i), kN1, "2026-03-02", 5, "substantive"));
  }
  // One message per batch: after the first, partition 1 has consumed one of three. Partitions
  // 0 and 2 never get a message (and a high watermark is only known after a fetch), yet they
  // report their lag of 0.
  REQUIRE(pipe.RunOnce().ok());
  CHECK(probe.lag == std::map<int32_t, int64_t>{{0, 0}, {1, 2}, {2, 0}});
  Drain(pipe);
  CHECK(probe.lag.at(1) == 0);
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

// A store whose first commit waits until the test lets it go, and which tells the test each
// employee core it is asked to read.
class GatedStore : public storage::ForwardingStateStore {
 public:
  explicit GatedStore(storage::StateStore* inner) : ForwardingStateStore(inner) {}
  Status GetEntities(int32_t p, const std::vector<std::string>& keys,
                     std::vector<std::optional<std::string>>* values) override {
    {
      std::lock_guard lock(mu_);
      read_.insert(keys.begin(), keys.end());
    }
    cv_.notify_all();
    return inner()->GetEntities(p, keys, values);
  }
  Status Commit(const storage::WriteSet& writes) override {
    std::unique_lock lock(mu_);
    if (commits_++ == 0) {
      first_commit_started_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
    }
    lock.unlock();
    return inner()->Commit(writes);
  }
  // Waits until `key` has been read while the first commit is still held.
  bool WaitForReadDuringFirstCommit(const std::string& key) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] {
      return first_commit_started_ && read_.count(key) > 0;
    }) && !released_;
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> read_;
  int commits_ = 0;
  bool first_commit_started_ = false;
  bool released_ = false;
};

TEST_CASE("a batch is written on the commit thread while the next is applied, shown once durable") {
  // Batches of two messages. The first batch's commit is held; meanwhile the pipeline applies
  // the second, which holds a redelivered copy of an event of the first: still a duplicate,
  // though the chunk that remembers its id is not in the store yet.
  ingest::MemorySource src(1);
  ingest::MemoryDeadLetters dlq;
  auto memory = storage::NewMemoryStateStore();
  GatedStore store(memory.get());
  RecordingProbe probe;
  PipelineOptions options;
  options.stop_at_end = true;
  options.max_batch_messages = 2;
  Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 25, "administrative"));
  Append(src, 0, kN2, Ev::Upsert("u2", kN2, "A1"));
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 25, "administrative"));
  Pipeline pipe(options, &src, &dlq, &store, &probe);
  std::atomic<bool> stop{false};
  Status result;
  std::thread runner([&] { result = pipe.Run(stop); });
  // The second batch's new employee is read while the first batch is still being written, and
  // nothing of the first batch is visible yet.
  const bool overlapped = store.WaitForReadDuringFirstCommit(EmployeeCoreKey(std::stoull(kN2)));
  const KpiTable during = pipe.Snapshot().counters;
  store.Release();
  runner.join();
  REQUIRE(result.ok());
  CHECK(overlapped);
  CHECK(during.Get(Employees("A1")) == 0);
  CHECK(probe.Count(EventType::kActivityLogged, Outcome::kDuplicate) == 1);
  CHECK(probe.Count(EventType::kActivityLogged, Outcome::kApplied) == 1);
  // What is durable (Run has left the group, so the snapshot is empty again).
  auto stored = memory->LoadPartition(0);
  REQUIRE(stored.ok());
  CHECK(stored->next_offset == 4);
  CHECK(stored->outcomes == storage::OutcomeTotals{3, 1, 0});
  const std::map<std::string, int64_t> counters(stored->counters.begin(), stored->counters.end());
  CHECK(counters.at(EncodeKpiKey(Employees("A1"))) == 2);
  CHECK(counters.at(EncodeKpiKey(AdminMinutes("A1", 2026, 3))) == 25);
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
    Status Send(const ingest::Message&, std::string_view, std::string_view) override {
      return Status::OK();
    }
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
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"), kTs);
  Append(src, 0, kN1, Ev::Activity("a2", kN1, "2026-03-02", 60, "administrative"), kTs + 4000);
  Pipeline pipe(options, &src, &dlq, store.get(), &probe);
  Drain(pipe);
  const Nip nip = 198609262015051001ULL;
  std::vector<std::string> chunks;
  REQUIRE(store
              ->ScanEntities(0, state::DedupPrefix(nip),
                             [&](std::string_view suffix, std::string_view) {
                               chunks.emplace_back(suffix);
                               return Status::OK();
                             })
              .ok());
  // a1's chunk (0) expired when a2 arrived 4 s later; only a2's chunk (1) is left.
  const std::string prefix = state::DedupPrefix(nip);
  CHECK(chunks == std::vector<std::string>{state::DedupChunkKey(nip, 1).substr(prefix.size())});
}

namespace {

// The in-memory store, recording what the pipeline asks of it.
class RecordingStore : public storage::ForwardingStateStore {
 public:
  explicit RecordingStore(storage::StateStore* inner) : ForwardingStateStore(inner) {}
  Status GetEntities(int32_t p, const std::vector<std::string>& keys,
                     std::vector<std::optional<std::string>>* values) override {
    point_reads.insert(point_reads.end(), keys.begin(), keys.end());
    return inner()->GetEntities(p, keys, values);
  }
  Status ScanEntities(
      int32_t p, std::string_view prefix,
      const std::function<Status(std::string_view, std::string_view)>& fn) override {
    scans.emplace_back(prefix);
    return inner()->ScanEntities(p, prefix, fn);
  }
  Status Commit(const storage::WriteSet& w) override {
    for (const auto& e : w.entities) (e.value ? written : deleted).push_back(e.key);
    return inner()->Commit(w);
  }
  void Clear() {
    point_reads.clear();
    scans.clear();
    written.clear();
    deleted.clear();
  }
  std::vector<std::string> point_reads, scans, written, deleted;
};

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The batch wrote the employee's new dedup chunk, the one year and the core; nothing else.
void CheckWroteOneYear(const RecordingStore& store, Nip nip, int year) {
  REQUIRE(store.written.size() == 3);
  CHECK(store.written[0].substr(0, DedupPrefix(nip).size()) == DedupPrefix(nip));
  CHECK(store.written[1] == YearKey(nip, year));
  CHECK(store.written[2] == EmployeeCoreKey(nip));
}

}  // namespace

TEST_CASE("an event reads and writes one employee-year, however much history is stored") {
  // issue 4: the cost of an event must not grow with the employees, years or indicators stored.
  // Two employees get five years of SKPs and monthly realisasi (in small batches, so many
  // dedup chunks), a month before the measured events.
  constexpr int64_t kDay = 24LL * 3600 * 1000;
  const Nip n1 = 198609262015051001ULL;
  auto base = storage::NewMemoryStateStore();
  ingest::MemoryDeadLetters dlq;
  NullProbe probe;
  PipelineOptions options;
  options.max_batch_messages = 25;
  ingest::MemorySource src(1);
  int64_t ts = kTs;
  for (const std::string& nip : {kN1, kN2}) {
    Append(src, 0, nip, Ev::Upsert("u-" + nip, nip, "A1"), ts++);
    for (int year = 2022; year <= 2026; ++year) {
      const std::string y = std::to_string(year);
      Append(src, 0, nip, Ev::Skp("s-" + y + nip, nip, year, {{"i1", 10}, {"i2", 10}, {"i3", 10}}),
             ts++);
      for (int month = 1; month <= 12; ++month) {
        const std::string period = y + (month < 10 ? "-0" : "-") + std::to_string(month);
        for (const char* ind : {"i1", "i2", "i3"}) {
          Append(src, 0, nip, Ev::Realisasi("r-" + period + ind + nip, nip, period, ind, 1), ts++);
        }
      }
    }
  }
  {
    Pipeline history(options, &src, &dlq, base.get(), &probe);
    Drain(history);
  }
  REQUIRE(dlq.entries().empty());

  // A restart (empty cache); the measured events come 30 days later: every stored dedup id has
  // left the 7-day window.
  RecordingStore store(base.get());
  ingest::MemorySource live(1);
  for (int64_t i = 0; i < ts - kTs; ++i)
    live.Append(0, {"skip", "{}", 0});  // offsets already applied
  Pipeline pipe(options, &live, &dlq, &store, &probe);
  const int64_t later = ts + 30 * kDay;

  // First touch: the core and the one year, by point reads; no scan. Writes: the core, that
  // year and one new dedup chunk; the expired chunks are deleted unread.
  Append(live, 0, kN1, Ev::Realisasi("x1", kN1, "2026-06", "i1", 2), later);
  Drain(pipe);
  CHECK(Sorted(store.point_reads) == Sorted({EmployeeCoreKey(n1), YearKey(n1, 2026)}));
  CHECK(store.scans.empty());
  CheckWroteOneYear(store, n1, 2026);
  CHECK_FALSE(store.deleted.empty());
  for (const auto& key : store.deleted)
    CHECK(key.substr(0, DedupPrefix(n1).size()) == DedupPrefix(n1));

  // Cached now: another event of that year reads nothing; one of an older year reads that year.
  store.Clear();
  Append(live, 0, kN1, Ev::Realisasi("x2", kN1, "2026-07", "i2", 2), later + 1);
  Drain(pipe);
  CHECK(store.point_reads.empty());
  CheckWroteOneYear(store, n1, 2026);
  store.Clear();
  Append(live, 0, kN1, Ev::Realisasi("x3", kN1, "2023-02", "i3", 2), later + 2);
  Drain(pipe);
  CHECK(store.point_reads == std::vector<std::string>{YearKey(n1, 2023)});
  CHECK(store.scans.empty());
  CheckWroteOneYear(store, n1, 2023);

  // A transfer moves every contribution: one bounded scan of the employee's years.
  store.Clear();
  Append(live, 0, kN1,
         Ev::Upsert("u2", kN1, "A2", "active", "Asia/Jakarta", "2026-08-01T08:00:00+07:00"),
         later + 3);
  Drain(pipe);
  CHECK(store.point_reads.empty());
  CHECK(store.scans == std::vector<std::string>{YearPrefix(n1)});
  CHECK(pipe.Snapshot().counters.Get(Employees("A2")) == 1);
  CHECK(pipe.Snapshot().counters.Get({Kpi::kSkpEmployees, 0, 2024, "A2"}) == 1);
  CHECK(pipe.Snapshot().counters.Get({Kpi::kSkpEmployees, 0, 2024, "A1"}) == 1);  // kN2 stays
}

namespace {

// A store twin whose Nth commit fails (as a full disk or a read-only directory would fail it);
// every other call goes to the inner store.
class FailingCommitStore : public RecordingStore {
 public:
  FailingCommitStore(storage::StateStore* inner, int fail_at)
      : RecordingStore(inner), fail_at_(fail_at) {}
  Status Commit(const storage::WriteSet& w) override {
    if (++commits == fail_at_) return Status::IOError("No space left on device");
    return RecordingStore::Commit(w);
  }
  int commits = 0;

 private:
  int fail_at_;
};

}  // namespace

TEST_CASE(
    "a failed commit latches the error - nothing more is applied - a restart resumes exactly") {
  auto durable = storage::NewMemoryStateStore();
  FailingCommitStore failing(durable.get(), 2);
  ingest::MemoryDeadLetters dlq;
  NullProbe probe;
  PipelineOptions options;
  options.max_batch_messages = 1;  // one commit per event
  ingest::MemorySource src(1);
  Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
  Append(src, 0, kN1, Ev::Activity("a2", kN1, "2026-03-03", 15, "administrative"));
  {
    Pipeline pipe(options, &src, &dlq, &failing, &probe);
    REQUIRE(pipe.RunOnce().ok());          // the upsert, committed
    const Status failed = pipe.RunOnce();  // a1: its commit fails
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.message() == "No space left on device");
    // Latched: later calls return the same error and touch nothing (a2 is neither applied nor
    // committed past a1, whose offset and state are ahead in memory only).
    for (int i = 0; i < 3; ++i) {
      const Status again = pipe.RunOnce();
      CHECK(again.message() == failed.message());
    }
    CHECK(failing.commits == 2);
    CHECK(pipe.Snapshot().counters.Get(AdminMinutes("A1", 2026, 3)) == 0);
    auto p0 = durable->LoadPartition(0);
    REQUIRE(p0.ok());
    CHECK(p0->next_offset == std::optional<int64_t>(1));  // after the upsert only
  }
  // A restart over the durable store: a1 and a2 are applied once each.
  ingest::MemorySource replay(1);
  Append(replay, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(replay, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
  Append(replay, 0, kN1, Ev::Activity("a2", kN1, "2026-03-03", 15, "administrative"));
  Pipeline pipe(options, &replay, &dlq, durable.get(), &probe);
  Drain(pipe);
  CHECK(pipe.Snapshot().counters.Get(AdminMinutes("A1", 2026, 3)) == 75);
  CHECK(pipe.Snapshot().counters.Get(Employees("A1")) == 1);
}

TEST_CASE(
    "outcome totals go with each committed offset: every message counted once across a "
    "failed commit, a restart and a rebalance") {
  // Per partition, by hand: 0 has 2 applied, 1 duplicate, 1 dead letter; 1 has 1 applied and
  // 1 dead letter.
  auto fill = [](ingest::MemorySource& src) {
    Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
    Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));
    Append(src, 0, kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));  // retry
    Append(src, 0, kN1, "{not json");
    Append(src, 1, kN2, Ev::Upsert("u2", kN2, "A1"));
    Append(src, 1, "wrong-key", Ev::Activity("a3", kN2, "2026-03-03", 30, "administrative"));
  };
  auto durable = storage::NewMemoryStateStore();
  ingest::MemoryDeadLetters dlq;
  NullProbe probe;
  PipelineOptions options;
  options.max_batch_messages = 1;  // one commit per message
  {
    FailingCommitStore failing(durable.get(), 4);
    ingest::MemorySource src(2);
    fill(src);
    Pipeline pipe(options, &src, &dlq, &failing, &probe);
    Status st;
    for (int i = 0; i < 100 && st.ok(); ++i) st = pipe.RunOnce();
    REQUIRE_FALSE(st.ok());
    CHECK(failing.commits == 4);
  }
  // Three messages committed: whatever they were, the totals add up to the offsets.
  int64_t committed = 0;
  for (int32_t p : {0, 1}) {
    auto s = durable->LoadPartition(p);
    REQUIRE(s.ok());
    CHECK(s->outcomes.sum() == s->next_offset.value_or(0));
    committed += s->outcomes.sum();
  }
  CHECK(committed == 3);

  ingest::MemorySource replay(2);
  fill(replay);
  Pipeline pipe(options, &replay, &dlq, durable.get(), &probe);
  Drain(pipe);
  auto p0 = durable->LoadPartition(0);
  auto p1 = durable->LoadPartition(1);
  REQUIRE(p0.ok());
  REQUIRE(p1.ok());
  CHECK(p0->next_offset == 4);
  CHECK(p0->outcomes == storage::OutcomeTotals{2, 1, 1});
  CHECK(p1->next_offset == 2);
  CHECK(p1->outcomes == storage::OutcomeTotals{1, 0, 1});

  // Moved away and back, partition 1 goes on from its stored totals.
  REQUIRE(replay.Revoke({1}).ok());
  REQUIRE(replay.Assign({1}).ok());
  Append(replay, 1, kN2, Ev::Activity("a4", kN2, "2026-03-04", 30, "administrative"));
  Drain(pipe);
  p1 = durable->LoadPartition(1);
  REQUIRE(p1.ok());
  CHECK(p1->next_offset == 3);
  CHECK(p1->outcomes == storage::OutcomeTotals{2, 0, 1});
}

TEST_CASE("the phase observer is told each step of the loop, and shutdown stays to the end") {
  struct Phases : PhaseObserver {
    std::vector<std::string> seen;
    std::vector<uint64_t> committed;
    void Enter(Phase phase, uint64_t committed_messages) override {
      if (seen.empty() || seen.back() != PhaseName(phase)) {
        seen.emplace_back(PhaseName(phase));
        committed.push_back(committed_messages);
      }
    }
  } phases;
  ingest::MemorySource src(1);
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  NullProbe probe;
  PipelineOptions options;
  options.stop_at_end = true;
  options.phases = &phases;
  Append(src, 0, kN1, Ev::Upsert("u1", kN1, "A1"));
  Append(src, 0, kN1, "{not json");
  Pipeline pipe(options, &src, &dlq, store.get(), &probe);
  std::atomic<bool> stop{false};
  REQUIRE(pipe.Run(stop).ok());
  // The first Poll assigns the partition; Close revokes it, after shutdown began.
  CHECK(phases.seen == std::vector<std::string>{"polling", "rebalance", "polling", "batch",
                                                "dlq-flush", "commit", "committed", "shutdown"});
  CHECK(phases.committed.back() == 2);
  CHECK(PhaseName(Phase::kStarting) == "starting");
}

TEST_CASE("the employee cache stays within its byte budget - a batch past it commits early") {
  // 300 employees, 4 events each, in one poll of 1,200 messages; a cache budget of 24 KiB holds
  // a few dozen of them. The batch is committed whenever the cache passes the budget, and the
  // least recently used are evicted; the KPIs are those of a run with an unbounded cache.
  struct CacheProbe : NullProbe {
    size_t commits = 0;
    uint64_t max_bytes = 0;
    uint64_t last_employees = 0;
    void BatchCommitted(const BatchCounts&, double, int64_t) override { ++commits; }
    void CacheSize(uint64_t bytes, uint64_t employees) override {
      max_bytes = std::max(max_bytes, bytes);
      last_employees = employees;
    }
  };
  auto fill = [](ingest::MemorySource& src) {
    for (int i = 0; i < 300; ++i) {
      const std::string nip = std::to_string(198609262015051001ULL + static_cast<uint64_t>(i));
      const std::string agency = i % 2 == 0 ? "A1" : "A2";
      Append(src, 0, nip, Ev::Upsert("u" + std::to_string(i), nip, agency));
      for (int d = 1; d <= 3; ++d) {
        Append(src, 0, nip,
               Ev::Activity("a" + std::to_string(i) + "-" + std::to_string(d), nip,
                            "2026-03-0" + std::to_string(d), 10 * d, "administrative"));
      }
    }
  };
  // One run over a fresh store: its probe and its counters.
  auto run = [&](const PipelineOptions& options, CacheProbe* probe) {
    ingest::MemoryDeadLetters dlq;
    auto store = storage::NewMemoryStateStore();
    ingest::MemorySource src(1);
    fill(src);
    Pipeline pipe(options, &src, &dlq, store.get(), probe);
    Drain(pipe);
    return pipe.Snapshot().counters;
  };
  PipelineOptions unbounded;
  unbounded.max_batch_messages = 5000;
  unbounded.max_cache_bytes = SIZE_MAX;
  CacheProbe reference_probe;
  const KpiTable want = run(unbounded, &reference_probe);
  CHECK(reference_probe.commits <= 2);  // the first batch after a start is 1,000 messages
  CHECK(reference_probe.last_employees == 300);
  // 150 employees in each agency, 10 + 20 + 30 minutes each.
  CHECK(want.Get(AdminMinutes("A1", 2026, 3)) == 150 * 60);

  PipelineOptions bounded = unbounded;
  bounded.max_cache_bytes = 24 << 10;
  CacheProbe probe;
  const KpiTable got = run(bounded, &probe);
  CHECK(probe.commits > 5);                           // the one poll was committed in parts
  CHECK(probe.max_bytes <= bounded.max_cache_bytes);  // after every commit's eviction
  CHECK(probe.last_employees < 300);
  CHECK(probe.last_employees > 0);
  CHECK(got.size() == want.size());
  for (const auto& [key, value] : want) CHECK(got.Get(key) == value);
}
