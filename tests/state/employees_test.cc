// The employee repository and the partition state over the in-memory store twin: what is read
// on a first touch, what a batch writes, what eviction keeps, and the round trip of a partition.
#include <catch2/catch.hpp>

#include <set>

#include "state/codec.h"
#include "state/employees.h"
#include "state/partitions.h"
#include "storage/forwarding_store.h"

using namespace kinerja;
using namespace kinerja::state;
using processors::EmployeeState;

namespace {

constexpr Nip kNip = 198609262015051001ULL;

// A store that records the keys read and written, around the in-memory twin.
struct InMemory {
  std::unique_ptr<storage::StateStore> memory = storage::NewMemoryStateStore();
};
class RecordingStore : private InMemory, public storage::ForwardingStateStore {
 public:
  RecordingStore() : ForwardingStateStore(memory.get()) {}
  Status GetEntities(int32_t p, const std::vector<std::string>& keys,
                     std::vector<std::optional<std::string>>* values) override {
    for (const auto& k : keys) reads.insert(k);
    return inner()->GetEntities(p, keys, values);
  }
  Status ScanEntities(
      int32_t p, std::string_view prefix,
      const std::function<Status(std::string_view, std::string_view)>& fn) override {
    scans.insert(std::string(prefix));
    return inner()->ScanEntities(p, prefix, fn);
  }
  Status Commit(const storage::WriteSet& w) override {
    for (const auto& e : w.entities) writes.insert(e.key);
    return inner()->Commit(w);
  }
  void Forget() { reads.clear(), scans.clear(), writes.clear(); }

  std::set<std::string> reads, scans, writes;
};

// Commits what the repository's batch changed.
void CommitBatch(EmployeeRepository& repo, storage::StateStore& store) {
  storage::WriteSet writes;
  repo.AppendWrites(&writes);
  REQUIRE(store.Commit(writes).ok());
  repo.WritesDurable();
}

EmployeeRepository::Employee& Get(EmployeeRepository& repo, int32_t p, Nip nip) {
  auto e = repo.Get(p, nip, 1000);
  REQUIRE(e.ok());
  return **e;
}

}  // namespace

TEST_CASE("a batch writes each touched employee's core and the years that changed, once") {
  RecordingStore store;
  EmployeeRepository repo({}, &store);
  repo.BeginBatch();
  auto& e = Get(repo, 3, kNip);
  CHECK(store.reads == std::set<std::string>{EmployeeCoreKey(kNip)});  // a first touch
  EmployeeState& s = EmployeeRepository::StateOf(e);
  s.known = true;
  s.years[2025].months[ToMonthIndex(2025, 11)].feedback = 2;
  s.years[2026].months[ToMonthIndex(2026, 1)].feedback = 5;
  repo.YearChanged(e, 2026);
  repo.YearChanged(e, 2026);
  CHECK(&Get(repo, 3, kNip) == &e);  // the same entry, no second read
  CHECK(store.reads.size() == 1);
  CommitBatch(repo, store);
  CHECK(store.writes == std::set<std::string>{EmployeeCoreKey(kNip), YearKey(kNip, 2026)});

  // Marks are cleared by the commit: a batch that touches nobody writes nothing.
  store.Forget();
  repo.BeginBatch();
  CommitBatch(repo, store);
  CHECK(store.writes.empty());

  // A new repository over the same store reads the core, then only the year asked for.
  EmployeeRepository fresh({}, &store);
  fresh.BeginBatch();
  auto& back = Get(fresh, 3, kNip);
  CHECK(EmployeeRepository::StateOf(back).known);
  CHECK(EmployeeRepository::StateOf(back).years.empty());
  processors::YearsNeeded need;
  need.year = 2026;
  REQUIRE(fresh.LoadYears(back, need).ok());
  CHECK(EmployeeRepository::StateOf(back).years.at(2026) == s.years.at(2026));
  CHECK(EmployeeRepository::StateOf(back).years.count(2025) == 0);  // never written
  CHECK(store.reads == std::set<std::string>{EmployeeCoreKey(kNip), YearKey(kNip, 2026)});
}

