#include "processors/employee.h"

#include <algorithm>

namespace kinerja::processors {
namespace {

// The agency the employee counts under, or null if they count nowhere (events.md rules 6-7).
const std::string* Attribution(const EmployeeState& s) {
  return s.master && s.master->active ? &s.master->agency : nullptr;
}

void EmitEmployee(const EmployeeState& s, int sign, KpiTable* d) {
  if (!s.known) return;
  if (!s.master) {
    d->Add({Kpi::kWithoutMasterData, 0, 0, {}}, sign);
  } else if (const std::string* agency = Attribution(s)) {
    d->Add({Kpi::kEmployees, 0, 0, *agency}, sign);
  }
}

int64_t TrainingMinutesInYear(const EmployeeState& s, int year) {
  const auto from = std::make_pair(Date{static_cast<int16_t>(year), 1, 1}, std::string());
  const auto to = std::make_pair(Date{static_cast<int16_t>(year + 1), 1, 1}, std::string());
  int64_t minutes = 0;
  for (auto it = s.training.lower_bound(from); it != s.training.end() && it->first < to; ++it) {
    minutes += it->second.minutes;
  }
  return minutes;
}

void EmitTrainingYear(const EmployeeState& s, int year, int sign, KpiTable* d) {
  const std::string* agency = Attribution(s);
  if (!agency) return;
  const int64_t minutes = TrainingMinutesInYear(s, year);
  if (minutes == 0) return;
  d->Add({Kpi::kTrainingMinutes, 0, year, *agency}, sign * minutes);
  d->Add({Kpi::kTrainingBand, static_cast<uint8_t>(BandOf(minutes)), year, *agency}, sign);
}

void EmitActivityMonth(const EmployeeState& s, MonthIndex month, int sign, KpiTable* d) {
  const std::string* agency = Attribution(s);
  if (!agency) return;
  auto it = s.activity.find(month);
  if (it == s.activity.end()) return;
  const ActivityMonth& a = it->second;
  d->Add({Kpi::kActivityMinutes, static_cast<uint8_t>(ActivityCategory::kAdministrative), month, *agency},
         sign * a.administrative);
  d->Add({Kpi::kActivityMinutes, static_cast<uint8_t>(ActivityCategory::kSubstantive), month, *agency},
         sign * a.substantive);
  // "More than half of their minutes logged in the month": admin > (admin + substantive) / 2.
  if (a.administrative > a.substantive) d->Add({Kpi::kAdminHeavy, 0, month, *agency}, sign);
}

void EmitAll(const EmployeeState& s, int sign, KpiTable* d) {
  EmitEmployee(s, sign, d);
  int last_year = -1;
  for (const auto& [key, _] : s.training) {
    if (key.first.year != last_year) {
      last_year = key.first.year;
      EmitTrainingYear(s, last_year, sign, d);
    }
  }
  for (const auto& [month, _] : s.activity) EmitActivityMonth(s, month, sign, d);
}

}  // namespace

std::string DedupKey(std::string_view source, std::string_view id) {
  std::string key;
  key.reserve(source.size() + 1 + id.size());
  key.append(source);
  key.push_back('\0');  // agency codes never contain NUL
  key.append(id);
  return key;
}

bool CheckDuplicateAndRemember(DedupMemory& m, const Envelope& env, int64_t ts, int64_t window_ms) {
  m.newest_ms = std::max(m.newest_ms, ts);
  const int64_t horizon = m.newest_ms - window_ms;
  if (m.oldest_ms < horizon) {
    // Something may have expired: sweep once. A sweep leaves oldest_ms >= horizon, so the next
    // one waits until time has moved on by the age of the oldest survivor.
    m.oldest_ms = INT64_MAX;
    for (auto it = m.applied.begin(); it != m.applied.end();) {
      if (it->second < horizon) {
        it = m.applied.erase(it);
      } else {
        m.oldest_ms = std::min(m.oldest_ms, it->second);
        ++it;
      }
    }
    std::erase_if(m.chunks, [&](const DedupMemory::Chunk& c) {
      if (c.max_ms >= horizon) return false;
      m.expired.push_back(c.seq);
      return true;
    });
  }
  std::string key = DedupKey(env.source, env.id);
  if (m.applied.count(key)) return true;
  m.oldest_ms = std::min(m.oldest_ms, ts);
  m.pending.emplace_back(key, ts);
  m.applied.emplace(std::move(key), ts);
  return false;
}

ApplyEffect Apply(const Event& event, EmployeeState& s, KpiTable* d) {
  ApplyEffect effect;
  const bool was_known = s.known;
  if (const auto* u = std::get_if<EmployeeUpserted>(&event.data)) {
    MasterData next{u->agency, u->unit, u->tz, u->position, u->employment, u->supervisor, u->active};
    const bool same_attribution = was_known && s.master && s.master->agency == next.agency &&
                                  s.master->active == next.active;
    if (same_attribution) {
      s.master = std::move(next);  // nothing counted changes
      return effect;
    }
    EmitAll(s, -1, d);
    s.master = std::move(next);
    s.known = true;
    EmitAll(s, +1, d);
    return effect;
  }
  if (const auto* t = std::get_if<TrainingCompleted>(&event.data)) {
    const int year = t->completed_on.year;
    EmitTrainingYear(s, year, -1, d);
    s.training[{t->completed_on, t->course}] = TrainingRecord{t->minutes, t->mode};
    s.known = true;
    EmitTrainingYear(s, year, +1, d);
  } else if (const auto* a = std::get_if<ActivityLogged>(&event.data)) {
    const MonthIndex month = ToMonthIndex(a->date);
    EmitActivityMonth(s, month, -1, d);
    ActivityMonth& am = s.activity[month];
    (a->category == ActivityCategory::kAdministrative ? am.administrative : am.substantive) += a->minutes;
    s.known = true;
    EmitActivityMonth(s, month, +1, d);
    effect.month = month;
  }
  // The employee facet changes only with the first event: the employee starts to count.
  if (!was_known) EmitEmployee(s, +1, d);
  return effect;
}

void Contribution(const EmployeeState& s, KpiTable* out) { EmitAll(s, +1, out); }

}  // namespace kinerja::processors
