// One scenario per KPI rule of docs/kpis.md and docs/events.md, through the in-memory pipeline and
// the rendered public series. Every expected value is worked out by hand in the comments.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <map>
#include <memory>

#include "ingest/memory.h"
#include "kpi_series.h"
#include "pipeline/pipeline.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::pipeline;
using kinerja::testing::Ev;
using kinerja::testing::Key;
using kinerja::testing::Labels;
using kinerja::testing::SeriesMap;

namespace {

const std::string kN1 = "198609262015051001";
const std::string kN2 = "199001012015052002";
const std::string kN3 = "197512312000011003";
const std::string kN4 = "196001011985032004";
const std::string kN5 = "200012312022012005";
const std::string kN6 = "198202282010011006";
const std::string kN7 = "198402292012022007";

// A valid NIP per number: born 1985-01-01, appointed 2010-01, male, sequence `i`.
std::string NipOf(int i) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03d", i);
  return std::string("198501012010011") + buf;
}

// A Kafka timestamp (ms), 2026-12-31T06:13:20Z; every event of a test is near it. Its month
// (December 2026, in WIT) bounds the events' dates (docs/events.md, "Dates in the future").
constexpr int64_t kT0 = 1'798'697'600'000;
constexpr int64_t kDayMs = 24 * 3600 * 1000;

struct CountingProbe : NullProbe {
  BatchCounts totals;
  void BatchCommitted(const BatchCounts& c, double, int64_t) override {
    for (size_t t = 0; t < c.events.size(); ++t)
      for (size_t o = 0; o < kOutcomeCount; ++o) totals.events[t][o] += c.events[t][o];
  }
  uint64_t Count(EventType t, Outcome o) const {
    return totals.events[static_cast<size_t>(t)][static_cast<size_t>(o)];
  }
};

// The in-memory pipeline with a log that survives restarts: Restart() destroys the Pipeline and
// starts a new one over the same store, with the whole log offered again from offset 0.
class Kinerja {
 public:
  explicit Kinerja(bool restart_after_every_event = false)
      : restart_always_(restart_after_every_event) {
    Start();
  }

  // Publishes one message keyed by `nip` and processes everything pending.
  void Send(const std::string& nip, const std::string& json, int64_t timestamp_ms = kT0) {
    const auto p = static_cast<int32_t>(std::hash<std::string>{}(nip) % kPartitions);
    log_.push_back({p, {nip, json, timestamp_ms}});
    src_->Append(p, log_.back().second);
    if (restart_always_) {
      Restart();
    } else {
      Drain();
    }
  }

  void Restart() {
    pipe_.reset();
    src_ = std::make_unique<ingest::MemorySource>(kPartitions);
    for (const auto& [p, record] : log_) src_->Append(p, record);
    Start();
  }

  SeriesMap Kpis(int window_months = 13) const {
    return testing::RenderedKpis(*pipe_, window_months);
  }

  // The value of one series, or -1 when it is not rendered (every KPI value is >= 0).
  double At(const std::string& name, Labels labels, int window_months = 13) const {
    const SeriesMap all = Kpis(window_months);
    auto it = all.find(Key(name, std::move(labels)));
    return it == all.end() ? -1 : it->second;
  }

  // How many series of `name` are rendered.
  size_t CountSeries(const std::string& name, int window_months = 13) const {
    size_t n = 0;
    for (const auto& [key, _] : Kpis(window_months)) n += key.first == name;
    return n;
  }

  const CountingProbe& probe() const { return probe_; }
  const ingest::MemoryDeadLetters& dlq() const { return dlq_; }

 private:
  static constexpr int32_t kPartitions = 2;

  void Start() {
    pipe_ = std::make_unique<Pipeline>(PipelineOptions{}, src_.get(), &dlq_, store_.get(), &probe_);
    Drain();
  }
  void Drain() {
    bool idle = false;
    for (int i = 0; i < 1000 && !idle; ++i) REQUIRE(pipe_->RunOnce(&idle).ok());
    REQUIRE(idle);
  }

  bool restart_always_;
  std::vector<std::pair<int32_t, ingest::MemorySource::Record>> log_;
  std::unique_ptr<storage::StateStore> store_ = storage::NewMemoryStateStore();
  ingest::MemoryDeadLetters dlq_;
  CountingProbe probe_;
  std::unique_ptr<ingest::MemorySource> src_ = std::make_unique<ingest::MemorySource>(kPartitions);
  std::unique_ptr<Pipeline> pipe_;  // declared last: destroyed before the source it listens to
};

// Builds an expected series map by hand.
struct Expected {
  SeriesMap map;
  void Set(const std::string& name, Labels labels, double value) {
    map[Key(name, std::move(labels))] = value;
  }
};

// Compares everything rendered with the expected map (the `*_sum` gauges within 1e-6 relative).
#define CHECK_SERIES(kinerja, expected)                                              \
  do {                                                                               \
    const std::string diff_ = testing::DiffSeries((kinerja).Kpis(), (expected).map); \
    INFO(diff_);                                                                     \
    CHECK(diff_.empty());                                                            \
  } while (false)

// One employee's full profile: every event type once (master data sent separately).
void SendProfile(Kinerja& k, const std::string& nip, const std::string& p) {
  k.Send(nip, Ev::Skp(p + "skp", nip, 2026, {{"I1", 10}, {"I2", 5}}));
  k.Send(nip, Ev::Realisasi(p + "r1", nip, "2026-02", "I1", 10));
  k.Send(nip, Ev::Realisasi(p + "r2", nip, "2026-03", "I2", 2));
  k.Send(nip, Ev::Evidence(p + "v1", nip, "2026-03", "I2", "E1"));
  k.Send(nip, Ev::Feedback(p + "f1", nip, "2026-03-10T10:00:00+07:00"));
  k.Send(nip, Ev::Rating(p + "g1", nip, "2026", "sesuai", "sesuai"));
  k.Send(nip, Ev::Rating(p + "g2", nip, "2026-03", "di_atas", "di_atas"));
  k.Send(nip, Ev::Potential(p + "p1", nip, 2026, "menengah"));
  k.Send(nip, Ev::Training(p + "t1", nip, "C1", "2026-02-10", 900));
  k.Send(nip, Ev::Activity(p + "a1", nip, "2026-03-02", 100, "administrative"));
  k.Send(nip, Ev::Activity(p + "a2", nip, "2026-03-03", 20, "substantive"));
}

// What that profile contributes to agency `a` when the employee is the agency's only one.
Expected ProfileSeries(const std::string& a) {
  Expected e;
  e.Set("kinerja_employees", {{"agency", a}}, 1);
  e.Set("kinerja_skp_employees", {{"agency", a}, {"year", "2026"}}, 1);
  // R_I1 = 10 >= 10 -> 1; R_I2 = 2 -> 2/5 = 0.4; (1 + 0.4) / 2 = 0.7; not every target met.
  e.Set("kinerja_skp_achievement", {{"agency", a}, {"year", "2026"}}, 0.7);
  e.Set("kinerja_realisasi_reports", {{"agency", a}, {"month", "2026-02"}}, 1);
  e.Set("kinerja_realisasi_reports", {{"agency", a}, {"month", "2026-03"}}, 1);
  e.Set("kinerja_realisasi_reporting_employees", {{"agency", a}, {"month", "2026-02"}}, 1);
  e.Set("kinerja_realisasi_reporting_employees", {{"agency", a}, {"month", "2026-03"}}, 1);
  e.Set("kinerja_realisasi_reports_with_evidence", {{"agency", a}, {"month", "2026-03"}}, 1);
  e.Set("kinerja_feedback_employees", {{"agency", a}, {"month", "2026-03"}}, 1);
  e.Set("kinerja_feedback_given", {{"agency", a}, {"month", "2026-03"}}, 1);
  // sesuai/sesuai -> baik; di_atas/di_atas -> sangat_baik.
  e.Set("kinerja_predikat_employees", {{"agency", a}, {"period", "2026"}, {"predikat", "baik"}}, 1);
  e.Set("kinerja_predikat_employees",
        {{"agency", a}, {"period", "2026-03"}, {"predikat", "sangat_baik"}}, 1);
  // potential menengah x hasil sesuai -> box 5.
  e.Set("kinerja_talent_box_employees", {{"agency", a}, {"year", "2026"}, {"box", "5"}}, 1);
  // 900 min / 45 = 20 JP -> ge20.
  e.Set("kinerja_training_jp", {{"agency", a}, {"year", "2026"}}, 20);
  e.Set("kinerja_training_employees", {{"agency", a}, {"year", "2026"}, {"jp_band", "0"}}, 0);
  e.Set("kinerja_training_employees", {{"agency", a}, {"year", "2026"}, {"jp_band", "lt10"}}, 0);
  e.Set("kinerja_training_employees", {{"agency", a}, {"year", "2026"}, {"jp_band", "10to20"}}, 0);
  e.Set("kinerja_training_employees", {{"agency", a}, {"year", "2026"}, {"jp_band", "ge20"}}, 1);
  e.Set("kinerja_activity_seconds",
        {{"agency", a}, {"month", "2026-03"}, {"category", "administrative"}}, 100 * 60);
  e.Set("kinerja_activity_seconds",
        {{"agency", a}, {"month", "2026-03"}, {"category", "substantive"}}, 20 * 60);
  // 100 > 120 / 2.
  e.Set("kinerja_admin_heavy_employees", {{"agency", a}, {"month", "2026-03"}}, 1);
  e.Set("kinerja_employees_without_master_data", {}, 0);
  return e;
}

