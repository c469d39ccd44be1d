// Processor scenarios; every expected value is worked out by hand in the test.
#include <catch2/catch.hpp>

#include "dedup_check.h"
#include "processors/employee.h"

#include <random>

using namespace kinerja;
using namespace kinerja::processors;
using kinerja::testing::IsDuplicate;
using kinerja::testing::Remembered;

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

Event Activity(Date d, int minutes, ActivityCategory c) {
  return Make(ActivityLogged{d, minutes, c});
}

KpiKey Employees(const std::string& a) { return {Kpi::kEmployees, 0, 0, a}; }
KpiKey Without() { return {Kpi::kWithoutMasterData, 0, 0, {}}; }
KpiKey Minutes(const std::string& a, int year) { return {Kpi::kTrainingMinutes, 0, year, a}; }
KpiKey Band(const std::string& a, int year, JpBand b) {
  return {Kpi::kTrainingBand, static_cast<uint8_t>(b), year, a};
}
KpiKey Act(const std::string& a, int y, int m, ActivityCategory c) {
  return {Kpi::kActivityMinutes, static_cast<uint8_t>(c), ToMonthIndex(y, m), a};
}
KpiKey Heavy(const std::string& a, int y, int m) {
  return {Kpi::kAdminHeavy, 0, ToMonthIndex(y, m), a};
}

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
  CHECK_FALSE(IsDuplicate(m, a, 1000, kWindow));
  CHECK(IsDuplicate(m, a, 1000 + kDay, kWindow));
  Envelope other_source = a;
  other_source.source = "A2";
  CHECK_FALSE(IsDuplicate(m, other_source, 1000 + kDay, kWindow));
  // Remembered, to be persisted: two ids, each once.
  REQUIRE(m.pending.size() == 2);
  CHECK(m.pending[0] == std::pair<std::string, int64_t>{DedupKey("A1", "id-1"), 1000});
  // Exactly at the window's edge the id is still remembered ...
  CHECK(IsDuplicate(m, a, 1000 + kWindow, kWindow));
  // ... one millisecond later it is forgotten, so it applies again.
  CHECK_FALSE(IsDuplicate(m, a, 1000 + kWindow + 1, kWindow));
  CHECK(m.applied.size() == 2);  // A2's copy (day 1) is within the window still
}

TEST_CASE("dedup: an id out of the window applies again even before the memory is swept") {
  // Sweeps run at most once per window/8 of the employee's clock; in between, ids that left
  // the window are still in memory and must not count.
  DedupMemory m;
  constexpr int64_t kWindow = 800;  // sweeps at least 100 ms apart
  auto env = [](const char* id) {
    return Envelope{id, "A1", EventType::kActivityLogged, kNip, {}};
  };
  CHECK_FALSE(IsDuplicate(m, env("a"), 0, kWindow));
  CHECK_FALSE(IsDuplicate(m, env("b"), 50, kWindow));
  CHECK_FALSE(IsDuplicate(m, env("c"), 801, kWindow));  // sweeps: "a" goes
  CHECK(!Remembered(m, "A1", "a"));
  CHECK(Remembered(m, "A1", "b"));
  // At 851 "b" (50) is out of the window, but the next sweep is not due: still in memory ...
  CHECK_FALSE(IsDuplicate(m, env("d"), 851, kWindow));
  CHECK(Remembered(m, "A1", "b"));
  // ... and yet not a duplicate; it is remembered anew with its new time.
  CHECK(IsDuplicate(m, env("c"), 852, kWindow));
  CHECK_FALSE(IsDuplicate(m, env("b"), 852, kWindow));
  CHECK(Remembered(m, "A1", "b") == 852);
  CHECK(IsDuplicate(m, env("b"), 900, kWindow));
}