TEST_CASE("every year is read once for a move, and the years in memory are kept") {
  RecordingStore store;
  {
    EmployeeRepository repo({}, &store);
    repo.BeginBatch();
    auto& e = Get(repo, 0, kNip);
    for (int year : {2024, 2025, 2026}) {
      EmployeeRepository::StateOf(e).years[year].months[ToMonthIndex(year, 5)].feedback = 1;
      repo.YearChanged(e, year);
    }
    CommitBatch(repo, store);
  }
  EmployeeRepository repo({}, &store);
  repo.BeginBatch();
  auto& e = Get(repo, 0, kNip);
  processors::YearsNeeded one;
  one.year = 2026;
  REQUIRE(repo.LoadYears(e, one).ok());
  // Changed in memory, not yet committed: a later read of every year must not overwrite it.
  EmployeeRepository::StateOf(e).years[2026].months[ToMonthIndex(2026, 5)].feedback = 9;
  processors::YearsNeeded all;
  all.all = true;
  store.Forget();
  REQUIRE(repo.LoadYears(e, all).ok());
  CHECK(store.scans == std::set<std::string>{YearPrefix(kNip)});
  const EmployeeState& s = EmployeeRepository::StateOf(e);
  CHECK(s.years.size() == 3);
  CHECK(s.years.at(2024).months.at(ToMonthIndex(2024, 5)).feedback == 1);
  CHECK(s.years.at(2026).months.at(ToMonthIndex(2026, 5)).feedback == 9);
  store.Forget();
  REQUIRE(repo.LoadYears(e, all).ok());  // all in memory now: no read
  REQUIRE(repo.LoadYears(e, one).ok());
  CHECK(store.scans.empty());
  CHECK(store.reads.empty());
}

TEST_CASE("eviction keeps the most recently used within three quarters of the budget") {
  RecordingStore store;
  EmployeeCacheOptions options;
  options.max_employees = 4;
  EmployeeRepository repo(options, &store);
  for (Nip n = 1; n <= 6; ++n) {
    repo.BeginBatch();
    Get(repo, static_cast<int32_t>(n % 2), n);
    CommitBatch(repo, store);
  }
  CHECK(repo.employees() == 6);
  const size_t before = repo.bytes();
  // Mid-batch (marks pending, not yet written) nothing goes.
  repo.BeginBatch();
  Get(repo, 0, 6);
  repo.Evict();
  CHECK(repo.employees() == 6);
  CommitBatch(repo, store);
  repo.Evict();
  CHECK(repo.employees() == 3);  // 3/4 of 4
  CHECK(repo.bytes() < before);
  // The three kept are the last used (4, 5, 6): touching them reads nothing ...
  store.Forget();
  repo.BeginBatch();
  for (Nip n = 4; n <= 6; ++n) Get(repo, static_cast<int32_t>(n % 2), n);
  CHECK(store.reads.empty());
  // ... while 1 was evicted and is read again.
  Get(repo, 1, 1);
  CHECK(store.reads == std::set<std::string>{EmployeeCoreKey(1)});
  CommitBatch(repo, store);

  // A revoked partition's employees go, and their bytes with them.
  const size_t count = repo.employees();
  repo.DropPartition(0);
  CHECK(repo.employees() == count - 2);  // 4 and 6
  repo.DropPartition(1);
  CHECK(repo.employees() == 0);
  CHECK(repo.bytes() == 0);
}

TEST_CASE("eviction keeps the employees whose writes are not durable yet") {
  RecordingStore store;
  EmployeeCacheOptions options;
  options.max_employees = 4;
  EmployeeRepository repo(options, &store);
  repo.BeginBatch();
  for (Nip n = 1; n <= 3; ++n) Get(repo, 0, n);
  CommitBatch(repo, store);
  // A batch of six: its writes are appended (a commit on another thread), not yet durable.
  repo.BeginBatch();
  for (Nip n = 4; n <= 9; ++n) Get(repo, 0, n);
  storage::WriteSet writes;
  repo.AppendWrites(&writes);
  repo.Evict();
  // Only the settled employees went; the six are over the budget and stay.
  CHECK(repo.employees() == 6);
  store.Forget();
  repo.BeginBatch();
  for (Nip n = 4; n <= 9; ++n) Get(repo, 0, n);
  CHECK(store.reads.empty());  // none of the six is read from a store that lacks its writes
  REQUIRE(store.Commit(writes).ok());
  CommitBatch(repo, store);  // the second batch's (empty) changes, then durable
  repo.Evict();
  CHECK(repo.employees() == 3);
}

