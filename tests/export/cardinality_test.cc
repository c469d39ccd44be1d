// The cardinality budget of docs/kpis.md at full national scale, for every gauge of the catalogue:
// 602 agencies with two years of data in which every series that can exist does exist, month
// series for 24 months (far more than the 13-month window). The number of rendered series must
// equal the maximum worked out by hand, which proves the window and presence rules, and stay
// within 250,000.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "export/kpi_view.h"
#include "export/metrics.h"
#include "processors/employee.h"

using namespace kinerja;

namespace {

constexpr Expectation kAtas = Expectation::kDiAtas, kSesuai = Expectation::kSesuai,
                      kBawah = Expectation::kDiBawah;

// Series of MetricsProbe's registry per family after `agencies` agencies each applied events,
// sent events without master data and had every kind of dead letter, with `partitions` owned.
std::map<std::string, size_t> HealthSeries(int agencies, int32_t partitions) {
  prometheus::Registry registry;
  exporter::MetricsProbe probe(registry);
  pipeline::BatchCounts counts;
  for (int i = 0; i < agencies; ++i) {
    char code[16];
    std::snprintf(code, sizeof code, "AG%04d", i);
    pipeline::AgencyCounts& c = counts.agencies[code];
    c.applied = 3;
    c.without_master_data = 1;
    c.dead_letters.fill(1);
  }
  probe.BatchCommitted(counts, 0.01, 1700000000000);
  for (int32_t p = 0; p < partitions; ++p) probe.PartitionLag(p, 5);
  std::map<std::string, size_t> per_family;
  for (const auto& family : registry.Collect()) {
    for (const auto& metric : family.metric) {
      // A histogram is its buckets (with +Inf), _sum and _count.
      per_family[family.name] +=
          family.type == prometheus::MetricType::Histogram ? metric.histogram.bucket.size() + 2 : 1;
    }
  }
  return per_family;
}

}  // namespace

