// Per-publishing-agency counters of MetricsProbe: applied events, those about employees without
// master data, and dead letters whose envelope named a valid agency. Agency codes are publisher
// input, so the number of agencies with their own series is capped; the rest share one series.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>

#include "pipeline/probe.h"

namespace kinerja::exporter {

// The `agency` label value of agencies beyond the cap; never a valid agency code.
inline constexpr std::string_view kOtherAgency = "(other)";

class AgencyMetrics {
 public:
  AgencyMetrics(prometheus::Registry& registry, size_t max_agencies);
  // Creates the (zero) series of `agency` if it has none yet.
  void Touch(const std::string& agency);
  void Add(const std::string& agency, const pipeline::AgencyCounts& counts);
  size_t agencies() const { return series_.size(); }

 private:
  struct Series {
    prometheus::Counter* applied = nullptr;
    prometheus::Counter* without_master_data = nullptr;
    // Only the reasons a message can have once its `source` was read; nullptr for the others.
    std::array<prometheus::Counter*, ingest::kRejectReasonCount> dead_letters{};
  };
  Series& Get(const std::string& agency);

  size_t max_agencies_;
  prometheus::Family<prometheus::Counter>* applied_;
  prometheus::Family<prometheus::Counter>* without_master_data_;
  prometheus::Family<prometheus::Counter>* dead_letters_;
  std::unordered_map<std::string, Series> series_;  // at most max_agencies_ + 1 (other)
};

}  // namespace kinerja::exporter
