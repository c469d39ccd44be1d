// Turns KPI counters into the public gauges of docs/kpis.md: names, labels, presence rules and the
// month window. /metrics and `kinerja kpis` both render through here, so they always agree.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <prometheus/metric_family.h>

#include "processors/kpi.h"

namespace kinerja::exporter {

struct ViewOptions {
  // Month-labelled series are exported for this many months ending with the newest month seen
  // in the data (docs/kpis.md; configurable).
  int window_months = 13;
};

struct Series {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  // in the catalogue's label order
  double value = 0;
};

// Every KPI series, sorted by name, then labels.
std::vector<Series> RenderKpis(const processors::KpiTable& counters, MonthIndex newest_month,
                               const ViewOptions& options);

// {"kpis":[{"name":...,"labels":{...},"value":...}, ...]}
std::string KpisToJson(const std::vector<Series>& series);
// Gauge families (with HELP) in the order of `series`.
std::vector<prometheus::MetricFamily> KpisToFamilies(const std::vector<Series>& series);
// Prometheus text exposition format, exactly as /metrics serialises the same families.
std::string KpisToPrometheusText(const std::vector<Series>& series);

}  // namespace kinerja::exporter