TEST_CASE(
    "every KPI series at national scale stays within the 250000 budget and equals the hand-worked "
    "maximum") {
  constexpr int kAgencies = 602;
  // Typed events straight into the public processors API (JSON decoding has its own tests and
  // would only slow this one down). Every employee's events are applied in order to their state;
  // the counters of all employees are summed, as the pipeline sums its partitions.
  processors::KpiTable counters;
  MonthIndex newest = processors::kNoMonth;
  auto apply = [&](processors::EmployeeState& state, EventType type, EventData data,
                   Instant time = Instant{1'770'000'000, 420}) {
    Event event{Envelope{"id", "AG", type, 0, time}, std::move(data)};
    newest = std::max(newest, processors::Apply(event, state, &counters).month);
  };
  // Nine employees per agency, E0 .. E8. Employee b holds talent box cell b every year:
  //   E0 rendah/di_bawah 1, E1 rendah/sesuai 2, E2 rendah/di_atas 4, E3 menengah/di_bawah 3,
  //   E4 menengah/sesuai 5, E5 menengah/di_atas 7, E6 tinggi/di_bawah 6, E7 tinggi/sesuai 8,
  //   E8 tinggi/di_atas 9.
  // The perilaku of the annual ratings gives all five predikat every year: E2 di_atas/di_atas
  // sangat_baik, E1 sesuai/sesuai baik, E5 di_atas/di_bawah kurang, E0 di_bawah/sesuai
  // butuh_perbaikan, E3 di_bawah/di_bawah sangat_kurang.
  const Potential potential[9] = {Potential::kRendah,   Potential::kRendah,   Potential::kRendah,
                                  Potential::kMenengah, Potential::kMenengah, Potential::kMenengah,
                                  Potential::kTinggi,   Potential::kTinggi,   Potential::kTinggi};
  const Expectation hasil[9] = {kBawah, kSesuai, kAtas,   kBawah, kSesuai,
                                kAtas,  kBawah,  kSesuai, kAtas};
  const Expectation perilaku[9] = {kSesuai, kSesuai, kAtas,   kBawah, kSesuai,
                                   kBawah,  kSesuai, kSesuai, kSesuai};
  // Monthly ratings of E0 .. E4 give all five predikat every month: sangat_baik, baik, kurang,
  // butuh_perbaikan, sangat_kurang.
  const Expectation monthly[5][2] = {
      {kAtas, kAtas}, {kSesuai, kSesuai}, {kAtas, kBawah}, {kBawah, kSesuai}, {kBawah, kBawah}};
  const MonthIndex first_month = ToMonthIndex(2025, 1);  // 24 months: 2025-01 .. 2026-12
  for (int a = 0; a < kAgencies; ++a) {
    char code[8];
    std::snprintf(code, sizeof code, "AG%03d", a);
    for (int e = 0; e < 9; ++e) {
      processors::EmployeeState state;
      apply(state, EventType::kEmployeeUpserted,
            EmployeeUpserted{code,
                             "Biro Umum",
                             TimeZone::kJakarta,
                             Position::kPelaksana,
                             Employment::kPns,
                             {},
                             true});
      for (int16_t year : {2025, 2026}) {
        apply(state, EventType::kPotentialAssessed, PotentialAssessed{year, potential[e]});
        apply(state, EventType::kRatingAssigned,
              RatingAssigned{{false, year}, hasil[e], perilaku[e], 0});
      }
      for (int m = 0; e < 5 && m < 24; ++m) {
        apply(state, EventType::kRatingAssigned,
              RatingAssigned{{true, first_month + m}, monthly[e][0], monthly[e][1], 0});
      }
      if (e > 0) continue;
      // E0 also has an SKP each year that it meets, reports with evidence, receives feedback,
      // logs administrative and substantive minutes (administrative-heavy) every month, and
      // trains every year.
      for (int16_t year : {2025, 2026}) {
        apply(state, EventType::kSkpApproved,
              SkpApproved{year, {{"I1", IndicatorKind::kUtama, 1.0, "dokumen"}}});
        apply(state, EventType::kTrainingCompleted,
              TrainingCompleted{"C1", Date{year, 3, 3}, 500, TrainingMode::kKlasikal});
      }
      for (int m = 0; m < 24; ++m) {
        const MonthIndex month = first_month + m;
        const auto year = static_cast<int16_t>(YearOf(month));
        const auto mon = static_cast<int8_t>(MonthOf(month));
        apply(state, EventType::kRealisasiReported, RealisasiReported{month, "I1", 1.0});
        apply(state, EventType::kEvidenceSubmitted, EvidenceSubmitted{month, "I1", "E1"});
        // 10:00 on the 15th in +07:00.
        apply(state, EventType::kFeedbackGiven, FeedbackGiven{0, CoreValue::kKompeten},
              Instant{DaysFromCivil(year, mon, 15) * 86400 + 3 * 3600, 420});
        apply(state, EventType::kActivityLogged,
              ActivityLogged{Date{year, mon, 16}, 60, ActivityCategory::kAdministrative});
        apply(state, EventType::kActivityLogged,
              ActivityLogged{Date{year, mon, 17}, 30, ActivityCategory::kSubstantive});
      }
    }
  }
  const auto series = exporter::RenderKpis(counters, newest, {13});

  std::map<std::string, size_t> per_name;
  std::set<std::string> months;
  for (const auto& s : series) {
    per_name[s.name]++;
    for (const auto& [label, value] : s.labels) {
      if (label == "month" || (label == "period" && value.size() == 7)) months.insert(value);
    }
  }
  // Per agency, with the window 2025-12 .. 2026-12 (13 months) and years 2025, 2026:
  //   employees 1; skp_employees, skp_achievement, skp_targets_met_employees 2 each;
  //   realisasi_reporting_employees, realisasi_reports, realisasi_reports_with_evidence,
  //   feedback_employees, feedback_given, admin_heavy_employees 13 each;
  //   activity_seconds 13 x 2 categories = 26; predikat 2 years x 5 + 13 months x 5 = 75;
  //   training_jp 2; training_employees 2 x 4 bands = 8; talent_box 2 x 9 = 18.
  //   1 + 3*2 + 6*13 + 26 + 75 + 2 + 8 + 18 = 214 per agency; 214 x 602 = 128,828; plus the one
  //   kinerja_employees_without_master_data = 128,829.
  const size_t a = kAgencies;
  auto text = [](const std::map<std::string, size_t>& counts) {  // readable when the check fails
    std::string out;
    for (const auto& [name, n] : counts) out += name + " " + std::to_string(n) + "\n";
    return out;
  };
  const std::map<std::string, size_t> expected = {
      {"kinerja_activity_seconds", 26 * a},
      {"kinerja_admin_heavy_employees", 13 * a},
      {"kinerja_employees", a},
      {"kinerja_employees_without_master_data", 1},
      {"kinerja_feedback_employees", 13 * a},
      {"kinerja_feedback_given", 13 * a},
      {"kinerja_predikat_employees", 75 * a},
      {"kinerja_realisasi_reporting_employees", 13 * a},
      {"kinerja_realisasi_reports", 13 * a},
      {"kinerja_realisasi_reports_with_evidence", 13 * a},
      {"kinerja_skp_achievement", 2 * a},
      {"kinerja_skp_employees", 2 * a},
      {"kinerja_skp_targets_met_employees", 2 * a},
      {"kinerja_talent_box_employees", 18 * a},
      {"kinerja_training_employees", 8 * a},
      {"kinerja_training_jp", 2 * a},
  };
  CHECK(text(per_name) == text(expected));
  CHECK(months.size() == 13);
  CHECK(*months.begin() == "2025-12");
  CHECK(*months.rbegin() == "2026-12");
  CHECK(series.size() == 128829);

  // The counters beside the gauges at the same scale: per agency 7 series (applied events,
  // events without master data, dead letters of the 5 reasons decided after the source is
  // read), and the pipeline's own health series for 64 owned partitions.
  const std::map<std::string, size_t> health = HealthSeries(kAgencies, 64);
  const std::map<std::string, size_t> expected_health = {
      {"kinerja_agency_dead_letters_total", 5 * a},
      {"kinerja_agency_events_total", a},
      {"kinerja_agency_events_without_master_data_total", a},
      {"kinerja_assigned_partitions", 1},
      {"kinerja_consumer_lag_messages", 64},
      {"kinerja_dead_letters_total", 7},
      {"kinerja_employee_cache_entries", 1},
      {"kinerja_event_age_seconds", 19 + 1 + 2},  // buckets, +Inf, _sum and _count
      {"kinerja_events_total", 9 * 3 + 1},        // types x outcomes, and "unknown" dead letters
      {"kinerja_kafka_errors_total", 2 * 8},      // 2 clients x the codes created at start
      {"kinerja_last_commit_timestamp_seconds", 1},
      {"kinerja_memory_budget_bytes", 3},  // prefetch, rocksdb, employee_cache
      {"kinerja_memory_used_bytes", 2},    // rocksdb, employee_cache
      {"kinerja_rebalances_total", 1},
      {"kinerja_state_commit_seconds", 14 + 1 + 2},
      {"kinerja_state_size_bytes", 1},
  };
  CHECK(text(health) == text(expected_health));
  size_t total = series.size();
  for (const auto& [name, n] : health) total += n;
  // 128,829 + 7 x 602 + 164 = 133,207, and a few process, build and filesystem series.
  CHECK(total == 133207);
  CHECK(total + 20 <= 250000);
}

TEST_CASE("per-agency counters are capped whatever agency codes publishers invent") {
  // 5000 distinct codes: the first 1000 (the default cap) get their own 7 series, every other
  // code shares the 7 of agency="(other)".
  const std::map<std::string, size_t> health = HealthSeries(5000, 1);
  CHECK(health.at("kinerja_agency_events_total") == 1001);
  CHECK(health.at("kinerja_agency_events_without_master_data_total") == 1001);
  CHECK(health.at("kinerja_agency_dead_letters_total") == 5 * 1001);
}