Labels AY(const std::string& a, const std::string& y) { return {{"agency", a}, {"year", y}}; }
Labels AM(const std::string& a, const std::string& m) { return {{"agency", a}, {"month", m}}; }

}  // namespace

TEST_CASE("an SKP revision replaces the previous SKP of the year") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  k.Send(kN1, Ev::Skp("s1", kN1, 2026, {{"I1", 10}, {"I2", 4}}));
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2026-01", "I1", 6));
  k.Send(kN1, Ev::Realisasi("r2", kN1, "2026-02", "I1", 4));
  k.Send(kN1, Ev::Realisasi("r3", kN1, "2026-01", "I2", 2));
  // R_I1 = 6 + 4 = 10 -> 1; R_I2 = 2 -> 2/4 = 0.5; achievement (1 + 0.5) / 2 = 0.75; I2 short.
  CHECK(k.At("kinerja_skp_employees", AY("A1", "2026")) == 1);
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(0.75).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == -1);

  // Revision: I1 target 20, I3 target 1 (I2 leaves the SKP). R_I1 = 10 -> 0.5; R_I3 = 0 -> 0;
  // achievement (0.5 + 0) / 2 = 0.25. Still one employee with an SKP.
  k.Send(kN1, Ev::Skp("s2", kN1, 2026, {{"I1", 20}, {"I3", 1}}));
  CHECK(k.At("kinerja_skp_employees", AY("A1", "2026")) == 1);
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(0.25).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == -1);

  // Revision: I1 target 5, I2 target 2. R_I1 = 10 >= 5 -> 1; R_I2 = 2 >= 2 -> 1; achievement 1,
  // every target met.
  k.Send(kN1, Ev::Skp("s3", kN1, 2026, {{"I1", 5}, {"I2", 2, "tambahan"}}));
  CHECK(k.At("kinerja_skp_employees", AY("A1", "2026")) == 1);
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(1.0).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == 1);

  // An SKP for 2025 is another year: 2026 is untouched. No realisasi in 2025: achievement 0, so
  // the sum series (non-zero only) is absent while the employee counts.
  k.Send(kN1, Ev::Skp("s4", kN1, 2025, {{"I1", 1}}));
  CHECK(k.At("kinerja_skp_employees", AY("A1", "2025")) == 1);
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2025")) == -1);
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(1.0).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == 1);
  // Realisasi of an indicator that left the SKP still count as reports: I1 and I2 in January.
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-01")) == 2);
}

TEST_CASE("a realisasi correction replaces the month and R sums the latest monthly values") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  k.Send(kN1, Ev::Skp("s1", kN1, 2026, {{"I1", 12}, {"I2", 8}}));
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2026-01", "I1", 5));
  k.Send(kN1, Ev::Realisasi("r2", kN1, "2026-02", "I1", 4));
  k.Send(kN1, Ev::Realisasi("r3", kN1, "2026-03", "I1", 2));
  k.Send(kN1, Ev::Realisasi("r4", kN1, "2026-01", "I2", 10));
  k.Send(kN1, Ev::Realisasi("r5", kN1, "2025-12", "I1", 100));  // another year: not in R_I1 of 2026
  k.Send(kN1, Ev::Realisasi("r6", kN1, "2026-03", "I9", 50));   // not in the SKP
  // R_I1 = 5 + 4 + 2 = 11 -> 11/12; R_I2 = 10 -> min(10/8, 1) = 1 (capped, not 1.25);
  // achievement (11/12 + 1) / 2 = 23/24 = 0.958333...
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(23.0 / 24.0).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == -1);
  // Reports are (employee, indicator) pairs: January I1 + I2 = 2; February I1 = 1; March I1 + I9
  // = 2 (I9 counts as a report); December 2025 I1 = 1.
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-01")) == 2);
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-02")) == 1);
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-03")) == 2);
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2025-12")) == 1);
  CHECK(k.At("kinerja_realisasi_reporting_employees", AM("A1", "2026-03")) == 1);
  // No SKP for 2025: reporting in December 2025 does not make a reporting employee.
  CHECK(k.At("kinerja_realisasi_reporting_employees", AM("A1", "2025-12")) == -1);

  // Correction of February I1: 4 -> 6. R_I1 = 5 + 6 + 2 = 13 >= 12 -> 1; achievement 1; met.
  k.Send(kN1, Ev::Realisasi("r7", kN1, "2026-02", "I1", 6));
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(1.0).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == 1);
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-02")) == 1);  // replaced, not added

  // Correction of February I1 again: 6 -> 1. R_I1 = 5 + 1 + 2 = 8 -> 8/12 = 2/3;
  // achievement (2/3 + 1) / 2 = 5/6 = 0.833333...; no longer met.
  k.Send(kN1, Ev::Realisasi("r8", kN1, "2026-02", "I1", 1));
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(5.0 / 6.0).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == -1);

  // A correction to 0 is still a report.
  k.Send(kN1, Ev::Realisasi("r9", kN1, "2026-03", "I9", 0));
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-03")) == 2);
  CHECK(k.At("kinerja_skp_employees", AY("A1", "2026")) == 1);
}

TEST_CASE("targets are met exactly at the target with R summed afresh") {
  Kinerja k;
  // N1: 4 + 6 = 10 = target 10: met, achievement 1.
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  k.Send(kN1, Ev::Skp("s1", kN1, 2026, {{"I1", 10}}));
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2026-01", "I1", 4));
  k.Send(kN1, Ev::Realisasi("r2", kN1, "2026-02", "I1", 6));
  // N2: 0.2 in January, 0.5 in February corrected to 0.1: R = 0.2 + 0.1 = 0.3 = target 0.3.
  // (In doubles 0.2 + 0.1 = 0.30000000000000004 >= 0.3; a running total that adds and subtracts
  // deltas gets ((0.2 + 0.5) - 0.5) + 0.1 = 0.29999999999999993 < 0.3 and would flicker.)
  k.Send(kN2, Ev::Upsert("u2", kN2, "A1"));
  k.Send(kN2, Ev::Skp("s2", kN2, 2026, {{"I1", 0.3}}));
  k.Send(kN2, Ev::Realisasi("r3", kN2, "2026-01", "I1", 0.2));
  k.Send(kN2, Ev::Realisasi("r4", kN2, "2026-02", "I1", 0.5));
  k.Send(kN2, Ev::Realisasi("r5", kN2, "2026-02", "I1", 0.1));
  // N3: 9.5 of 10: not met, achievement 0.95.
  k.Send(kN3, Ev::Upsert("u3", kN3, "A1"));
  k.Send(kN3, Ev::Skp("s3", kN3, 2026, {{"I1", 10}}));
  k.Send(kN3, Ev::Realisasi("r6", kN3, "2026-03", "I1", 9.5));
  CHECK(k.At("kinerja_skp_employees", AY("A1", "2026")) == 3);
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == 2);
  // 1 + 1 + 0.95 = 2.95.
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(2.95).epsilon(1e-6));
}