TEST_CASE("the byte budget: over it, a batch is told to commit early") {
  RecordingStore store;
  EmployeeCacheOptions options;
  options.max_bytes = 4096;
  EmployeeRepository repo(options, &store);
  repo.BeginBatch();
  Nip n = 1;
  while (!repo.OverBudget()) {
    Get(repo, 0, n++);
    REQUIRE(n < 1000);
  }
  CHECK(repo.bytes() > options.max_bytes);
  CommitBatch(repo, store);
  repo.Evict();
  CHECK(repo.bytes() <= options.max_bytes / 4 * 3);
  CHECK_FALSE(repo.OverBudget());
}

TEST_CASE("a partition's counters, offset, metadata and outcomes round-trip through the store") {
  auto store = storage::NewMemoryStateStore();
  auto empty = LoadPartition(*store, 7);
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->next_offset);
  CHECK(empty->counters.empty());

  processors::KpiKey employees{processors::Kpi::kEmployees, 0, 0, processors::AgencyCode("A1")};
  processors::KpiKey feedback{processors::Kpi::kEmployees, 1, 2026, processors::AgencyCode("B2")};
  processors::KpiTable delta(processors::KpiTable::kKeepZeros);
  delta.Add(employees, 3);
  delta.Add(feedback, 0);  // a +1/-1 left as 0: not written
  PartitionChange change;
  change.next_offset = 42;
  change.counters = &delta;
  change.newest_month = ToMonthIndex(2026, 11);
  change.outcomes = {40, 1, 1};
  PartitionState committed = *empty;
  storage::WriteSet writes;
  AppendPartitionWrites(7, committed, change, &writes);
  CHECK(writes.counters.size() == 1);
  REQUIRE(store->Commit(writes).ok());
  ApplyPartitionChange(change, &committed);

  // A second batch: the counter's new value is the sum, the outcomes add up.
  processors::KpiTable more;
  more.Add(employees, -1);
  PartitionChange second{50, &more, change.newest_month, {8, 0, 0}};
  writes = {};
  AppendPartitionWrites(7, committed, second, &writes);
  REQUIRE(store->Commit(writes).ok());
  ApplyPartitionChange(second, &committed);

  auto loaded = LoadPartition(*store, 7);
  REQUIRE(loaded.ok());
  CHECK(loaded->next_offset == 50);
  CHECK(loaded->counters.Get(employees) == 2);
  CHECK(loaded->counters.size() == 1);
  CHECK(loaded->newest_month == ToMonthIndex(2026, 11));
  CHECK(loaded->outcomes == storage::OutcomeTotals{48, 1, 1});
  CHECK(committed.counters.Get(employees) == 2);
  CHECK(committed.outcomes == loaded->outcomes);

  int seen = 0;
  REQUIRE(ForEachPartition(*store, [&](int32_t p, const PartitionState& s) {
            CHECK(p == 7);
            CHECK(s.next_offset == 50);
            ++seen;
            return Status::OK();
          }).ok());
  CHECK(seen == 1);
}

TEST_CASE("a partition whose counter key does not decode is refused, naming the partition") {
  auto store = storage::NewMemoryStateStore();
  storage::WriteSet writes;
  writes.counters.push_back({5, "x", 1});
  writes.progress.push_back({5, 1, "", {}});
  REQUIRE(store->Commit(writes).ok());
  auto loaded = LoadPartition(*store, 5);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().code() == Status::Code::kCorruption);
  CHECK(loaded.status().message().find("partition 5") != std::string::npos);
  CHECK_FALSE(
      ForEachPartition(*store, [](int32_t, const PartitionState&) { return Status::OK(); }).ok());
}
