#include "agency_metrics.h"

namespace kinerja::exporter {
namespace {

// Reasons decided after the envelope's `source` is read (the decoder's precedence order).
bool CanKnowAgency(ingest::RejectReason r) {
  return r != ingest::RejectReason::kTooLarge && r != ingest::RejectReason::kMalformedJson;
}

}  // namespace

AgencyMetrics::AgencyMetrics(prometheus::Registry& r, size_t max_agencies)
    : max_agencies_(max_agencies),
      applied_(&prometheus::BuildCounter()
                    .Name("kinerja_agency_events_total")
                    .Help("Events applied, by publishing agency (the envelope source); an agency "
                          "whose rate drops to zero has gone silent.")
                    .Register(r)),
      without_master_data_(&prometheus::BuildCounter()
                                .Name("kinerja_agency_events_without_master_data_total")
                                .Help("Events applied about employees who have no master data "
                                      "yet, by publishing agency: they count in no agency KPI.")
                                .Register(r)),
      dead_letters_(&prometheus::BuildCounter()
                         .Name("kinerja_agency_dead_letters_total")
                         .Help("Messages dead-lettered, by publishing agency and reason, for "
                               "messages whose envelope source was valid.")
                         .Register(r)) {}

AgencyMetrics::Series& AgencyMetrics::Get(const std::string& agency) {
  auto it = series_.find(agency);
  if (it != series_.end()) return it->second;
  // Past the cap every new code shares the "(other)" series (created once, within the cap + 1).
  const bool own = series_.size() < max_agencies_;
  const std::string label = own ? agency : std::string(kOtherAgency);
  if (!own) {
    if (auto other = series_.find(label); other != series_.end()) return other->second;
  }
  Series s;
  s.applied = &applied_->Add({{"agency", label}});
  s.without_master_data = &without_master_data_->Add({{"agency", label}});
  for (size_t i = 0; i < ingest::kRejectReasonCount; ++i) {
    const auto reason = static_cast<ingest::RejectReason>(i);
    if (!CanKnowAgency(reason)) continue;
    s.dead_letters[i] = &dead_letters_->Add(
        {{"agency", label}, {"reason", std::string(ingest::RejectReasonName(reason))}});
  }
  return series_.emplace(label, s).first->second;
}

void AgencyMetrics::Touch(const std::string& agency) { Get(agency); }

void AgencyMetrics::Add(const std::string& agency, const pipeline::AgencyCounts& c) {
  Series& s = Get(agency);
  if (c.applied) s.applied->Increment(static_cast<double>(c.applied));
  if (c.without_master_data) {
    s.without_master_data->Increment(static_cast<double>(c.without_master_data));
  }
  for (size_t i = 0; i < ingest::kRejectReasonCount; ++i) {
    if (c.dead_letters[i] && s.dead_letters[i]) {
      s.dead_letters[i]->Increment(static_cast<double>(c.dead_letters[i]));
    }
  }
}

}  // namespace kinerja::exporter