TEST_CASE("extreme but valid numbers keep each achievement between 0 and 1") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  // 1.5e308 twice: R = 3e308 (beyond a double, but the true sum) >= 1e300: met, achievement 1.
  // A target of 5e-324 (> 0) with nothing reported: 0 / 5e-324 = 0, not met.
  k.Send(kN1, Ev::Skp("s1", kN1, 2026, {{"I1", 1e300}, {"I2", 5e-324}}));
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2026-01", "I1", 1.5e308));
  k.Send(kN1, Ev::Realisasi("r2", kN1, "2026-02", "I1", 1.5e308));
  // Achievement (1 + 0) / 2 = 0.5.
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(0.5).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == -1);
  // Now I2 gets 1e-300 >= 5e-324: every target met, achievement 1.
  k.Send(kN1, Ev::Realisasi("r3", kN1, "2026-03", "I2", 1e-300));
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) == Approx(1.0).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2026")) == 1);
}

TEST_CASE("the achievement sum stays within 1e-6 relative even for tiny achievements") {
  Kinerja k;
  // A budget indicator of 15 trillion rupiah with 1 rupiah realised: achievement
  // 1 / 1.5e13 = 6.666...e-14, the only employee of A1. docs/kpis.md allows 1e-6 relative.
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  k.Send(kN1, Ev::Skp("s1", kN1, 2026, {{"I1", 1.5e13}}));
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2026-01", "I1", 1));
  // Shown as the ratio rendered / exact, which must be 1 within 1e-6.
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2026")) * 1.5e13 == Approx(1.0).epsilon(1e-6));
  // 1 of a target of 1e19: achievement 1e-19, not zero, so the sum series is present.
  k.Send(kN2, Ev::Upsert("u2", kN2, "A2"));
  k.Send(kN2, Ev::Skp("s2", kN2, 2026, {{"I1", 1e19}}));
  k.Send(kN2, Ev::Realisasi("r2", kN2, "2026-01", "I1", 1));
  const double tiny = k.At("kinerja_skp_achievement", AY("A2", "2026"));
  CHECK(tiny > 0);
  CHECK(tiny * 1e19 == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("evidence is a set per indicator and month and counts only beside a realisasi") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  k.Send(kN1, Ev::Skp("s1", kN1, 2026, {{"I1", 10}, {"I2", 10}, {"I3", 10}}));
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2026-03", "I1", 1));
  k.Send(kN1, Ev::Realisasi("r2", kN1, "2026-03", "I2", 1));
  k.Send(kN1, Ev::Evidence("v1", kN1, "2026-03", "I1", "E1"));
  k.Send(kN1, Ev::Evidence("v2", kN1, "2026-03", "I1", "E1"));  // the same evidence again
  k.Send(kN1, Ev::Evidence("v3", kN1, "2026-03", "I1", "E2"));
  k.Send(kN1, Ev::Evidence("v4", kN1, "2026-03", "I3", "E9"));  // no realisasi for I3 (yet)
  k.Send(kN1, Ev::Evidence("v5", kN1, "2026-02", "I2", "E5"));  // another month than I2's realisasi
  // March: pairs (N1,I1), (N1,I2) = 2 reports; with evidence only (N1,I1) = 1 (E1, E2 are one
  // pair). February: no realisasi, so nothing (evidence alone is not a report).
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-03")) == 2);
  CHECK(k.At("kinerja_realisasi_reports_with_evidence", AM("A1", "2026-03")) == 1);
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-02")) == -1);
  CHECK(k.At("kinerja_realisasi_reports_with_evidence", AM("A1", "2026-02")) == -1);

  // The realisasi for I3 arrives after its evidence: 3 reports, 2 with evidence.
  k.Send(kN1, Ev::Realisasi("r3", kN1, "2026-03", "I3", 0));
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-03")) == 3);
  CHECK(k.At("kinerja_realisasi_reports_with_evidence", AM("A1", "2026-03")) == 2);
  // February I2 now has a realisasi beside its evidence.
  k.Send(kN1, Ev::Realisasi("r4", kN1, "2026-02", "I2", 2));
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-02")) == 1);
  CHECK(k.At("kinerja_realisasi_reports_with_evidence", AM("A1", "2026-02")) == 1);

  // Another employee with the same evidence id: another pair. March: 4 reports, 3 with evidence.
  k.Send(kN2, Ev::Upsert("u2", kN2, "A1"));
  k.Send(kN2, Ev::Realisasi("r5", kN2, "2026-03", "I1", 1));
  k.Send(kN2, Ev::Evidence("v6", kN2, "2026-03", "I1", "E1"));
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-03")) == 4);
  CHECK(k.At("kinerja_realisasi_reports_with_evidence", AM("A1", "2026-03")) == 3);
  // N2 has no SKP: a report but not a reporting employee. March: only N1.
  CHECK(k.At("kinerja_realisasi_reporting_employees", AM("A1", "2026-03")) == 1);
}

TEST_CASE("reporting employees need an SKP for the year of the month") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  k.Send(kN2, Ev::Upsert("u2", kN2, "A1"));
  k.Send(kN1, Ev::Skp("s1", kN1, 2026, {{"I1", 10}}));
  k.Send(kN2, Ev::Skp("s2", kN2, 2025, {{"I1", 10}}));
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2026-02", "I1", 1));
  k.Send(kN2, Ev::Realisasi("r2", kN2, "2026-02", "I1", 1));
  k.Send(kN2, Ev::Realisasi("r3", kN2, "2025-12", "I1", 3));
  k.Send(kN1, Ev::Realisasi("r4", kN1, "2025-11", "I1", 3));
  // February 2026: N1 (SKP 2026) counts, N2 (SKP 2025 only) does not; both are reports.
  CHECK(k.At("kinerja_realisasi_reporting_employees", AM("A1", "2026-02")) == 1);
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-02")) == 2);
  // December 2025: N2 has the 2025 SKP.
  CHECK(k.At("kinerja_realisasi_reporting_employees", AM("A1", "2025-12")) == 1);
  // November 2025: N1 has no 2025 SKP: a report, no reporting employee.
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2025-11")) == 1);
  CHECK(k.At("kinerja_realisasi_reporting_employees", AM("A1", "2025-11")) == -1);
  // N2's SKP for 2026 arrives late: February 2026 now has both.
  k.Send(kN2, Ev::Skp("s3", kN2, 2026, {{"I7", 1}}));
  CHECK(k.At("kinerja_realisasi_reporting_employees", AM("A1", "2026-02")) == 2);
}

TEST_CASE("the feedback month is the local month in the employee's time zone") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "JKT", "active", "Asia/Jakarta"));    // UTC+7
  k.Send(kN2, Ev::Upsert("u2", kN2, "PNK", "active", "Asia/Pontianak"));  // UTC+7
  k.Send(kN3, Ev::Upsert("u3", kN3, "MKS", "active", "Asia/Makassar"));   // UTC+8
  k.Send(kN4, Ev::Upsert("u4", kN4, "JYP", "active", "Asia/Jayapura"));   // UTC+9
  // The same five instants for everyone; the offset they are written in does not matter.
  //   T1 2026-04-01T00:30:00+08:00 = 2026-03-31T16:30Z: +7 23:30 Mar 31 | +8 00:30 Apr 1 | +9 01:30
  //   Apr 1 T2 2026-03-31T22:00:00+07:00 = 2026-03-31T15:00Z: +7 22:00 Mar 31 | +8 23:00 Mar 31 |
  //   +9 00:00 Apr 1 T3 2026-03-31T16:59:59Z:                           +7 23:59:59 Mar | +8
  //   00:59:59 Apr | +9 01:59:59 Apr T4 2026-04-01T00:00:00+07:00 = 2026-03-31T17:00Z: +7 00:00 Apr
  //   1 | +8 01:00 Apr 1 | +9 02:00 Apr 1 T5 2025-12-31T16:30:00Z:                           +7
  //   23:30 Dec 31 2025 | +8 00:30 Jan 1 2026 | +9 01:30 Jan 1
  const std::vector<std::string> times = {"2026-04-01T00:30:00+08:00", "2026-03-31T22:00:00+07:00",
                                          "2026-03-31T16:59:59Z", "2026-04-01T00:00:00+07:00",
                                          "2025-12-31T16:30:00Z"};
  for (const std::string& nip : {kN1, kN2, kN3, kN4}) {
    for (size_t i = 0; i < times.size(); ++i)
      k.Send(nip, Ev::Feedback("f" + std::to_string(i), nip, times[i]));
  }
  // +7 (JKT, PNK): March T1 T2 T3 = 3, April T4 = 1, December 2025 T5 = 1.
  for (const std::string a : {"JKT", "PNK"}) {
    CHECK(k.At("kinerja_feedback_given", AM(a, "2026-03")) == 3);
    CHECK(k.At("kinerja_feedback_given", AM(a, "2026-04")) == 1);
    CHECK(k.At("kinerja_feedback_given", AM(a, "2025-12")) == 1);
    CHECK(k.At("kinerja_feedback_given", AM(a, "2026-01")) == -1);
    CHECK(k.At("kinerja_feedback_employees", AM(a, "2026-03")) == 1);
    CHECK(k.At("kinerja_feedback_employees", AM(a, "2026-04")) == 1);
  }
  // +8 (MKS): March T2 = 1, April T1 T3 T4 = 3, January 2026 T5 = 1.
  CHECK(k.At("kinerja_feedback_given", AM("MKS", "2026-03")) == 1);
  CHECK(k.At("kinerja_feedback_given", AM("MKS", "2026-04")) == 3);
  CHECK(k.At("kinerja_feedback_given", AM("MKS", "2026-01")) == 1);
  CHECK(k.At("kinerja_feedback_given", AM("MKS", "2025-12")) == -1);
  // +9 (JYP): April T1 T2 T3 T4 = 4, January 2026 T5 = 1, nothing in March.
  CHECK(k.At("kinerja_feedback_given", AM("JYP", "2026-04")) == 4);
  CHECK(k.At("kinerja_feedback_given", AM("JYP", "2026-01")) == 1);
  CHECK(k.At("kinerja_feedback_given", AM("JYP", "2026-03")) == -1);
  CHECK(k.At("kinerja_feedback_employees", AM("JYP", "2026-04")) == 1);
  CHECK(k.At("kinerja_feedback_employees", AM("JYP", "2026-03")) == -1);
  CHECK(k.CountSeries("kinerja_feedback_given") == 3 + 3 + 3 + 2);
}

