// A metric family of one unlabelled sample, for collectables that read a value at scrape time
// (process and filesystem metrics).
#pragma once

#include <prometheus/metric_family.h>

#include <string>

namespace kinerja::exporter {

inline prometheus::MetricFamily SingleValueFamily(std::string name, std::string help,
                                                  prometheus::MetricType type, double value) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(std::move(m));
  return f;
}

}  // namespace kinerja::exporter
