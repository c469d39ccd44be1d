#include "export/kpi_view.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/event.h"

namespace kinerja::exporter {
namespace {

using processors::JpBand;
using processors::Kpi;
using processors::KpiKey;

struct Help {
  std::string_view name;
  std::string_view help;
};
constexpr Help kHelp[] = {
    {"kinerja_activity_seconds",
     "Time of daily activity logged by the agency's active employees, by month and category, in "
     "seconds (minutes x 60)."},
    {"kinerja_admin_heavy_employees",
     "Active employees whose administrative minutes are more than half of their minutes logged in "
     "the month."},
    {"kinerja_employees", "Active employees of the agency (latest master data)."},
    {"kinerja_employees_without_master_data",
     "Employees with state but no employee.upserted yet; they count in no agency KPI."},
    {"kinerja_feedback_employees",
     "Active employees who received at least one feedback in the month (month in the employee's "
     "time zone)."},
    {"kinerja_feedback_given",
     "Feedback events received by the agency's active employees in the month."},
    {"kinerja_predikat_employees",
     "Active employees by predikat of their latest rating for the period (a year or a month)."},
    {"kinerja_realisasi_reporting_employees",
     "Active employees with an SKP for the month's year and at least one realisasi for the month."},
    {"kinerja_realisasi_reports", "(employee, indicator) pairs with a realisasi for the month."},
    {"kinerja_realisasi_reports_with_evidence",
     "Realisasi (employee, indicator) pairs of the month with at least one evidence for the same "
     "indicator and month."},
    {"kinerja_skp_achievement",
     "Sum of the SKP achievements of the agency's employees with an SKP for the year; divide by "
     "kinerja_skp_employees for the average."},
    {"kinerja_skp_employees", "Active employees with an SKP for the year."},
    {"kinerja_skp_targets_met_employees",
     "Active employees whose every SKP indicator of the year is at or above target."},
    {"kinerja_talent_box_employees",
     "Active employees per 9-box talent box (annual rating hasil x potential) for the year."},
    {"kinerja_training_employees",
     "Active employees by yearly competency-development band (JP = minutes / 45; obligation 20 "
     "JP)."},
    {"kinerja_training_jp",
     "Training minutes of the agency's active employees in the year, divided by 45 (JP)."},
};

std::string_view HelpOf(std::string_view name) {
  for (const auto& h : kHelp) {
    if (h.name == name) return h.help;
  }
  return "Kinerja KPI";
}

}  // namespace

std::vector<Series> RenderKpis(const processors::KpiTable& counters, MonthIndex newest,
                               const ViewOptions& options) {
  std::vector<Series> out;
  const MonthIndex window_start =
      newest == processors::kNoMonth ? 0 : newest - (options.window_months - 1);
  auto in_window = [&](MonthIndex m) {
    return newest != processors::kNoMonth && m >= window_start && m <= newest;
  };
  // Employees with a training record per (agency, year), to derive band "0".
  std::map<std::pair<std::string, int32_t>, int64_t> trained;
  // Achievement sums per (agency, year), as exact binary fixed-point limbs.
  std::map<std::pair<std::string, int32_t>, std::array<int64_t, processors::kAchievementLimbs>>
      achievement;
  auto add = [&](std::string_view name, const KpiKey& k, std::string_view label, std::string value,
                 int64_t v) {
    out.push_back({std::string(name),
                   {{"agency", k.agency}, {std::string(label), std::move(value)}},
                   static_cast<double>(v)});
  };
  auto year_series = [&](std::string_view name, const KpiKey& k, int64_t v) {
    add(name, k, "year", std::to_string(k.period), v);
  };
  auto month_series = [&](std::string_view name, const KpiKey& k, int64_t v) {
    if (in_window(k.period)) add(name, k, "month", FormatMonth(k.period), v);
  };
  auto predikat_series = [&](const KpiKey& k, std::string period, int64_t v) {
    out.push_back({"kinerja_predikat_employees",
                   {{"agency", k.agency},
                    {"period", std::move(period)},
                    {"predikat", std::string(processors::PredikatLabel(
                                     static_cast<processors::Predikat>(k.sub)))}},
                   static_cast<double>(v)});
  };
  bool have_without_master = false;

  for (const auto& [k, v] : counters) {
    switch (k.kpi) {
      case Kpi::kEmployees:
        out.push_back({"kinerja_employees", {{"agency", k.agency}}, static_cast<double>(v)});
        break;
      case Kpi::kWithoutMasterData:
        have_without_master = true;
        out.push_back({"kinerja_employees_without_master_data", {}, static_cast<double>(v)});
        break;
      case Kpi::kTrainingMinutes:
        out.push_back({"kinerja_training_jp",
                       {{"agency", k.agency}, {"year", std::to_string(k.period)}},
                       static_cast<double>(v) / 45.0});
        break;
      case Kpi::kTrainingBand:
        trained[{k.agency, k.period}] += v;
        break;
      case Kpi::kActivityMinutes:
        if (!in_window(k.period)) break;
        // Counted in minutes, exported in the Prometheus base unit.
        out.push_back({"kinerja_activity_seconds",
                       {{"agency", k.agency},
                        {"month", FormatMonth(k.period)},
                        {"category",
                         std::string(ActivityCategoryName(static_cast<ActivityCategory>(k.sub)))}},
                       static_cast<double>(v) * 60});
        break;
      case Kpi::kAdminHeavy:
        month_series("kinerja_admin_heavy_employees", k, v);
        break;
      case Kpi::kSkpEmployees:
        year_series("kinerja_skp_employees", k, v);
        break;
      case Kpi::kSkpAchievement:
        if (k.sub < processors::kAchievementLimbs) achievement[{k.agency, k.period}][k.sub] += v;
        break;
      case Kpi::kSkpTargetsMet:
        year_series("kinerja_skp_targets_met_employees", k, v);
        break;
      case Kpi::kRealisasiReporting:
        month_series("kinerja_realisasi_reporting_employees", k, v);
        break;
      case Kpi::kRealisasiReports:
        month_series("kinerja_realisasi_reports", k, v);
        break;
      case Kpi::kRealisasiWithEvidence:
        month_series("kinerja_realisasi_reports_with_evidence", k, v);
        break;
      case Kpi::kFeedbackEmployees:
        month_series("kinerja_feedback_employees", k, v);
        break;
      case Kpi::kFeedbackGiven:
        month_series("kinerja_feedback_given", k, v);
        break;
      case Kpi::kPredikatYear:
        predikat_series(k, std::to_string(k.period), v);
        break;
      case Kpi::kPredikatMonth:
        if (in_window(k.period)) predikat_series(k, FormatMonth(k.period), v);
        break;
      case Kpi::kTalentBox:
        out.push_back({"kinerja_talent_box_employees",
                       {{"agency", k.agency},
                        {"year", std::to_string(k.period)},
                        {"box", std::to_string(k.sub)}},
                       static_cast<double>(v)});
        break;
    }
  }
  for (const auto& [agency_year, limbs] : achievement) {
    const double sum = processors::AchievementFromLimbs(limbs);
    if (sum == 0) continue;
    out.push_back({"kinerja_skp_achievement",
                   {{"agency", agency_year.first}, {"year", std::to_string(agency_year.second)}},
                   sum});
  }
  // A data-quality gauge is always present, so alerts can rely on it.
  if (!have_without_master) out.push_back({"kinerja_employees_without_master_data", {}, 0});

  // All four bands for every year in which any employee of the agency has a training record;
  // they add up to kinerja_employees.
  for (const auto& [agency_year, with_record] : trained) {
    if (with_record == 0) continue;
    const auto& [agency, year] = agency_year;
    const int64_t employees = counters.Get({Kpi::kEmployees, 0, 0, agency});
    for (JpBand band : {JpBand::kNone, JpBand::kLt10, JpBand::k10To20, JpBand::kGe20}) {
      const int64_t n =
          band == JpBand::kNone
              ? employees - with_record
              : counters.Get({Kpi::kTrainingBand, static_cast<uint8_t>(band), year, agency});
      out.push_back({"kinerja_training_employees",
                     {{"agency", agency},
                      {"year", std::to_string(year)},
                      {"jp_band", std::string(processors::JpBandLabel(band))}},
                     static_cast<double>(n)});
    }
  }
  std::sort(out.begin(), out.end(), [](const Series& a, const Series& b) {
    return std::tie(a.name, a.labels) < std::tie(b.name, b.labels);
  });
  return out;
}

std::string KpisToJson(const std::vector<Series>& series) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& s : series) {
    nlohmann::ordered_json labels = nlohmann::ordered_json::object();
    for (const auto& [k, v] : s.labels) labels[k] = v;
    nlohmann::ordered_json item;
    item["name"] = s.name;
    item["labels"] = labels;
    // Counts are integers; JP sums are fractional.
    if (s.value == static_cast<double>(static_cast<int64_t>(s.value))) {
      item["value"] = static_cast<int64_t>(s.value);
    } else {
      item["value"] = s.value;
    }
    arr.push_back(std::move(item));
  }
  nlohmann::ordered_json doc;
  doc["kpis"] = std::move(arr);
  return doc.dump();
}

std::vector<prometheus::MetricFamily> KpisToFamilies(const std::vector<Series>& series) {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& s : series) {
    if (families.empty() || families.back().name != s.name) {
      prometheus::MetricFamily f;
      f.name = s.name;
      f.help = std::string(HelpOf(s.name));
      f.type = prometheus::MetricType::Gauge;
      families.push_back(std::move(f));
    }
    prometheus::ClientMetric m;
    for (const auto& [k, v] : s.labels) m.label.push_back({k, v});
    m.gauge.value = s.value;
    families.back().metric.push_back(std::move(m));
  }
  return families;
}

std::string KpisToPrometheusText(const std::vector<Series>& series) {
  return prometheus::TextSerializer().Serialize(KpisToFamilies(series));
}

}  // namespace kinerja::exporter