TEST_CASE("a time-zone change decides the month of feedback applied after it only") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1", "active", "Asia/Makassar"));
  // 2026-03-31T16:30Z in +8: 00:30 April 1.
  k.Send(kN1, Ev::Feedback("f1", kN1, "2026-03-31T16:30:00Z"));
  CHECK(k.At("kinerja_feedback_given", AM("A1", "2026-04")) == 1);
  // Same agency, now Asia/Jakarta: the same instant in +7 is 23:30 March 31.
  k.Send(kN1, Ev::Upsert("u2", kN1, "A1", "active", "Asia/Jakarta"));
  k.Send(kN1, Ev::Feedback("f2", kN1, "2026-03-31T16:30:00Z"));
  CHECK(k.At("kinerja_feedback_given", AM("A1", "2026-03")) == 1);
  CHECK(k.At("kinerja_feedback_given", AM("A1", "2026-04")) == 1);  // f1 stays in April
  // Now Asia/Jayapura: 2026-03-31T15:00Z in +9 is 00:00 April 1. f2 stays in March.
  k.Send(kN1, Ev::Upsert("u3", kN1, "A1", "active", "Asia/Jayapura"));
  k.Send(kN1, Ev::Feedback("f3", kN1, "2026-03-31T22:00:00+07:00"));
  CHECK(k.At("kinerja_feedback_given", AM("A1", "2026-03")) == 1);
  CHECK(k.At("kinerja_feedback_given", AM("A1", "2026-04")) == 2);
  CHECK(k.At("kinerja_feedback_employees", AM("A1", "2026-03")) == 1);
  CHECK(k.At("kinerja_feedback_employees", AM("A1", "2026-04")) == 1);
}

TEST_CASE("feedback without master data takes its month from the offset written in time") {
  Kinerja k;
  // All five are the same instant 2026-03-31T16:30Z, except f5 (2026-04-01T01:30Z).
  k.Send(kN1, Ev::Feedback("f1", kN1, "2026-03-31T23:30:00+07:00"));  // March (as written)
  k.Send(kN1, Ev::Feedback("f2", kN1, "2026-04-01T00:30:00+08:00"));  // April
  k.Send(kN1, Ev::Feedback("f3", kN1, "2026-03-31T16:30:00Z"));       // March
  k.Send(kN1, Ev::Feedback("f4", kN1, "2026-04-01T01:30:00+09:00"));  // April
  k.Send(kN1, Ev::Feedback("f5", kN1, "2026-03-31T20:30:00-05:00"));  // March (April in UTC)
  // Without master data: only the data-quality gauge.
  Expected before;
  before.Set("kinerja_employees_without_master_data", {}, 1);
  CHECK_SERIES(k, before);
  // Master data in Asia/Jayapura arrives: the months already decided stay (in +9 all five would
  // be April): March f1 f3 f5 = 3, April f2 f4 = 2.
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1", "active", "Asia/Jayapura"));
  Expected after;
  after.Set("kinerja_employees", {{"agency", "A1"}}, 1);
  after.Set("kinerja_feedback_given", AM("A1", "2026-03"), 3);
  after.Set("kinerja_feedback_given", AM("A1", "2026-04"), 2);
  after.Set("kinerja_feedback_employees", AM("A1", "2026-03"), 1);
  after.Set("kinerja_feedback_employees", AM("A1", "2026-04"), 1);
  after.Set("kinerja_employees_without_master_data", {}, 0);
  CHECK_SERIES(k, after);
}

TEST_CASE("predikat follows the hasil and perilaku matrix in every cell by period") {
  // The matrix of docs/kpis.md, cell by cell: hasil, perilaku, predikat.
  const std::vector<std::array<std::string, 3>> cells = {
      {"di_atas", "di_atas", "sangat_baik"},
      {"di_atas", "sesuai", "baik"},
      {"di_atas", "di_bawah", "kurang"},
      {"sesuai", "di_atas", "baik"},
      {"sesuai", "sesuai", "baik"},
      {"sesuai", "di_bawah", "kurang"},
      {"di_bawah", "di_atas", "butuh_perbaikan"},
      {"di_bawah", "sesuai", "butuh_perbaikan"},
      {"di_bawah", "di_bawah", "sangat_kurang"},
  };
  Kinerja k;
  Expected e;
  // Employee i, alone in agency Pi: annual 2026 rating in cell i, March 2026 rating in cell 8-i.
  for (int i = 0; i < 9; ++i) {
    const std::string nip = NipOf(i + 1), a = "P" + std::to_string(i + 1);
    const auto& annual = cells[static_cast<size_t>(i)];
    const auto& monthly = cells[static_cast<size_t>(8 - i)];
    k.Send(nip, Ev::Upsert("u", nip, a));
    k.Send(nip, Ev::Rating("g1", nip, "2026", annual[0], annual[1]));
    k.Send(nip, Ev::Rating("g2", nip, "2026-03", monthly[0], monthly[1]));
    e.Set("kinerja_employees", {{"agency", a}}, 1);
    e.Set("kinerja_predikat_employees",
          {{"agency", a}, {"period", "2026"}, {"predikat", annual[2]}}, 1);
    e.Set("kinerja_predikat_employees",
          {{"agency", a}, {"period", "2026-03"}, {"predikat", monthly[2]}}, 1);
  }
  e.Set("kinerja_employees_without_master_data", {}, 0);
  CHECK_SERIES(k, e);

  // The latest rating for a period replaces: employee 1's 2026 goes sangat_baik -> sangat_kurang
  // and March 2026 (sangat_kurang) -> baik (sesuai/sesuai).
  k.Send(NipOf(1), Ev::Rating("g3", NipOf(1), "2026", "di_bawah", "di_bawah"));
  k.Send(NipOf(1), Ev::Rating("g4", NipOf(1), "2026-03", "sesuai", "sesuai"));
  // Another period is another series: April 2026 kurang (di_atas/di_bawah), 2025 baik.
  k.Send(NipOf(1), Ev::Rating("g5", NipOf(1), "2026-04", "di_atas", "di_bawah"));
  k.Send(NipOf(1), Ev::Rating("g6", NipOf(1), "2025", "di_atas", "sesuai"));
  auto pred = [](const std::string& period, const std::string& predikat) {
    return Labels{{"agency", "P1"}, {"period", period}, {"predikat", predikat}};
  };
  CHECK(k.At("kinerja_predikat_employees", pred("2026", "sangat_baik")) == -1);
  CHECK(k.At("kinerja_predikat_employees", pred("2026", "sangat_kurang")) == 1);
  CHECK(k.At("kinerja_predikat_employees", pred("2026-03", "sangat_kurang")) == -1);
  CHECK(k.At("kinerja_predikat_employees", pred("2026-03", "baik")) == 1);
  CHECK(k.At("kinerja_predikat_employees", pred("2026-04", "kurang")) == 1);
  CHECK(k.At("kinerja_predikat_employees", pred("2025", "baik")) == 1);
  CHECK(k.CountSeries("kinerja_predikat_employees") == 9 * 2 + 2);
}

