#include "processors/employee.h"

#include <algorithm>

namespace kinerja::processors {
namespace {

// The agency the employee counts under, or null if they count nowhere (docs/events.md rules 6-7).
const AgencyCode* Attribution(const EmployeeState& s) {
  return s.master && s.master->active ? &s.master->agency : nullptr;
}

const YearState* FindYear(const EmployeeState& s, int year) {
  auto it = s.years.find(year);
  return it == s.years.end() ? nullptr : &it->second;
}

const MonthState* FindMonth(const EmployeeState& s, MonthIndex month) {
  const YearState* y = FindYear(s, YearOf(month));
  if (!y) return nullptr;
  auto it = y->months.find(month);
  return it == y->months.end() ? nullptr : &it->second;
}

// The facets below each emit one group of this employee's counters, with `sign`; applying an
// event emits the facets it touches with -1, changes the state, and emits them again with +1.
// Every facet is a pure function of the state, so an unchanged facet cancels exactly.

void EmitEmployee(const EmployeeState& s, int sign, KpiTable* d) {
  if (!s.known) return;
  if (!s.master) {
    d->Add({Kpi::kWithoutMasterData, 0, 0, {}}, sign);
  } else if (const AgencyCode* agency = Attribution(s)) {
    d->Add({Kpi::kEmployees, 0, 0, *agency}, sign);
  }
}

// SKP facet of a year: the employee has an SKP, their achievement, targets met.
void EmitSkpYear(const EmployeeState& s, int year, int sign, KpiTable* d) {
  const AgencyCode* agency = Attribution(s);
  const YearState* y = FindYear(s, year);
  if (!agency || !y || !y->skp) return;
  // docs/kpis.md: R_i is the sum over the months of the year of the latest realisasi, summed afresh
  // in month order (never by adding and subtracting deltas), so "target met" cannot flicker.
  // Each month's indicators are sorted by id, so they are walked alongside the SKP's ids in id
  // order (ids are unique in an SKP): one pass per month, no lookups.
  const std::vector<SkpIndicator>& skp = *y->skp;
  std::vector<std::pair<std::string_view, size_t>> by_id;
  by_id.reserve(skp.size());
  for (size_t i = 0; i < skp.size(); ++i) by_id.emplace_back(skp[i].id, i);
  std::sort(by_id.begin(), by_id.end());
  std::vector<double> r(skp.size(), 0.0);
  for (const auto& [month, ms] : y->months) {
    auto a = by_id.begin();
    auto b = ms.indicators.begin();
    while (a != by_id.end() && b != ms.indicators.end()) {
      const int c = a->first.compare(b->first);
      if (c < 0) {
        ++a;
      } else if (c > 0) {
        ++b;
      } else {
        if (b->second.value) r[a->second] += *b->second.value;
        ++a;
        ++b;
      }
    }
  }
  double sum_of_ratios = 0;
  bool all_met = true;
  for (size_t i = 0; i < skp.size(); ++i) {
    sum_of_ratios += std::min(r[i] / skp[i].target, 1.0);
    all_met = all_met && r[i] >= skp[i].target;
  }
  const double achievement = sum_of_ratios / static_cast<double>(y->skp->size());
  d->Add({Kpi::kSkpEmployees, 0, year, *agency}, sign);
  for (const AchievementLimb& l : AchievementLimbs(achievement)) {
    d->Add({Kpi::kSkpAchievement, l.limb, year, *agency}, sign * l.value);
  }
  if (all_met) d->Add({Kpi::kSkpTargetsMet, 0, year, *agency}, sign);
}

void EmitTrainingYear(const EmployeeState& s, int year, int sign, KpiTable* d) {
  const AgencyCode* agency = Attribution(s);
  const YearState* y = FindYear(s, year);
  if (!agency || !y || y->training.empty()) return;
  int64_t minutes = 0;
  for (const auto& [key, rec] : y->training) minutes += rec.minutes;
  d->Add({Kpi::kTrainingMinutes, 0, year, *agency}, sign * minutes);
  d->Add({Kpi::kTrainingBand, static_cast<uint8_t>(BandOf(minutes)), year, *agency}, sign);
}

// Annual facet: predikat of the annual rating, and the talent box (annual rating + potential).
void EmitAnnual(const EmployeeState& s, int year, int sign, KpiTable* d) {
  const AgencyCode* agency = Attribution(s);
  const YearState* y = FindYear(s, year);
  if (!agency || !y || !y->annual) return;
  const auto predikat = PredikatOf(y->annual->hasil, y->annual->perilaku);
  d->Add({Kpi::kPredikatYear, static_cast<uint8_t>(predikat), year, *agency}, sign);
  if (y->potential) {
    const int box = TalentBox(*y->potential, y->annual->hasil);
    d->Add({Kpi::kTalentBox, static_cast<uint8_t>(box), year, *agency}, sign);
  }
}

// Realisasi facet of a month: reports, reports with evidence, reporting employee.
void EmitReportsMonth(const EmployeeState& s, MonthIndex month, int sign, KpiTable* d) {
  const AgencyCode* agency = Attribution(s);
  const MonthState* m = FindMonth(s, month);
  if (!agency || !m || m->indicators.empty()) return;
  int64_t reports = 0;
  int64_t with_evidence = 0;
  for (const auto& [id, im] : m->indicators) {
    if (!im.value) continue;
    ++reports;
    if (!im.evidence.empty()) ++with_evidence;
  }
  if (reports == 0) return;
  d->Add({Kpi::kRealisasiReports, 0, month, *agency}, sign * reports);
  d->Add({Kpi::kRealisasiWithEvidence, 0, month, *agency}, sign * with_evidence);
  if (FindYear(s, YearOf(month))->skp) d->Add({Kpi::kRealisasiReporting, 0, month, *agency}, sign);
}

void EmitFeedbackMonth(const EmployeeState& s, MonthIndex month, int sign, KpiTable* d) {
  const AgencyCode* agency = Attribution(s);
  const MonthState* m = FindMonth(s, month);
  if (!agency || !m || m->feedback == 0) return;
  d->Add({Kpi::kFeedbackEmployees, 0, month, *agency}, sign);
  d->Add({Kpi::kFeedbackGiven, 0, month, *agency}, sign * m->feedback);
}

void EmitActivityMonth(const EmployeeState& s, MonthIndex month, int sign, KpiTable* d) {
  const AgencyCode* agency = Attribution(s);
  const MonthState* m = FindMonth(s, month);
  if (!agency || !m) return;
  d->Add({Kpi::kActivityMinutes, static_cast<uint8_t>(ActivityCategory::kAdministrative), month,
          *agency},
         sign * m->administrative);
  d->Add(
      {Kpi::kActivityMinutes, static_cast<uint8_t>(ActivityCategory::kSubstantive), month, *agency},
      sign * m->substantive);
  // "More than half of their minutes logged in the month": admin > (admin + substantive) / 2.
  if (m->administrative > m->substantive) d->Add({Kpi::kAdminHeavy, 0, month, *agency}, sign);
}

void EmitMonthlyRating(const EmployeeState& s, MonthIndex month, int sign, KpiTable* d) {
  const AgencyCode* agency = Attribution(s);
  const MonthState* m = FindMonth(s, month);
  if (!agency || !m || !m->rating) return;
  const auto predikat = PredikatOf(m->rating->hasil, m->rating->perilaku);
  d->Add({Kpi::kPredikatMonth, static_cast<uint8_t>(predikat), month, *agency}, sign);
}

void EmitAll(const EmployeeState& s, int sign, KpiTable* d) {
  EmitEmployee(s, sign, d);
  if (!Attribution(s)) return;  // nothing else counts
  for (const auto& [year, y] : s.years) {
    EmitSkpYear(s, year, sign, d);
    EmitTrainingYear(s, year, sign, d);
    EmitAnnual(s, year, sign, d);
    for (const auto& [month, m] : y.months) {
      EmitReportsMonth(s, month, sign, d);
      EmitFeedbackMonth(s, month, sign, d);
      EmitActivityMonth(s, month, sign, d);
      EmitMonthlyRating(s, month, sign, d);
    }
  }
}

// Whether master data `u` changes where the employee counts (a first upsert, a transfer, a
// change of status): then every contribution of the employee moves.
bool MovesAttribution(const EmployeeState& s, const EmployeeUpserted& u) {
  return !s.known || !s.master || s.master->agency != u.agency || s.master->active != u.active;
}

// The month of a feedback event (docs/events.md rule 5): the local month of `time` in the
// employee's time zone from master data, else in the offset written in `time`.
MonthIndex FeedbackMonth(const Envelope& env, const EmployeeState& s) {
  const int offset = s.master ? UtcOffsetMinutes(s.master->tz) : env.time.offset_minutes;
  return LocalMonth(env.time.unix_seconds, offset);
}

MonthState& MonthOf(EmployeeState& s, MonthIndex month) {
  return s.years[YearOf(month)].months[month];
}

// Applies `change` to the state between emitting `facets` with -1 and with +1.
template <class Facets, class Change>
void Update(Facets facets, Change change) {
  facets(-1);
  change();
  facets(+1);
}

}  // namespace

YearsNeeded YearsNeededBy(const Event& event, const EmployeeState& s) {
  YearsNeeded need;
  std::visit(
      [&](const auto& data) {
        using T = std::decay_t<decltype(data)>;
        if constexpr (std::is_same_v<T, EmployeeUpserted>) {
          need.all = s.known && MovesAttribution(s, data);
        } else if constexpr (std::is_same_v<T, SkpApproved> ||
                             std::is_same_v<T, PotentialAssessed>) {
          need.year = data.year;
        } else if constexpr (std::is_same_v<T, RealisasiReported> ||
                             std::is_same_v<T, EvidenceSubmitted>) {
          need.year = YearOf(data.period);
        } else if constexpr (std::is_same_v<T, FeedbackGiven>) {
          need.year = YearOf(FeedbackMonth(event.envelope, s));
        } else if constexpr (std::is_same_v<T, RatingAssigned>) {
          need.year = data.period.monthly ? YearOf(data.period.value) : data.period.value;
        } else if constexpr (std::is_same_v<T, TrainingCompleted>) {
          need.year = data.completed_on.year;
        } else if constexpr (std::is_same_v<T, ActivityLogged>) {
          need.year = data.date.year;
        }
      },
      event.data);
  return need;
}

std::string DedupKey(std::string_view source, std::string_view id) {
  std::string key;
  key.reserve(source.size() + 1 + id.size());
  key.append(source);
  key.push_back('\0');  // agency codes never contain NUL
  key.append(id);
  return key;
}

namespace {

// Forgets the ids and chunks that left the window. O(ids), so it runs at most once per eighth of
// a window of the employee's clock (see next_sweep_ms): amortised O(1) per event, however many
// ids the window holds. Ids in between are ignored by the lookup.
void SweepDedup(DedupMemory& m, int64_t horizon, int64_t window_ms) {
  m.oldest_ms = m.applied.DropOlderThan(horizon);
  std::erase_if(m.chunks, [&](const DedupMemory::Chunk& c) {
    if (c.max_ms >= horizon) {
      m.oldest_ms = std::min(m.oldest_ms, c.max_ms);
      return false;
    }
    m.expired.push_back(c.seq);
    return true;
  });
  m.next_sweep_ms = horizon + window_ms / 8;
}

}  // namespace

DedupCheck CheckDuplicateAndRemember(DedupMemory& m, const Envelope& env, int64_t ts,
                                     int64_t window_ms) {
  m.newest_ms = std::max(m.newest_ms, ts);
  const int64_t horizon = m.newest_ms - window_ms;
  if (m.oldest_ms < horizon && horizon >= m.next_sweep_ms) SweepDedup(m, horizon, window_ms);
  std::string key = DedupKey(env.source, env.id);
  const uint64_t fp = DedupFingerprint(key);
  if (auto seen = m.applied.Find(fp); seen && *seen >= horizon) {
    // A candidate: this id, or another with the same fingerprint, inside the window. The full
    // ids decide: this batch's (pending), then the persisted chunks'.
    for (const auto& [k, t] : m.pending) {
      if (t >= horizon && k == key) return DedupCheck::kDuplicate;
    }
    if (!m.chunks.empty()) {
      if (!m.stored_ids) return DedupCheck::kNeedIds;
      auto it = m.stored_ids->find(key);
      if (it != m.stored_ids->end() && it->second >= horizon) return DedupCheck::kDuplicate;
    }
  }
  m.oldest_ms = std::min(m.oldest_ms, ts);
  m.pending.emplace_back(std::move(key), ts);
  m.applied.Remember(fp, ts);
  return DedupCheck::kNew;
}

namespace {

// The events other than master data, one function each: the facets the event touches are
// emitted with -1, the state changes, and they are emitted again with +1 (Update).
void ApplyData(const SkpApproved& data, const Envelope& /*envelope*/, EmployeeState& s, KpiTable* d,
               ApplyEffect& effect) {
  // The SKP decides achievement and whether the year's reports count as "reporting".
  const int year = data.year;
  YearState& y = s.years[year];
  auto facets = [&](int sign) {
    EmitSkpYear(s, year, sign, d);
    for (const auto& [month, m] : y.months) EmitReportsMonth(s, month, sign, d);
  };
  Update(facets, [&] { y.skp = data.indicators; });
  effect.year_written = year;
}

void ApplyData(const RealisasiReported& data, const Envelope& /*envelope*/, EmployeeState& s,
               KpiTable* d, ApplyEffect& effect) {
  const MonthIndex month = data.period;
  auto facets = [&](int sign) {
    EmitSkpYear(s, YearOf(month), sign, d);
    EmitReportsMonth(s, month, sign, d);
  };
  Update(facets, [&] { MonthOf(s, month).indicators[data.indicator].value = data.value; });
  effect.month = month;
  effect.year_written = YearOf(month);
}

void ApplyData(const EvidenceSubmitted& data, const Envelope& /*envelope*/, EmployeeState& s,
               KpiTable* d, ApplyEffect& effect) {
  const MonthIndex month = data.period;
  auto facets = [&](int sign) { EmitReportsMonth(s, month, sign, d); };
  Update(facets, [&] {
    std::vector<std::string>& set = MonthOf(s, month).indicators[data.indicator].evidence;
    auto it = std::lower_bound(set.begin(), set.end(), data.evidence);
    if (it == set.end() || *it != data.evidence) set.insert(it, data.evidence);
  });
  effect.month = month;
  effect.year_written = YearOf(month);
}

void ApplyData(const FeedbackGiven& /*data*/, const Envelope& envelope, EmployeeState& s,
               KpiTable* d, ApplyEffect& effect) {
  const MonthIndex month = FeedbackMonth(envelope, s);
  auto facets = [&](int sign) { EmitFeedbackMonth(s, month, sign, d); };
  Update(facets, [&] { MonthOf(s, month).feedback++; });
  effect.month = month;
  effect.year_written = YearOf(month);
}

void ApplyData(const RatingAssigned& data, const Envelope& /*envelope*/, EmployeeState& s,
               KpiTable* d, ApplyEffect& effect) {
  const Rating rating{data.hasil, data.perilaku, data.rater};
  if (data.period.monthly) {
    const MonthIndex month = data.period.value;
    auto facets = [&](int sign) { EmitMonthlyRating(s, month, sign, d); };
    Update(facets, [&] { MonthOf(s, month).rating = rating; });
    effect.month = month;
    effect.year_written = YearOf(month);
  } else {
    const int year = data.period.value;
    auto facets = [&](int sign) { EmitAnnual(s, year, sign, d); };
    Update(facets, [&] { s.years[year].annual = rating; });
    effect.year_written = year;
  }
}

void ApplyData(const PotentialAssessed& data, const Envelope& /*envelope*/, EmployeeState& s,
               KpiTable* d, ApplyEffect& effect) {
  const int year = data.year;
  auto facets = [&](int sign) { EmitAnnual(s, year, sign, d); };
  Update(facets, [&] { s.years[year].potential = data.potential; });
  effect.year_written = year;
}

void ApplyData(const TrainingCompleted& data, const Envelope& /*envelope*/, EmployeeState& s,
               KpiTable* d, ApplyEffect& effect) {
  const int year = data.completed_on.year;
  auto facets = [&](int sign) { EmitTrainingYear(s, year, sign, d); };
  Update(facets, [&] {
    s.years[year].training[{data.completed_on, data.course}] =
        TrainingRecord{data.minutes, data.mode};
  });
  effect.year_written = year;
}

void ApplyData(const ActivityLogged& data, const Envelope& /*envelope*/, EmployeeState& s,
               KpiTable* d, ApplyEffect& effect) {
  const MonthIndex month = ToMonthIndex(data.date);
  auto facets = [&](int sign) { EmitActivityMonth(s, month, sign, d); };
  Update(facets, [&] {
    MonthState& m = MonthOf(s, month);
    (data.category == ActivityCategory::kAdministrative ? m.administrative : m.substantive) +=
        data.minutes;
  });
  effect.month = month;
  effect.year_written = YearOf(month);
}

// Applied before the others (it may move every contribution of the employee).
void ApplyData(const EmployeeUpserted& /*data*/, const Envelope& /*envelope*/, EmployeeState& /*s*/,
               KpiTable* /*d*/, ApplyEffect& /*effect*/) {}

}  // namespace

ApplyEffect Apply(const Event& event, EmployeeState& s, KpiTable* d) {
  ApplyEffect effect;
  const bool was_known = s.known;
  if (const auto* u = std::get_if<EmployeeUpserted>(&event.data)) {
    MasterData next{u->agency,     u->unit,       u->tz,    u->position,
                    u->employment, u->supervisor, u->active};
    if (!MovesAttribution(s, *u)) {
      s.master = std::move(next);  // nothing counted changes
      return effect;
    }
    EmitAll(s, -1, d);
    s.master = std::move(next);
    s.known = true;
    EmitAll(s, +1, d);
    return effect;
  }

  std::visit([&](const auto& data) { ApplyData(data, event.envelope, s, d, effect); }, event.data);
  s.known = true;
  // The employee facet changes only with the first event: the employee starts to count.
  if (!was_known) EmitEmployee(s, +1, d);
  return effect;
}

namespace {

// glibc malloc: 8 bytes of header, chunks in steps of 16, 32 at least.
constexpr size_t Chunk(size_t n) { return std::max<size_t>(32, (n + 8 + 15) / 16 * 16); }
// A std::map node: three pointers and a colour word before the value.
constexpr size_t MapNode(size_t value) { return Chunk(32 + value); }
size_t Heap(const std::string& s) { return s.capacity() > 15 ? Chunk(s.capacity() + 1) : 0; }
template <class T>
size_t Heap(const std::vector<T>& v) {
  return v.capacity() == 0 ? 0 : Chunk(v.capacity() * sizeof(T));
}

size_t YearBytes(const YearState& y) {
  size_t n = 0;
  if (y.skp) {
    n += Heap(*y.skp);
    for (const SkpIndicator& i : *y.skp) n += Heap(i.id) + Heap(i.unit);
  }
  for (const auto& [month, m] : y.months) {
    n += MapNode(sizeof(MonthIndex) + sizeof(MonthState));
    for (const auto& [id, im] : m.indicators) {
      n += MapNode(sizeof(std::string) + sizeof(IndicatorMonth)) + Heap(id) + Heap(im.evidence);
      for (const std::string& e : im.evidence) n += Heap(e);
    }
  }
  for (const auto& [key, record] : y.training) {
    n += MapNode(sizeof(std::pair<const std::pair<Date, std::string>, TrainingRecord>)) +
         Heap(key.second);
  }
  return n;
}

}  // namespace

size_t ApproximateBytes(const EmployeeState& s) {
  size_t n = sizeof(EmployeeState);
  if (s.master) n += Heap(s.master->agency) + Heap(s.master->unit);
  for (const auto& [year, y] : s.years)
    n += MapNode(sizeof(int) + sizeof(YearState)) + YearBytes(y);
  const DedupMemory& d = s.dedup;
  n += d.applied.MemoryBytes() + Heap(d.chunks) + Heap(d.pending) + Heap(d.expired);
  for (const auto& [key, ts] : d.pending) n += Heap(key);
  if (d.stored_ids) {
    for (const auto& [key, ts] : *d.stored_ids)
      n += Chunk(sizeof(std::string) + 16) + Heap(key);  // node: key, value, next, hash
  }
  return n;
}

void Contribution(const EmployeeState& s, KpiTable* out) { EmitAll(s, +1, out); }

}  // namespace kinerja::processors