TEST_CASE("fingerprint table: remembers the newest time, drops the old, compares by content") {
  FingerprintTable t;
  for (uint64_t fp = 1; fp <= 1000; ++fp)
    t.Remember(fp * 0x9e3779b97f4a7c15ull, static_cast<int64_t>(fp));
  CHECK(t.size() == 1000);
  t.Remember(7 * 0x9e3779b97f4a7c15ull, 3);  // older: kept at 7
  t.Remember(8 * 0x9e3779b97f4a7c15ull, 5000);
  CHECK(t.Find(7 * 0x9e3779b97f4a7c15ull) == 7);
  CHECK(t.Find(8 * 0x9e3779b97f4a7c15ull) == 5000);
  CHECK_FALSE(t.Find(1001 * 0x9e3779b97f4a7c15ull));
  CHECK(t.MemoryBytes() <= 2048 * 16);  // at most 3/4 full, doubling: < 2 slots an entry
  CHECK(t.DropOlderThan(900) == 900);   // 8 was renewed at 5000; the oldest kept is 900
  CHECK(t.size() == 102);               // 900..1000 and 8
  CHECK_FALSE(t.Find(899 * 0x9e3779b97f4a7c15ull));
  FingerprintTable u;
  for (uint64_t fp = 1000; fp >= 900; --fp)
    u.Remember(fp * 0x9e3779b97f4a7c15ull, static_cast<int64_t>(fp));
  CHECK_FALSE(t == u);
  u.Remember(8 * 0x9e3779b97f4a7c15ull, 5000);
  CHECK(t == u);
  CHECK(t.DropOlderThan(INT64_MAX) == INT64_MAX);
  CHECK(t.size() == 0);
  CHECK(t.MemoryBytes() == 0);
}

TEST_CASE("dedup keys cannot collide across source and id boundaries") {
  CHECK(DedupKey("A1", "2-x") != DedupKey("A12", "-x"));
}

namespace {

Event Skp(int year, std::vector<std::pair<std::string, double>> targets) {
  SkpApproved skp;
  skp.year = static_cast<int16_t>(year);
  for (auto& [id, target] : targets)
    skp.indicators.push_back({id, IndicatorKind::kUtama, target, "dokumen"});
  return Make(skp);
}
Event Realisasi(int y, int m, const std::string& indicator, double value) {
  return Make(RealisasiReported{ToMonthIndex(y, m), indicator, value});
}
Event Evidence(int y, int m, const std::string& indicator, const std::string& evidence) {
  return Make(EvidenceSubmitted{ToMonthIndex(y, m), indicator, evidence});
}
Event Rate(RatingPeriod period, Expectation hasil, Expectation perilaku) {
  return Make(RatingAssigned{period, hasil, perilaku, 197501012000031001ULL});
}
Event Feedback(int64_t unix_seconds, int offset_minutes) {
  Event e = Make(FeedbackGiven{197501012000031001ULL, std::nullopt});
  e.envelope.time = Instant{unix_seconds, static_cast<int16_t>(offset_minutes)};
  return e;
}
double Achievement(const KpiTable& t, const std::string& a, int year) {
  std::array<int64_t, kAchievementLimbs> limbs{};
  for (int k = 0; k < kAchievementLimbs; ++k) {
    limbs[static_cast<size_t>(k)] = t.Get({Kpi::kSkpAchievement, static_cast<uint8_t>(k), year, a});
  }
  return AchievementFromLimbs(limbs);
}
KpiKey Month(Kpi kpi, const std::string& a, int y, int m) {
  return {kpi, 0, ToMonthIndex(y, m), a};
}
KpiKey Year(Kpi kpi, const std::string& a, int y) { return {kpi, 0, y, a}; }

constexpr auto kAtas = Expectation::kDiAtas;
constexpr auto kSesuai = Expectation::kSesuai;
constexpr auto kBawah = Expectation::kDiBawah;

}  // namespace

TEST_CASE("SKP achievement is the mean of capped ratios of the latest monthly realisasi") {
  Harness h;
  h.Apply(Upsert("A1"));
  h.Apply(Skp(2026, {{"I1", 12}, {"I2", 4}}));
  CHECK(h.totals.Get(Year(Kpi::kSkpEmployees, "A1", 2026)) == 1);
  CHECK(Achievement(h.totals, "A1", 2026) == 0);
  h.Apply(Realisasi(2026, 1, "I1", 3));
  h.Apply(Realisasi(2026, 2, "I1", 3));
  // I1: 6/12 = 0.5; I2: 0/4 = 0; mean 0.25.
  CHECK(Achievement(h.totals, "A1", 2026) == Approx(0.25).epsilon(1e-12));
  h.Apply(Realisasi(2026, 2, "I1", 9));  // correction: R1 = 3 + 9 = 12 -> 1.0
  h.Apply(Realisasi(2026, 3, "I2", 8));  // 8/4 capped at 1
  CHECK(Achievement(h.totals, "A1", 2026) == 1.0);
  CHECK(h.totals.Get(Year(Kpi::kSkpTargetsMet, "A1", 2026)) == 1);
  // A realisasi for an id not in the SKP is a report, not part of achievement.
  h.Apply(Realisasi(2026, 3, "OTHER", 1));
  CHECK(h.totals.Get(Month(Kpi::kRealisasiReports, "A1", 2026, 3)) == 2);
  CHECK(Achievement(h.totals, "A1", 2026) == 1.0);
  // A revision adds an indicator with no realisasi: (1 + 1 + 0) / 3.
  h.Apply(Skp(2026, {{"I1", 12}, {"I2", 4}, {"I3", 1}}));
  CHECK(Achievement(h.totals, "A1", 2026) == Approx(2.0 / 3).epsilon(1e-12));
  CHECK(h.totals.Get(Year(Kpi::kSkpTargetsMet, "A1", 2026)) == 0);
  // Realisasi of another year does not count for 2026.
  h.Apply(Realisasi(2027, 1, "I3", 5));
  CHECK(h.totals.Get(Year(Kpi::kSkpTargetsMet, "A1", 2026)) == 0);
}