TEST_CASE("the talent box follows the potential and hasil matrix and needs both for the year") {
  // The 9-box of docs/kpis.md: potential, hasil, box.
  const std::vector<std::array<std::string, 3>> boxes = {
      {"rendah", "di_bawah", "1"},   {"rendah", "sesuai", "2"},   {"rendah", "di_atas", "4"},
      {"menengah", "di_bawah", "3"}, {"menengah", "sesuai", "5"}, {"menengah", "di_atas", "7"},
      {"tinggi", "di_bawah", "6"},   {"tinggi", "sesuai", "8"},   {"tinggi", "di_atas", "9"},
  };
  // Predikat of (hasil, perilaku sesuai): di_bawah -> butuh_perbaikan, sesuai and di_atas -> baik.
  const std::map<std::string, std::string> predikat = {
      {"di_bawah", "butuh_perbaikan"}, {"sesuai", "baik"}, {"di_atas", "baik"}};
  Kinerja k;
  Expected e;
  for (int i = 0; i < 9; ++i) {
    const std::string nip = NipOf(i + 1), a = "T" + std::to_string(i + 1);
    const auto& b = boxes[static_cast<size_t>(i)];
    k.Send(nip, Ev::Upsert("u", nip, a));
    k.Send(nip, Ev::Potential("p", nip, 2026, b[0]));
    k.Send(nip, Ev::Rating("g", nip, "2026", b[1], "sesuai"));
    e.Set("kinerja_employees", {{"agency", a}}, 1);
    e.Set("kinerja_predikat_employees",
          {{"agency", a}, {"period", "2026"}, {"predikat", predikat.at(b[1])}}, 1);
    e.Set("kinerja_talent_box_employees", {{"agency", a}, {"year", "2026"}, {"box", b[2]}}, 1);
  }
  e.Set("kinerja_employees_without_master_data", {}, 0);
  CHECK_SERIES(k, e);

  auto box = [](const std::string& a, const std::string& y, const std::string& b) {
    return Labels{{"agency", a}, {"year", y}, {"box", b}};
  };
  // Employee 10 in T1: potential 2026 but only a monthly rating: no box.
  k.Send(NipOf(10), Ev::Upsert("u", NipOf(10), "T1"));
  k.Send(NipOf(10), Ev::Potential("p", NipOf(10), 2026, "tinggi"));
  k.Send(NipOf(10), Ev::Rating("g", NipOf(10), "2026-06", "di_atas", "di_atas"));
  // Employee 11 in T1: annual 2026 rating but a 2025 potential: no box (either year).
  k.Send(NipOf(11), Ev::Upsert("u", NipOf(11), "T1"));
  k.Send(NipOf(11), Ev::Rating("g", NipOf(11), "2026", "di_atas", "sesuai"));
  k.Send(NipOf(11), Ev::Potential("p", NipOf(11), 2025, "tinggi"));
  CHECK(k.CountSeries("kinerja_talent_box_employees") == 9);
  CHECK(k.At("kinerja_talent_box_employees", box("T1", "2026", "1")) == 1);
  // Employee 11's 2026 potential arrives: rendah x di_atas -> box 4.
  k.Send(NipOf(11), Ev::Potential("p2", NipOf(11), 2026, "rendah"));
  CHECK(k.At("kinerja_talent_box_employees", box("T1", "2026", "4")) == 1);
  // The latest potential replaces: employee 1 (rendah, di_bawah: box 1) becomes tinggi -> box 6.
  k.Send(NipOf(1), Ev::Potential("p2", NipOf(1), 2026, "tinggi"));
  CHECK(k.At("kinerja_talent_box_employees", box("T1", "2026", "1")) == -1);
  CHECK(k.At("kinerja_talent_box_employees", box("T1", "2026", "6")) == 1);
  // The latest annual rating replaces: employee 1 now di_atas -> tinggi x di_atas = box 9.
  k.Send(NipOf(1), Ev::Rating("g2", NipOf(1), "2026", "di_atas", "di_bawah"));
  CHECK(k.At("kinerja_talent_box_employees", box("T1", "2026", "6")) == -1);
  CHECK(k.At("kinerja_talent_box_employees", box("T1", "2026", "9")) == 1);
  CHECK(k.CountSeries("kinerja_talent_box_employees") == 10);
}

TEST_CASE("JP bands are decided on whole minutes at 450 and 900 and replacements move bands") {
  Kinerja k;
  for (const std::string& nip : {kN1, kN2, kN3, kN4, kN5, kN6})
    k.Send(nip, Ev::Upsert("u", nip, "A1"));
  k.Send(kN7, Ev::Upsert("u", kN7, "A2"));                        // A2: no training at all
  k.Send(kN1, Ev::Training("t1", kN1, "C1", "2026-02-10", 449));  // 449: lt10
  k.Send(kN2, Ev::Training("t1", kN2, "C1", "2026-02-10", 450));  // 450 = 10 JP: 10to20
  k.Send(kN3, Ev::Training("t1", kN3, "C1", "2026-02-10", 400));  // 400 + 499 = 899: 10to20
  k.Send(kN3, Ev::Training("t2", kN3, "C2", "2026-03-10", 499));
  k.Send(kN4, Ev::Training("t1", kN4, "C1", "2026-02-10", 450));  // 450 + 450 = 900 = 20 JP: ge20
  k.Send(kN4, Ev::Training("t2", kN4, "C2", "2026-03-01", 450));
  k.Send(kN6, Ev::Training("t1", kN6, "C1", "2025-08-01", 300));  // 2025 only
  auto band = [](const std::string& y, const std::string& b) {
    return Labels{{"agency", "A1"}, {"year", y}, {"jp_band", b}};
  };
  // 2026: 449 + 450 + 899 + 900 = 2698 min / 45 = 59.9555... JP. Bands: 0 = N5, N6 = 2;
  // lt10 = N1; 10to20 = N2, N3; ge20 = N4; 2 + 1 + 2 + 1 = 6 employees.
  CHECK(k.At("kinerja_training_jp", AY("A1", "2026")) == Approx(2698.0 / 45.0).epsilon(1e-6));
  CHECK(k.At("kinerja_training_employees", band("2026", "0")) == 2);
  CHECK(k.At("kinerja_training_employees", band("2026", "lt10")) == 1);
  CHECK(k.At("kinerja_training_employees", band("2026", "10to20")) == 2);
  CHECK(k.At("kinerja_training_employees", band("2026", "ge20")) == 1);
  // 2025: 300 / 45 = 6.666... JP; N6 lt10, the other 5 band 0; empty bands shown as 0.
  CHECK(k.At("kinerja_training_jp", AY("A1", "2025")) == Approx(300.0 / 45.0).epsilon(1e-6));
  CHECK(k.At("kinerja_training_employees", band("2025", "0")) == 5);
  CHECK(k.At("kinerja_training_employees", band("2025", "lt10")) == 1);
  CHECK(k.At("kinerja_training_employees", band("2025", "10to20")) == 0);
  CHECK(k.At("kinerja_training_employees", band("2025", "ge20")) == 0);
  // A2 has no training record: no band series and no JP sum.
  CHECK(k.At("kinerja_training_employees",
             {{"agency", "A2"}, {"year", "2026"}, {"jp_band", "0"}}) == -1);
  CHECK(k.At("kinerja_training_jp", AY("A2", "2026")) == -1);
  CHECK(k.CountSeries("kinerja_training_employees") == 8);

  // N4 corrects (C2, 2026-03-01) to 449: 450 + 449 = 899 -> 10to20; 2697 / 45 JP.
  k.Send(kN4, Ev::Training("t3", kN4, "C2", "2026-03-01", 449));
  CHECK(k.At("kinerja_training_jp", AY("A1", "2026")) == Approx(2697.0 / 45.0).epsilon(1e-6));
  CHECK(k.At("kinerja_training_employees", band("2026", "10to20")) == 3);
  CHECK(k.At("kinerja_training_employees", band("2026", "ge20")) == 0);
  // The same course on another date is another record: N1 449 + 1 = 450 -> 10to20; 2698 / 45.
  k.Send(kN1, Ev::Training("t2", kN1, "C1", "2026-09-01", 1));
  CHECK(k.At("kinerja_training_jp", AY("A1", "2026")) == Approx(2698.0 / 45.0).epsilon(1e-6));
  CHECK(k.At("kinerja_training_employees", band("2026", "lt10")) == 0);
  CHECK(k.At("kinerja_training_employees", band("2026", "10to20")) == 4);
  CHECK(k.At("kinerja_training_employees", band("2026", "0")) == 2);
}

