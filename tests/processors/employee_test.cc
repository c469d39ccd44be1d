// Processor scenarios; every expected value is worked out by hand in the test.
#include <catch2/catch.hpp>

#include "processors/codec.h"
#include "processors/employee.h"

using namespace kinerja;
using namespace kinerja::processors;

namespace {

constexpr Nip kNip = 198609262015051001ULL;

Event Make(EventData data, std::string id = "x") {
  Event e;
  e.envelope.id = std::move(id);
  e.envelope.source = "A1";
  e.envelope.subject = kNip;
  e.data = std::move(data);
  return e;
}

Event Upsert(const std::string& agency, bool active = true) {
  EmployeeUpserted u;
  u.agency = agency;
  u.unit = "Biro Umum";
  u.active = active;
  return Make(u);
}

Event Training(const std::string& course, Date d, int minutes) {
  return Make(TrainingCompleted{course, d, minutes, TrainingMode::kKlasikal});
}

Event Activity(Date d, int minutes, ActivityCategory c) { return Make(ActivityLogged{d, minutes, c}); }

KpiKey Employees(const std::string& a) { return {Kpi::kEmployees, 0, 0, a}; }
KpiKey Without() { return {Kpi::kWithoutMasterData, 0, 0, {}}; }
KpiKey Minutes(const std::string& a, int year) { return {Kpi::kTrainingMinutes, 0, year, a}; }
KpiKey Band(const std::string& a, int year, JpBand b) {
  return {Kpi::kTrainingBand, static_cast<uint8_t>(b), year, a};
}
KpiKey Act(const std::string& a, int y, int m, ActivityCategory c) {
  return {Kpi::kActivityMinutes, static_cast<uint8_t>(c), ToMonthIndex(y, m), a};
}
KpiKey Heavy(const std::string& a, int y, int m) { return {Kpi::kAdminHeavy, 0, ToMonthIndex(y, m), a}; }

// Applies events in order to one employee, accumulating the counters as the pipeline does.
struct Harness {
  EmployeeState state;
  KpiTable totals;
  void Apply(const Event& e) {
    KpiTable delta;
    processors::Apply(e, state, &delta);
    totals.AddAll(delta);
    // The incremental result always equals the employee's whole contribution.
    KpiTable whole;
    Contribution(state, &whole);
    KpiTable diff = totals;
    diff.AddAll(whole, -1);
    REQUIRE(diff.empty());
  }
};

constexpr auto kAdmin = ActivityCategory::kAdministrative;
constexpr auto kSubst = ActivityCategory::kSubstantive;

}  // namespace

TEST_CASE("an employee without master data counts only as such") {
  Harness h;
  h.Apply(Activity({2026, 3, 2}, 60, kAdmin));
  CHECK(h.totals.Get(Without()) == 1);
  CHECK(h.totals.size() == 1);
  // Master data arrives: all of their state counts at once.
  h.Apply(Upsert("A1"));
  CHECK(h.totals.Get(Without()) == 0);
  CHECK(h.totals.Get(Employees("A1")) == 1);
  CHECK(h.totals.Get(Act("A1", 2026, 3, kAdmin)) == 60);
  CHECK(h.totals.Get(Heavy("A1", 2026, 3)) == 1);
}

TEST_CASE("training bands are decided on whole minutes - a record is replaced by (course date)") {
  Harness h;
  h.Apply(Upsert("A1"));
  h.Apply(Training("LATSAR", {2026, 2, 1}, 449));
  CHECK(h.totals.Get(Band("A1", 2026, JpBand::kLt10)) == 1);
  h.Apply(Training("LATSAR", {2026, 2, 1}, 450));  // correction: 450 min = exactly 10 JP
  CHECK(h.totals.Get(Band("A1", 2026, JpBand::kLt10)) == 0);
  CHECK(h.totals.Get(Band("A1", 2026, JpBand::k10To20)) == 1);
  CHECK(h.totals.Get(Minutes("A1", 2026)) == 450);
  h.Apply(Training("ETHICS", {2026, 11, 30}, 449));  // 899 min: still below 20 JP
  CHECK(h.totals.Get(Band("A1", 2026, JpBand::k10To20)) == 1);
  h.Apply(Training("ETHICS2", {2026, 12, 31}, 1));  // 900 min = 20 JP
  CHECK(h.totals.Get(Band("A1", 2026, JpBand::k10To20)) == 0);
  CHECK(h.totals.Get(Band("A1", 2026, JpBand::kGe20)) == 1);
  CHECK(h.totals.Get(Minutes("A1", 2026)) == 900);
  // Another year is counted on its own.
  h.Apply(Training("LATSAR", {2027, 1, 1}, 45));
  CHECK(h.totals.Get(Minutes("A1", 2027)) == 45);
  CHECK(h.totals.Get(Band("A1", 2027, JpBand::kLt10)) == 1);
  CHECK(h.totals.Get(Minutes("A1", 2026)) == 900);
}

TEST_CASE("activity is additive - admin-heavy means strictly more than half") {
  Harness h;
  h.Apply(Upsert("A1"));
  h.Apply(Activity({2026, 4, 1}, 60, kAdmin));
  h.Apply(Activity({2026, 4, 2}, 60, kSubst));
  CHECK(h.totals.Get(Heavy("A1", 2026, 4)) == 0);  // exactly half
  h.Apply(Activity({2026, 4, 30}, 1, kAdmin));
  CHECK(h.totals.Get(Heavy("A1", 2026, 4)) == 1);
  CHECK(h.totals.Get(Act("A1", 2026, 4, kAdmin)) == 61);
  CHECK(h.totals.Get(Act("A1", 2026, 4, kSubst)) == 60);
  // A late event for an old month lands in that month.
  h.Apply(Activity({2025, 12, 31}, 30, kSubst));
  CHECK(h.totals.Get(Act("A1", 2025, 12, kSubst)) == 30);
  CHECK(h.totals.Get(Heavy("A1", 2025, 12)) == 0);
}