TEST_CASE("reports evidence and reporting employees per month") {
  Harness h;
  h.Apply(Upsert("A1"));
  h.Apply(Evidence(2026, 3, "I1", "e1"));  // evidence alone is no report
  CHECK(h.totals.Get(Month(Kpi::kRealisasiReports, "A1", 2026, 3)) == 0);
  h.Apply(Realisasi(2026, 3, "I1", 1));
  h.Apply(Realisasi(2026, 3, "I2", 1));
  CHECK(h.totals.Get(Month(Kpi::kRealisasiReports, "A1", 2026, 3)) == 2);
  CHECK(h.totals.Get(Month(Kpi::kRealisasiWithEvidence, "A1", 2026, 3)) == 1);
  // No SKP for 2026 yet: not a reporting employee.
  CHECK(h.totals.Get(Month(Kpi::kRealisasiReporting, "A1", 2026, 3)) == 0);
  h.Apply(Skp(2026, {{"I1", 1}}));
  CHECK(h.totals.Get(Month(Kpi::kRealisasiReporting, "A1", 2026, 3)) == 1);
  h.Apply(Evidence(2026, 3, "I1", "e1"));  // a set: the same evidence twice counts once
  h.Apply(Evidence(2026, 3, "I2", "e2"));
  CHECK(h.totals.Get(Month(Kpi::kRealisasiWithEvidence, "A1", 2026, 3)) == 2);
  CHECK(
      h.state.years.at(2026).months.at(ToMonthIndex(2026, 3)).indicators.at("I1").evidence.size() ==
      1);
}

TEST_CASE("feedback month follows the employee's time zone at the moment it is applied") {
  Harness h;
  // 2026-03-31T17:30:00Z: 00:30 on 1 April in WIB (+7), 2026-03-31 in UTC.
  const int64_t t = DaysFromCivil(2026, 3, 31) * 86400 + 17 * 3600 + 30 * 60;
  h.Apply(Feedback(t, 0));  // no master data: the written offset (Z) decides: March
  CHECK(h.state.years.at(2026).months.at(ToMonthIndex(2026, 3)).feedback == 1);
  h.Apply(Upsert("A1"));    // Asia/Jakarta
  h.Apply(Feedback(t, 0));  // now WIB decides: April
  CHECK(h.totals.Get(Month(Kpi::kFeedbackGiven, "A1", 2026, 3)) == 1);
  CHECK(h.totals.Get(Month(Kpi::kFeedbackGiven, "A1", 2026, 4)) == 1);
  CHECK(h.totals.Get(Month(Kpi::kFeedbackEmployees, "A1", 2026, 4)) == 1);
  h.Apply(Feedback(t + 60, 420));
  CHECK(h.totals.Get(Month(Kpi::kFeedbackGiven, "A1", 2026, 4)) == 2);
  CHECK(h.totals.Get(Month(Kpi::kFeedbackEmployees, "A1", 2026, 4)) == 1);
}