TEST_CASE("admin-heavy means strictly more than half of the month's minutes administrative") {
  Kinerja k;
  for (const std::string& nip : {kN1, kN2, kN3, kN4}) k.Send(nip, Ev::Upsert("u", nip, "A1"));
  k.Send(kN1,
         Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"));  // 60 of 120: exactly half
  k.Send(kN1, Ev::Activity("a2", kN1, "2026-03-03", 60, "substantive"));
  k.Send(kN2, Ev::Activity("a1", kN2, "2026-03-02", 61, "administrative"));  // 61 of 121: heavy
  k.Send(kN2, Ev::Activity("a2", kN2, "2026-03-31", 60, "substantive"));
  k.Send(kN3, Ev::Activity("a1", kN3, "2026-03-01", 30, "administrative"));  // 30 of 30: heavy
  k.Send(kN4, Ev::Activity("a1", kN4, "2026-03-05", 45, "substantive"));     // 0 of 45
  k.Send(kN4, Ev::Activity("a2", kN4, "2026-02-05", 30, "substantive"));     // February: 0 of 30
  // March: administrative 60 + 61 + 30 = 151; substantive 60 + 60 + 45 = 165; heavy N2, N3 = 2.
  const Labels admin = {{"agency", "A1"}, {"month", "2026-03"}, {"category", "administrative"}};
  CHECK(k.At("kinerja_activity_seconds", admin) == 151 * 60);
  CHECK(k.At("kinerja_activity_seconds",
             {{"agency", "A1"}, {"month", "2026-03"}, {"category", "substantive"}}) == 165 * 60);
  CHECK(k.At("kinerja_admin_heavy_employees", AM("A1", "2026-03")) == 2);
  // February: substantive 30 only; zero administrative minutes and no heavy employee: absent.
  CHECK(k.At("kinerja_activity_seconds",
             {{"agency", "A1"}, {"month", "2026-02"}, {"category", "substantive"}}) == 30 * 60);
  CHECK(k.At("kinerja_activity_seconds",
             {{"agency", "A1"}, {"month", "2026-02"}, {"category", "administrative"}}) == -1);
  CHECK(k.At("kinerja_admin_heavy_employees", AM("A1", "2026-02")) == -1);
  // Activity is additive: one more administrative minute makes N1 61 of 121: heavy.
  k.Send(kN1, Ev::Activity("a3", kN1, "2026-03-04", 1, "administrative"));
  CHECK(k.At("kinerja_activity_seconds", admin) == 152 * 60);
  CHECK(k.At("kinerja_admin_heavy_employees", AM("A1", "2026-03")) == 3);
}

TEST_CASE("dedup skips a repeated source and id whatever the content - and nothing else") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  k.Send(kN2, Ev::Upsert("u1", kN2, "A1"));
  k.Send(kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative", "S1"));  // applied
  k.Send(kN1, Ev::Activity("a1", kN1, "2026-03-02", 300, "substantive", "S1"));    // duplicate
  k.Send(kN1, Ev::Realisasi("a1", kN1, "2026-03", "I1", 7, "S1"));  // duplicate (another type)
  k.Send(kN1, Ev::Activity("a1", kN1, "2026-03-02", 15, "administrative",
                           "S2"));  // another source: applied
  k.Send(kN1, Ev::Activity("a2", kN1, "2026-03-02", 0, "administrative",
                           "S1"));  // invalid: dead-lettered
  k.Send(kN1, Ev::Activity("a2", kN1, "2026-03-02", 20, "administrative",
                           "S1"));  // the id was not taken
  k.Send(kN1, Ev::Activity("a2", kN1, "2026-03-02", 20, "administrative", "S1"));  // duplicate
  k.Send(kN2, Ev::Activity("a1", kN2, "2026-03-02", 5, "administrative",
                           "S1"));  // another employee: applied
  k.Send(kN1, Ev::Activity("a1", kN1, "2026-03-02", 1441, "administrative",
                           "S1"));  // invalid: dead-lettered, not a duplicate
  // Administrative: 60 + 15 + 20 + 5 = 100; nothing substantive, no realisasi.
  CHECK(k.At("kinerja_activity_seconds",
             {{"agency", "A1"}, {"month", "2026-03"}, {"category", "administrative"}}) == 100 * 60);
  CHECK(k.At("kinerja_activity_seconds",
             {{"agency", "A1"}, {"month", "2026-03"}, {"category", "substantive"}}) == -1);
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2026-03")) == -1);
  CHECK(k.probe().Count(EventType::kActivityLogged, Outcome::kApplied) == 4);
  CHECK(k.probe().Count(EventType::kActivityLogged, Outcome::kDuplicate) == 2);
  CHECK(k.probe().Count(EventType::kActivityLogged, Outcome::kDeadLettered) == 2);
  CHECK(k.probe().Count(EventType::kRealisasiReported, Outcome::kDuplicate) == 1);
  REQUIRE(k.dlq().entries().size() == 2);
  CHECK(k.dlq().entries()[0].reason == "invalid_data");
  CHECK(k.dlq().entries()[1].reason == "invalid_data");
}

TEST_CASE("dedup covers the 7-day window of Kafka timestamps and no longer") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"), kT0);
  k.Send(kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"), kT0);
  k.Send(kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"),
         kT0 + 6 * kDayMs);  // within: duplicate
  const Labels admin = {{"agency", "A1"}, {"month", "2026-03"}, {"category", "administrative"}};
  CHECK(k.At("kinerja_activity_seconds", admin) == 60 * 60);
  // 8 days after the applied copy the id is no longer remembered: applied again (60 + 60).
  k.Send(kN1, Ev::Activity("a1", kN1, "2026-03-02", 60, "administrative"), kT0 + 8 * kDayMs);
  CHECK(k.At("kinerja_activity_seconds", admin) == 120 * 60);
  CHECK(k.probe().Count(EventType::kActivityLogged, Outcome::kDuplicate) == 1);
}

TEST_CASE("late events are applied to their period however late and state keeps old months") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  k.Send(kN1, Ev::Skp("s1", kN1, 2025, {{"I1", 10}}));
  k.Send(kN1,
         Ev::Activity("a1", kN1, "2026-03-02", 30, "administrative"));  // newest month: 2026-03
  // The window is 2025-03 .. 2026-03. A realisasi for January 2025 arrives late.
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2025-01", "I1", 10));
  // Yearly series are not windowed: SKP 2025 R = 10 >= 10 -> achievement 1, met.
  CHECK(k.At("kinerja_skp_achievement", AY("A1", "2025")) == Approx(1.0).epsilon(1e-6));
  CHECK(k.At("kinerja_skp_targets_met_employees", AY("A1", "2025")) == 1);
  // Its month is outside the window: not exported...
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2025-01")) == -1);
  k.Send(kN1, Ev::Activity("a2", kN1, "2025-02-03", 50, "administrative"));
  k.Send(kN1, Ev::Rating("g1", kN1, "2024-12", "sesuai", "sesuai"));
  CHECK(k.At("kinerja_activity_seconds",
             {{"agency", "A1"}, {"month", "2025-02"}, {"category", "administrative"}}) == -1);
  // ...but kept in state: a 16-month window (2024-12 .. 2026-03) shows all of them.
  CHECK(k.At("kinerja_realisasi_reports", AM("A1", "2025-01"), 16) == 1);
  CHECK(k.At("kinerja_realisasi_reporting_employees", AM("A1", "2025-01"), 16) == 1);
  CHECK(k.At("kinerja_activity_seconds",
             {{"agency", "A1"}, {"month", "2025-02"}, {"category", "administrative"}},
             16) == 50 * 60);
  CHECK(k.At("kinerja_predikat_employees",
             {{"agency", "A1"}, {"period", "2024-12"}, {"predikat", "baik"}}, 16) == 1);
  CHECK(k.At("kinerja_predikat_employees",
             {{"agency", "A1"}, {"period", "2024-12"}, {"predikat", "baik"}}) == -1);
  // Late events never move the window back: 2026-03 is still the newest month.
  CHECK(k.At("kinerja_activity_seconds",
             {{"agency", "A1"}, {"month", "2026-03"}, {"category", "administrative"}}) == 30 * 60);
  // Late but inside the window: counted in its month.
  k.Send(kN1, Ev::Feedback("f1", kN1, "2026-01-15T10:00:00+07:00"));
  CHECK(k.At("kinerja_feedback_given", AM("A1", "2026-01")) == 1);
  // Very late yearly data is exported: annual 2024 rating (di_atas/di_atas: sangat_baik) and
  // training in 2024 (60 min / 45 = 1.333... JP: lt10; the other bands 0).
  k.Send(kN1, Ev::Rating("g2", kN1, "2024", "di_atas", "di_atas"));
  k.Send(kN1, Ev::Training("t1", kN1, "C1", "2024-05-05", 60));
  CHECK(k.At("kinerja_predikat_employees",
             {{"agency", "A1"}, {"period", "2024"}, {"predikat", "sangat_baik"}}) == 1);
  CHECK(k.At("kinerja_training_jp", AY("A1", "2024")) == Approx(60.0 / 45.0).epsilon(1e-6));
  CHECK(k.At("kinerja_training_employees",
             {{"agency", "A1"}, {"year", "2024"}, {"jp_band", "lt10"}}) == 1);
  CHECK(k.At("kinerja_training_employees",
             {{"agency", "A1"}, {"year", "2024"}, {"jp_band", "0"}}) == 0);
}

