// The public KPI series as a comparable map, shared by the pipeline tests: (metric name, labels
// sorted by name) -> value, with the comparison rule of docs/kpis.md (every value exact, except the
// `*_sum` gauges of fractions, which may differ by at most 1e-6 relative).
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "export/kpi_view.h"
#include "pipeline/pipeline.h"

namespace kinerja::testing {

using Labels = std::vector<std::pair<std::string, std::string>>;
using SeriesKey = std::pair<std::string, Labels>;
using SeriesMap = std::map<SeriesKey, double>;

inline SeriesKey Key(std::string name, Labels labels) {
  std::sort(labels.begin(), labels.end());
  return {std::move(name), std::move(labels)};
}

inline std::string Format(const SeriesKey& key) {
  std::string out = key.first + "{";
  for (size_t i = 0; i < key.second.size(); ++i) {
    out += (i ? "," : "") + key.second[i].first + "=\"" + key.second[i].second + "\"";
  }
  return out + "}";
}

// A series rendered twice under the same name and labels shows up as "DUPLICATE <name>".
inline SeriesMap ToSeriesMap(const std::vector<exporter::Series>& series) {
  SeriesMap out;
  for (const auto& s : series) {
    if (!out.emplace(Key(s.name, s.labels), s.value).second)
      out[Key("DUPLICATE " + s.name, s.labels)] = s.value;
  }
  return out;
}

// What /metrics would show for the pipeline's committed state, with the given month window.
inline SeriesMap RenderedKpis(const pipeline::Pipeline& pipe, int window_months = 13) {
  const pipeline::KpiSnapshot snap = pipe.Snapshot();
  exporter::ViewOptions view;
  view.window_months = window_months;
  return ToSeriesMap(exporter::RenderKpis(snap.counters, snap.newest_month, view));
}

// docs/kpis.md, "Rounding": agency sums of fractions may differ by at most 1e-6 relative.
inline bool IsFractionSum(const std::string& name) {
  return name == "kinerja_skp_achievement" || name == "kinerja_training_jp";
}

inline bool SameValue(const std::string& name, double actual, double expected) {
  if (IsFractionSum(name)) return std::fabs(actual - expected) <= 1e-6 * std::fabs(expected);
  return actual == expected;
}

// Empty when the two agree; otherwise one line per difference.
inline std::string DiffSeries(const SeriesMap& actual, const SeriesMap& expected) {
  std::ostringstream out;
  out.precision(17);
  for (const auto& [key, value] : expected) {
    auto it = actual.find(key);
    if (it == actual.end()) {
      out << "missing    " << Format(key) << " expected=" << value << "\n";
    } else if (!SameValue(key.first, it->second, value)) {
      out << "different  " << Format(key) << " actual=" << it->second << " expected=" << value
          << "\n";
    }
  }
  for (const auto& [key, value] : actual) {
    if (!expected.count(key)) out << "unexpected " << Format(key) << " actual=" << value << "\n";
  }
  return out.str();
}

inline std::string Dump(const SeriesMap& series) {
  std::ostringstream out;
  out.precision(17);
  for (const auto& [key, value] : series) out << Format(key) << " " << value << "\n";
  return out.str();
}

}  // namespace kinerja::testing