TEST_CASE("predikat matrix and talent boxes") {
  struct Cell {
    Expectation hasil, perilaku;
    Predikat predikat;
  };
  // docs/kpis.md, written out cell by cell.
  const Cell cells[] = {
      {kAtas, kAtas, Predikat::kSangatBaik},      {kAtas, kSesuai, Predikat::kBaik},
      {kAtas, kBawah, Predikat::kKurang},         {kSesuai, kAtas, Predikat::kBaik},
      {kSesuai, kSesuai, Predikat::kBaik},        {kSesuai, kBawah, Predikat::kKurang},
      {kBawah, kAtas, Predikat::kButuhPerbaikan}, {kBawah, kSesuai, Predikat::kButuhPerbaikan},
      {kBawah, kBawah, Predikat::kSangatKurang},
  };
  for (const Cell& c : cells) CHECK(PredikatOf(c.hasil, c.perilaku) == c.predikat);
  CHECK(TalentBox(Potential::kRendah, kBawah) == 1);
  CHECK(TalentBox(Potential::kRendah, kSesuai) == 2);
  CHECK(TalentBox(Potential::kRendah, kAtas) == 4);
  CHECK(TalentBox(Potential::kMenengah, kBawah) == 3);
  CHECK(TalentBox(Potential::kMenengah, kSesuai) == 5);
  CHECK(TalentBox(Potential::kMenengah, kAtas) == 7);
  CHECK(TalentBox(Potential::kTinggi, kBawah) == 6);
  CHECK(TalentBox(Potential::kTinggi, kSesuai) == 8);
  CHECK(TalentBox(Potential::kTinggi, kAtas) == 9);

  Harness h;
  h.Apply(Upsert("A1"));
  h.Apply(Rate({false, 2026}, kAtas, kSesuai));  // annual: baik; no potential yet: no box
  const KpiKey baik{Kpi::kPredikatYear, static_cast<uint8_t>(Predikat::kBaik), 2026, "A1"};
  CHECK(h.totals.Get(baik) == 1);
  CHECK(h.totals.size() == 2);  // employees + predikat
  h.Apply(Make(PotentialAssessed{2026, Potential::kTinggi}));
  CHECK(h.totals.Get({Kpi::kTalentBox, 9, 2026, "A1"}) == 1);
  h.Apply(Rate({false, 2026}, kSesuai, kBawah));  // latest replaces: kurang, box 8
  CHECK(h.totals.Get(baik) == 0);
  CHECK(h.totals.Get({Kpi::kPredikatYear, static_cast<uint8_t>(Predikat::kKurang), 2026, "A1"}) ==
        1);
  CHECK(h.totals.Get({Kpi::kTalentBox, 8, 2026, "A1"}) == 1);
  CHECK(h.totals.Get({Kpi::kTalentBox, 9, 2026, "A1"}) == 0);
  h.Apply(Rate({true, ToMonthIndex(2026, 3)}, kBawah, kBawah));  // periodic, its own period
  CHECK(h.totals.Get({Kpi::kPredikatMonth, static_cast<uint8_t>(Predikat::kSangatKurang),
                      ToMonthIndex(2026, 3), "A1"}) == 1);
  CHECK(h.totals.Get({Kpi::kPredikatYear, static_cast<uint8_t>(Predikat::kKurang), 2026, "A1"}) ==
        1);
}

TEST_CASE("achievement limbs represent a double exactly and sums render to full precision") {
  // 0.5 is bit 2^-1: limb 1 (weights 2^-1 .. 2^-32) holds 2^31.
  auto half = AchievementLimbs(0.5);
  REQUIRE(half.size() == 1);
  CHECK(half[0].limb == 1);
  CHECK(half[0].value == (int64_t{1} << 31));
  auto one = AchievementLimbs(1.0);
  REQUIRE(one.size() == 1);
  CHECK(one[0].limb == 0);
  CHECK(one[0].value == 1);
  CHECK(AchievementLimbs(0.0).empty());
  // 2^-40 + 2^-33: both bits in limb 2 (weights 2^-33 .. 2^-64), which holds
  // floor(a * 2^64) mod 2^32 = 2^(64-40) + 2^(64-33) = 2^24 + 2^31.
  auto two_bits = AchievementLimbs(std::ldexp(1.0, -40) + std::ldexp(1.0, -33));
  REQUIRE(two_bits.size() == 1);
  CHECK(two_bits[0].limb == 2);
  CHECK(two_bits[0].value == (int64_t{1} << 24) + (int64_t{1} << 31));
  // Round trip of assorted values, from typical to the smallest double, and of their sum.
  std::array<int64_t, kAchievementLimbs> total{};
  long double exact = 0;
  for (double a :
       {1.0 / 3, 0.999999999999, 2.0 / 3, 6.666666666666667e-14, 1e-19, 4.9406564584124654e-324}) {
    std::array<int64_t, kAchievementLimbs> limbs{};
    for (const auto& l : AchievementLimbs(a)) {
      CHECK(l.value > 0);
      CHECK(l.value < (int64_t{1} << 32));
      limbs[l.limb] += l.value;
      total[l.limb] += l.value;
    }
    CHECK(AchievementFromLimbs(limbs) == a);  // exact: every bit of the double is kept
    exact += a;
  }
  CHECK(AchievementFromLimbs(total) == static_cast<double>(exact));
  // Subtracting what was added leaves exactly nothing (no drift).
  for (double a :
       {1.0 / 3, 0.999999999999, 2.0 / 3, 6.666666666666667e-14, 1e-19, 4.9406564584124654e-324}) {
    for (const auto& l : AchievementLimbs(a)) total[l.limb] -= l.value;
  }
  CHECK(total == std::array<int64_t, kAchievementLimbs>{});
}