TEST_CASE("employees without master data count only as such until master data arrives") {
  Kinerja k;
  SendProfile(k, kN1, "p-");
  Expected before;
  before.Set("kinerja_employees_without_master_data", {}, 1);
  CHECK_SERIES(k, before);
  // Master data arrives: everything counts at once.
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  CHECK_SERIES(k, ProfileSeries("A1"));
}

TEST_CASE("a transfer moves every contribution to the new agency") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  SendProfile(k, kN1, "p-");
  // N2 stays in A1: 10 substantive minutes in March, no training.
  k.Send(kN2, Ev::Upsert("u2", kN2, "A1"));
  k.Send(kN2, Ev::Activity("a1", kN2, "2026-03-05", 10, "substantive"));
  Expected both = ProfileSeries("A1");
  both.Set("kinerja_employees", {{"agency", "A1"}}, 2);
  // N2 has no training record in 2026: band 0 = 2 employees - 1 trained = 1.
  both.Set("kinerja_training_employees", {{"agency", "A1"}, {"year", "2026"}, {"jp_band", "0"}}, 1);
  // 20 + 10; N2 is not admin-heavy (0 of 10).
  both.Set("kinerja_activity_seconds",
           {{"agency", "A1"}, {"month", "2026-03"}, {"category", "substantive"}}, 30 * 60);
  CHECK_SERIES(k, both);

  // N1 moves to A2 mid-year: all of N1's series move; A1 keeps N2's only.
  k.Send(kN1, Ev::Upsert("u3", kN1, "A2"));
  Expected moved = ProfileSeries("A2");
  moved.Set("kinerja_employees", {{"agency", "A1"}}, 1);
  moved.Set("kinerja_activity_seconds",
            {{"agency", "A1"}, {"month", "2026-03"}, {"category", "substantive"}}, 10 * 60);
  CHECK_SERIES(k, moved);

  // Events after the transfer count in A2 too: April realisasi of I1 (R_I1 = 10 + 5 = 15, still
  // capped at 1: the achievement stays 0.7).
  k.Send(kN1, Ev::Realisasi("r9", kN1, "2026-04", "I1", 5));
  moved.Set("kinerja_realisasi_reports", AM("A2", "2026-04"), 1);
  moved.Set("kinerja_realisasi_reporting_employees", AM("A2", "2026-04"), 1);
  CHECK_SERIES(k, moved);
}

TEST_CASE(
    "after a restart a transfer moves every year and feedback lands in the year of the employee's "
    "zone") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1", "active", "Asia/Jayapura"));
  k.Send(kN1, Ev::Training("t1", kN1, "C1", "2024-05-05", 90));
  k.Send(kN1, Ev::Activity("a1", kN1, "2025-12-30", 40, "administrative"));
  k.Send(kN1, Ev::Skp("s1", kN1, 2025, {{"I1", 4}}));
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2025-06", "I1", 2));
  k.Send(kN1, Ev::Rating("g1", kN1, "2025", "di_atas", "sesuai"));
  k.Send(kN1, Ev::Potential("p1", kN1, 2025, "tinggi"));
  k.Restart();  // nothing of the employee is in memory any more
  // 2025-12-31T22:30+07:00 = 15:30Z = 00:30 January 1 2026 in Asia/Jayapura (+9).
  k.Send(kN1, Ev::Feedback("f1", kN1, "2025-12-31T22:30:00+07:00"));
  k.Restart();
  k.Send(kN1, Ev::Upsert("u2", kN1, "A2", "active", "Asia/Jayapura"));
  Expected e;
  e.Set("kinerja_employees", {{"agency", "A2"}}, 1);
  // 2024: 90 min / 45 = 2 JP, lt10; the only employee, so band 0 is 0.
  e.Set("kinerja_training_jp", AY("A2", "2024"), 2);
  e.Set("kinerja_training_employees", {{"agency", "A2"}, {"year", "2024"}, {"jp_band", "0"}}, 0);
  e.Set("kinerja_training_employees", {{"agency", "A2"}, {"year", "2024"}, {"jp_band", "lt10"}}, 1);
  e.Set("kinerja_training_employees", {{"agency", "A2"}, {"year", "2024"}, {"jp_band", "10to20"}},
        0);
  e.Set("kinerja_training_employees", {{"agency", "A2"}, {"year", "2024"}, {"jp_band", "ge20"}}, 0);
  // December 2025: 40 administrative minutes of 40: heavy.
  e.Set("kinerja_activity_seconds",
        {{"agency", "A2"}, {"month", "2025-12"}, {"category", "administrative"}}, 40 * 60);
  e.Set("kinerja_admin_heavy_employees", AM("A2", "2025-12"), 1);
  // SKP 2025: R_I1 = 2 of 4 -> 0.5.
  e.Set("kinerja_skp_employees", AY("A2", "2025"), 1);
  e.Set("kinerja_skp_achievement", AY("A2", "2025"), 0.5);
  e.Set("kinerja_realisasi_reports", AM("A2", "2025-06"), 1);
  e.Set("kinerja_realisasi_reporting_employees", AM("A2", "2025-06"), 1);
  // di_atas/sesuai -> baik; tinggi x di_atas -> box 9.
  e.Set("kinerja_predikat_employees", {{"agency", "A2"}, {"period", "2025"}, {"predikat", "baik"}},
        1);
  e.Set("kinerja_talent_box_employees", {{"agency", "A2"}, {"year", "2025"}, {"box", "9"}}, 1);
  // The feedback is in January 2026, the newest month: window 2025-01 .. 2026-01.
  e.Set("kinerja_feedback_given", AM("A2", "2026-01"), 1);
  e.Set("kinerja_feedback_employees", AM("A2", "2026-01"), 1);
  e.Set("kinerja_employees_without_master_data", {}, 0);
  CHECK_SERIES(k, e);
}

