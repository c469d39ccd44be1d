#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "export/kpi_view.h"

using namespace kinerja;
using namespace kinerja::processors;
using namespace kinerja::exporter;

namespace {

const Series* Find(const std::vector<Series>& all, const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& labels) {
  for (const auto& s : all) {
    if (s.name == name && s.labels == labels) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("JP bands: all four for a year with training adding up to the agency's employees") {
  KpiTable t;
  t.Add({Kpi::kEmployees, 0, 0, "A1"}, 10);
  t.Add({Kpi::kTrainingMinutes, 0, 2026, "A1"}, 1350);
  t.Add({Kpi::kTrainingBand, 1, 2026, "A1"}, 2);
  t.Add({Kpi::kTrainingBand, 3, 2026, "A1"}, 1);
  auto s = RenderKpis(t, kNoMonth, {});
  const Series* jp = Find(s, "kinerja_training_jp", {{"agency", "A1"}, {"year", "2026"}});
  REQUIRE(jp);
  CHECK(jp->value == Approx(30.0));
  auto band = [&](const char* b) {
    const Series* x =
        Find(s, "kinerja_training_employees", {{"agency", "A1"}, {"year", "2026"}, {"jp_band", b}});
    REQUIRE(x);
    return x->value;
  };
  CHECK(band("0") == 7);
  CHECK(band("lt10") == 2);
  CHECK(band("10to20") == 0);
  CHECK(band("ge20") == 1);
  // No training in 2025: no band series for it.
  CHECK_FALSE(Find(s, "kinerja_training_employees",
                   {{"agency", "A1"}, {"year", "2025"}, {"jp_band", "0"}}));
}

TEST_CASE("month series are windowed on the newest month in the data not the clock") {
  KpiTable t;
  for (int m = 1; m <= 12; ++m) t.Add({Kpi::kAdminHeavy, 0, ToMonthIndex(2025, m), "A1"}, m);
  t.Add({Kpi::kAdminHeavy, 0, ToMonthIndex(2026, 2), "A1"}, 99);
  ViewOptions view;
  view.window_months = 13;
  auto s = RenderKpis(t, ToMonthIndex(2026, 2), view);
  // 2025-02 .. 2026-02 inclusive: 2025-01 drops out.
  CHECK_FALSE(Find(s, "kinerja_admin_heavy_employees", {{"agency", "A1"}, {"month", "2025-01"}}));
  CHECK(Find(s, "kinerja_admin_heavy_employees", {{"agency", "A1"}, {"month", "2025-02"}})->value ==
        2);
  CHECK(Find(s, "kinerja_admin_heavy_employees", {{"agency", "A1"}, {"month", "2026-02"}})->value ==
        99);
  view.window_months = 1;
  s = RenderKpis(t, ToMonthIndex(2026, 2), view);
  size_t monthly = 0;
  for (const auto& x : s) monthly += x.name == "kinerja_admin_heavy_employees";
  CHECK(monthly == 1);
}

TEST_CASE("series are sorted by name then labels and the JSON has the documented shape") {
  KpiTable t;
  t.Add({Kpi::kEmployees, 0, 0, "B"}, 1);
  t.Add({Kpi::kEmployees, 0, 0, "A"}, 2);
  t.Add({Kpi::kActivityMinutes, 1, ToMonthIndex(2026, 3), "A"}, 5);
  t.Add({Kpi::kWithoutMasterData, 0, 0, {}}, 4);
  auto s = RenderKpis(t, ToMonthIndex(2026, 3), {});
  std::vector<std::string> names;
  for (const auto& x : s)
    names.push_back(x.name + (x.labels.empty() ? "" : ":" + x.labels[0].second));
  CHECK(names == std::vector<std::string>{"kinerja_activity_seconds:A", "kinerja_employees:A",
                                          "kinerja_employees:B",
                                          "kinerja_employees_without_master_data"});
  auto doc = nlohmann::json::parse(KpisToJson(s));
  REQUIRE(doc["kpis"].size() == 4);
  CHECK(doc["kpis"][0]["name"] == "kinerja_activity_seconds");
  CHECK(doc["kpis"][0]["labels"] ==
        nlohmann::json({{"agency", "A"}, {"month", "2026-03"}, {"category", "substantive"}}));
  CHECK(doc["kpis"][0]["value"] == 5 * 60);  // minutes, exported in seconds
  CHECK(doc["kpis"][3]["labels"] == nlohmann::json::object());
  CHECK(doc["kpis"][3]["value"] == 4);
}

TEST_CASE("without-master-data gauge is present even at zero - the text format is Prometheus'") {
  auto s = RenderKpis(KpiTable{}, kNoMonth, {});
  REQUIRE(s.size() == 1);
  CHECK(s[0].name == "kinerja_employees_without_master_data");
  const std::string text = KpisToPrometheusText(s);
  CHECK(text.find("# TYPE kinerja_employees_without_master_data gauge") != std::string::npos);
  CHECK(text.find("kinerja_employees_without_master_data 0") != std::string::npos);
}

TEST_CASE("cardinality stays within budget at national scale for these gauges") {
  // 602 agencies, 13 months in the window plus older months, 2 years of training.
  KpiTable t;
  for (int a = 0; a < 602; ++a) {
    const std::string agency = "AG" + std::to_string(a);
    t.Add({Kpi::kEmployees, 0, 0, agency}, 100);
    for (int year : {2025, 2026}) {
      t.Add({Kpi::kTrainingMinutes, 0, year, agency}, 1000);
      for (uint8_t b = 1; b <= 3; ++b) t.Add({Kpi::kTrainingBand, b, year, agency}, 1);
    }
    for (int m = 0; m < 24; ++m) {
      for (uint8_t c = 0; c < 2; ++c)
        t.Add({Kpi::kActivityMinutes, c, ToMonthIndex(2025, 1) + m, agency}, 1);
      t.Add({Kpi::kAdminHeavy, 0, ToMonthIndex(2025, 1) + m, agency}, 1);
    }
  }
  auto s = RenderKpis(t, ToMonthIndex(2026, 12), {});
  // employees 1 + jp 2 + bands 8 + 13 months * 3 per agency, plus the global gauge.
  CHECK(s.size() == 602 * (1 + 2 + 8 + 13 * 3) + 1);
  CHECK(s.size() < 250000);
}