TEST_CASE("years needed: one year per event - every year only for a move between agencies") {
  EmployeeState s;
  CHECK_FALSE(YearsNeededBy(Upsert("A1"), s).all);  // nothing stored yet
  KpiTable d;
  Apply(Upsert("A1"), s, &d);
  Apply(Training("X", {2025, 5, 1}, 10), s, &d);
  CHECK(YearsNeededBy(Upsert("A1"), s).all == false);  // same agency and status
  CHECK(YearsNeededBy(Upsert("A2"), s).all);
  CHECK(YearsNeededBy(Upsert("A1", false), s).all);
  CHECK(YearsNeededBy(Realisasi(2027, 1, "I", 1), s).year == 2027);
  CHECK(YearsNeededBy(Rate({false, 2024}, kAtas, kAtas), s).year == 2024);
  // Feedback at 2026-12-31T17:30:00Z is 2027 in WIB (the employee's tz), 2026 in the offset.
  const int64_t t = DaysFromCivil(2026, 12, 31) * 86400 + 17 * 3600 + 30 * 60;
  CHECK(YearsNeededBy(Feedback(t, 0), s).year == 2027);
  CHECK(YearsNeededBy(Feedback(t, 0), EmployeeState{}).year == 2026);
}

TEST_CASE("random events of all types: the incremental counters equal the whole contribution") {
  // The Harness checks, after every event, that the sum of deltas equals the contribution
  // recomputed from the whole state: any facet that forgets to subtract or add shows up.
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::string agencies[] = {"A1", "A2"};
  const std::string ids[] = {"I1", "I2", "I3"};
  const Expectation ex[] = {kAtas, kSesuai, kBawah};
  for (int round = 0; round < 20; ++round) {
    Harness h;
    for (int i = 0; i < 200; ++i) {
      const int year = 2025 + pick(2);
      const int month = 1 + pick(12);
      switch (pick(10)) {
        case 0:
          h.Apply(Upsert(agencies[pick(2)], pick(4) != 0));
          break;
        case 1:
          h.Apply(Skp(year, {{"I1", 1 + pick(10)}, {"I2", 0.5 + pick(3)}}));
          break;
        case 2:
          h.Apply(Realisasi(year, month, ids[pick(3)], pick(6) * 0.75));
          break;
        case 3:
          h.Apply(Evidence(year, month, ids[pick(3)], "e" + std::to_string(pick(3))));
          break;
        case 4:
          h.Apply(Feedback(DaysFromCivil(year, month, 1) * 86400 - 3600 * pick(10), 60 * pick(10)));
          break;
        case 5:
          h.Apply(Rate({true, ToMonthIndex(year, month)}, ex[pick(3)], ex[pick(3)]));
          break;
        case 6:
          h.Apply(Rate({false, year}, ex[pick(3)], ex[pick(3)]));
          break;
        case 7:
          h.Apply(
              Make(PotentialAssessed{static_cast<int16_t>(year), static_cast<Potential>(pick(3))}));
          break;
        case 8:
          h.Apply(Training("C" + std::to_string(pick(3)), {static_cast<int16_t>(year), 6, 1},
                           1 + pick(600)));
          break;
        case 9:
          h.Apply(Activity({static_cast<int16_t>(year), static_cast<int8_t>(month), 2},
                           1 + pick(300), pick(2) ? kAdmin : kSubst));
          break;
      }
    }
    CHECK(h.state.known);
  }
}