TEST_CASE("inactive removes an employee from every KPI and active restores them") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  SendProfile(k, kN1, "p-");
  k.Send(kN2, Ev::Upsert("u2", kN2, "A1"));
  k.Send(kN2, Ev::Activity("a1", kN2, "2026-03-05", 10, "substantive"));
  const SeriesMap active = k.Kpis();

  k.Send(kN1, Ev::Upsert("u3", kN1, "A1", "inactive"));
  // Only N2 is left; A1 no longer has anyone with training, so no band series either.
  Expected only_n2;
  only_n2.Set("kinerja_employees", {{"agency", "A1"}}, 1);
  only_n2.Set("kinerja_activity_seconds",
              {{"agency", "A1"}, {"month", "2026-03"}, {"category", "substantive"}}, 10 * 60);
  only_n2.Set("kinerja_employees_without_master_data", {}, 0);
  CHECK_SERIES(k, only_n2);
  // Events while inactive are kept, not counted.
  k.Send(kN1, Ev::Feedback("f9", kN1, "2026-03-20T10:00:00+07:00"));
  CHECK_SERIES(k, only_n2);

  // Active again: everything is back, plus the feedback received meanwhile (1 + 1 = 2).
  k.Send(kN1, Ev::Upsert("u4", kN1, "A1", "active"));
  Expected restored{active};
  restored.Set("kinerja_feedback_given", AM("A1", "2026-03"), 2);
  CHECK_SERIES(k, restored);

  // Inactive in another agency counts nowhere; active there moves everything there.
  k.Send(kN1, Ev::Upsert("u5", kN1, "A2", "inactive"));
  CHECK_SERIES(k, only_n2);
  k.Send(kN1, Ev::Upsert("u6", kN1, "A2", "active"));
  Expected in_a2 = ProfileSeries("A2");
  in_a2.Set("kinerja_feedback_given", AM("A2", "2026-03"), 2);
  in_a2.Set("kinerja_employees", {{"agency", "A1"}}, 1);
  in_a2.Set("kinerja_activity_seconds",
            {{"agency", "A1"}, {"month", "2026-03"}, {"category", "substantive"}}, 10 * 60);
  CHECK_SERIES(k, in_a2);
}

TEST_CASE("the 13-month window ends at the newest data month not at the wall clock") {
  Kinerja k;
  k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
  // 10 administrative minutes in every month 2020-01 .. 2021-06 (18 months, long ago).
  for (int i = 0; i < 18; ++i) {
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-15", 2020 + i / 12, i % 12 + 1);
    k.Send(kN1, Ev::Activity("a" + std::to_string(i), kN1, date, 10, "administrative"));
  }
  auto admin = [](const std::string& month) {
    return Labels{{"agency", "A1"}, {"month", month}, {"category", "administrative"}};
  };
  // Newest 2021-06: window 2020-06 .. 2021-06 = 13 months.
  CHECK(k.CountSeries("kinerja_activity_seconds") == 13);
  CHECK(k.CountSeries("kinerja_admin_heavy_employees") == 13);
  CHECK(k.At("kinerja_activity_seconds", admin("2020-05")) == -1);
  CHECK(k.At("kinerja_activity_seconds", admin("2020-06")) == 10 * 60);
  CHECK(k.At("kinerja_activity_seconds", admin("2021-06")) == 10 * 60);

  // Yearly plans, however far ahead, do not move the window (SKP and potential years may lie
  // ahead; a training date or an annual rating in a later year than the message is refused:
  // "Dates in the future").
  k.Send(kN1, Ev::Skp("s1", kN1, 2030, {{"I1", 1}}));
  k.Send(kN1, Ev::Potential("p1", kN1, 2030, "tinggi"));
  k.Send(kN1, Ev::Training("t1", kN1, "C1", "2030-05-05", 60));
  k.Send(kN1, Ev::Rating("g1", kN1, "2030", "sesuai", "sesuai"));
  CHECK(k.probe().Count(EventType::kTrainingCompleted, Outcome::kDeadLettered) == 1);
  CHECK(k.probe().Count(EventType::kRatingAssigned, Outcome::kDeadLettered) == 1);
  // Neither does a duplicate (a0 again, with a later date) nor a rejected event.
  k.Send(kN1, Ev::Activity("a0", kN1, "2022-01-01", 10, "administrative"));
  k.Send(kN1, Ev::Activity("bad", kN1, "2022-02-01", 0, "administrative"));
  CHECK(k.CountSeries("kinerja_activity_seconds") == 13);
  CHECK(k.At("kinerja_activity_seconds", admin("2020-06")) == 10 * 60);
  CHECK(k.At("kinerja_skp_employees", {{"agency", "A1"}, {"year", "2030"}}) == 1);

  // Evidence for 2021-08 (no realisasi): newest 2021-08, window 2020-08 .. 2021-08; activity
  // months left: 2020-08 .. 2021-06 = 11.
  k.Send(kN1, Ev::Evidence("v1", kN1, "2021-08", "I1", "E1"));
  CHECK(k.CountSeries("kinerja_activity_seconds") == 11);
  CHECK(k.At("kinerja_activity_seconds", admin("2020-07")) == -1);
  CHECK(k.At("kinerja_activity_seconds", admin("2020-08")) == 10 * 60);
  // A monthly rating for 2021-10: window 2020-10 .. 2021-10; 9 activity months.
  k.Send(kN1, Ev::Rating("g2", kN1, "2021-10", "sesuai", "sesuai"));
  CHECK(k.CountSeries("kinerja_activity_seconds") == 9);
  CHECK(k.At("kinerja_predikat_employees",
             {{"agency", "A1"}, {"period", "2021-10"}, {"predikat", "baik"}}) == 1);
  // A realisasi for 2021-11: window 2020-11 .. 2021-11; 8 activity months.
  k.Send(kN1, Ev::Realisasi("r1", kN1, "2021-11", "I1", 1));
  CHECK(k.CountSeries("kinerja_activity_seconds") == 8);
  // Feedback at 2021-12-31T17:30Z is 00:30 January 1 2022 in Asia/Jakarta (December in UTC):
  // window 2021-01 .. 2022-01; activity months 2021-01 .. 2021-06 = 6.
  k.Send(kN1, Ev::Feedback("f1", kN1, "2021-12-31T17:30:00Z"));
  CHECK(k.CountSeries("kinerja_activity_seconds") == 6);
  CHECK(k.At("kinerja_activity_seconds", admin("2020-12")) == -1);
  CHECK(k.At("kinerja_feedback_given", AM("A1", "2022-01")) == 1);
  // The data month of any applied event counts, even of an employee without master data:
  // 2022-03 -> window 2021-03 .. 2022-03; activity months 2021-03 .. 2021-06 = 4.
  k.Send(kN2, Ev::Activity("x1", kN2, "2022-03-01", 5, "substantive"));
  CHECK(k.CountSeries("kinerja_activity_seconds") == 4);
  CHECK(k.At("kinerja_activity_seconds", admin("2021-02")) == -1);
  CHECK(k.At("kinerja_activity_seconds", admin("2021-03")) == 10 * 60);
  CHECK(k.At("kinerja_employees_without_master_data", {}) == 1);
}

TEST_CASE("restarts after every event give the same series as one uninterrupted run") {
  // The profile plus corrections and retries, worked out as ProfileSeries: the corrections end on
  // the profile's values and every retry is a duplicate.
  auto run = [](Kinerja& k) {
    k.Send(kN1, Ev::Upsert("u1", kN1, "A1"));
    SendProfile(k, kN1, "p-");
    k.Send(kN1, Ev::Realisasi("p-r1", kN1, "2026-02", "I1", 10));  // retry: duplicate
    k.Send(kN1, Ev::Realisasi("c1", kN1, "2026-03", "I2", 4));     // correction...
    k.Send(kN1, Ev::Realisasi("c2", kN1, "2026-03", "I2", 2));     // ...and back to 2
    k.Send(kN1, Ev::Activity("p-a1", kN1, "2026-03-02", 100, "administrative"));  // retry
    k.Send(kN1,
           Ev::Training("c3", kN1, "C1", "2026-02-10", 900));  // replacement with the same minutes
    k.Send(kN1, Ev::Feedback("p-f1", kN1, "2026-03-10T10:00:00+07:00"));  // retry
    k.Send(kN1, "{\"broken\":");                                          // dead-lettered
  };
  Kinerja once;
  run(once);
  CHECK_SERIES(once, ProfileSeries("A1"));
  Kinerja restarted(/*restart_after_every_event=*/true);
  run(restarted);
  CHECK_SERIES(restarted, ProfileSeries("A1"));
  CHECK(restarted.probe().Count(EventType::kFeedbackGiven, Outcome::kDuplicate) == 1);
  CHECK(restarted.probe().Count(EventType::kRealisasiReported, Outcome::kApplied) == 4);
}