TEST_CASE("a transfer moves every contribution - inactive removes them - active restores them") {
  Harness h;
  h.Apply(Upsert("A1"));
  h.Apply(Training("LATSAR", {2026, 2, 1}, 900));
  h.Apply(Activity({2026, 3, 2}, 100, kAdmin));
  h.Apply(Upsert("A2"));
  CHECK(h.totals.Get(Employees("A1")) == 0);
  CHECK(h.totals.Get(Minutes("A1", 2026)) == 0);
  CHECK(h.totals.Get(Employees("A2")) == 1);
  CHECK(h.totals.Get(Minutes("A2", 2026)) == 900);
  CHECK(h.totals.Get(Band("A2", 2026, JpBand::kGe20)) == 1);
  CHECK(h.totals.Get(Act("A2", 2026, 3, kAdmin)) == 100);
  CHECK(h.totals.Get(Heavy("A2", 2026, 3)) == 1);

  h.Apply(Upsert("A2", /*active=*/false));
  CHECK(h.totals.empty());  // counts nowhere, not even as "without master data"
  // State is kept while inactive, so events still accumulate.
  h.Apply(Activity({2026, 3, 3}, 50, kSubst));
  CHECK(h.totals.empty());
  h.Apply(Upsert("A2", true));
  CHECK(h.totals.Get(Employees("A2")) == 1);
  CHECK(h.totals.Get(Act("A2", 2026, 3, kSubst)) == 50);
  CHECK(h.totals.Get(Minutes("A2", 2026)) == 900);
}

TEST_CASE("an upsert that keeps agency and status changes no counter") {
  Harness h;
  h.Apply(Upsert("A1"));
  KpiTable delta;
  Event again = Upsert("A1");
  std::get<EmployeeUpserted>(again.data).unit = "Biro Hukum";
  Apply(again, h.state, &delta);
  CHECK(delta.empty());
  CHECK(h.state.master->unit == "Biro Hukum");
}

TEST_CASE("dedup: same (source id) within the window is a duplicate even with other content") {
  DedupMemory m;
  constexpr int64_t kDay = 24LL * 3600 * 1000;
  constexpr int64_t kWindow = 7 * kDay;
  Envelope a{"id-1", "A1", EventType::kActivityLogged, kNip, {}};
  CHECK_FALSE(CheckDuplicateAndRemember(m, a, 1000, kWindow));
  CHECK(CheckDuplicateAndRemember(m, a, 1000 + kDay, kWindow));
  Envelope other_source = a;
  other_source.source = "A2";
  CHECK_FALSE(CheckDuplicateAndRemember(m, other_source, 1000 + kDay, kWindow));
  // Remembered, to be persisted: two ids, each once.
  REQUIRE(m.pending.size() == 2);
  CHECK(m.pending[0] == std::pair<std::string, int64_t>{DedupKey("A1", "id-1"), 1000});
  // Exactly at the window's edge the id is still remembered ...
  CHECK(CheckDuplicateAndRemember(m, a, 1000 + kWindow, kWindow));
  // ... one millisecond later it is forgotten, so it applies again.
  CHECK_FALSE(CheckDuplicateAndRemember(m, a, 1000 + kWindow + 1, kWindow));
  CHECK(m.applied.size() == 2);  // A2's copy (day 1) is within the window still
}

TEST_CASE("dedup chunks are written per batch and deleted once all their ids expired") {
  DedupMemory m;
  constexpr int64_t kWindow = 100;
  auto env = [](const char* id) { return Envelope{id, "A1", EventType::kActivityLogged, kNip, {}}; };
  std::vector<EntityWrite> writes;
  CHECK_FALSE(CheckDuplicateAndRemember(m, env("a"), 0, kWindow));
  CHECK_FALSE(CheckDuplicateAndRemember(m, env("b"), 10, kWindow));
  FlushDedup(kNip, m, &writes);  // batch 1: one chunk with both ids
  REQUIRE(writes.size() == 1);
  CHECK(writes[0].key == DedupChunkKey(kNip, 0));
  CHECK(writes[0].value);
  CHECK_FALSE(CheckDuplicateAndRemember(m, env("c"), 50, kWindow));
  writes.clear();
  FlushDedup(kNip, m, &writes);  // batch 2
  REQUIRE(writes.size() == 1);
  CHECK(writes[0].key == DedupChunkKey(kNip, 1));
  // At 111 "a" (0) and "b" (10) have expired: chunk 0 goes, chunk 1 ("c" at 50) stays.
  CHECK_FALSE(CheckDuplicateAndRemember(m, env("d"), 111, kWindow));
  writes.clear();
  FlushDedup(kNip, m, &writes);
  REQUIRE(writes.size() == 2);
  CHECK(writes[0].key == DedupChunkKey(kNip, 0));
  CHECK_FALSE(writes[0].value);
  CHECK(writes[1].key == DedupChunkKey(kNip, 2));
  CHECK(m.applied.size() == 2);
}

TEST_CASE("dedup keys cannot collide across source and id boundaries") {
  CHECK(DedupKey("A1", "2-x") != DedupKey("A12", "-x"));
}
