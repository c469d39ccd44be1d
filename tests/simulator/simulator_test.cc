// The simulator: valid events only, deterministic, and the shapes of real e-Kinerja traffic
// (domain.md, docs/events.md). Thresholds are reasoned from the domain, with room for chance: a
// check fails when a behaviour is missing, not when a share moves by a few points (they hold
// for the first 60 seeds, not just the one used here).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "ingest/decoder.h"
#include "simulator/simulator.h"

using namespace kinerja;

namespace {

constexpr int kEmployees = 200;
constexpr int kYear = 2026;

// One simulated run, decoded.
struct Run {
  simulator::SimulationSummary summary;
  std::vector<std::string> json;
  std::vector<Event> events;  // the accepted ones, in emission order
  std::vector<std::string> rejections;
  std::map<Nip, std::vector<size_t>> by_employee;  // indexes into events, in emission order
};

// One employee's event with the master data and SKP in force before it.
struct Context {
  const Event* event = nullptr;
  const EmployeeUpserted* master = nullptr;  // latest master data before this event, if any
  const SkpApproved* skp = nullptr;          // latest SKP before this event, if any
};
// Each employee's events in order without publisher retries (a (source, id) seen before).
using Employees = std::map<Nip, std::vector<Context>>;

Employees ByEmployee(const Run& run) {
  Employees out;
  for (const auto& [nip, indexes] : run.by_employee) {
    std::set<std::pair<std::string, std::string>> seen;
    std::vector<Context>& events = out[nip];
    Context c;
    for (size_t i : indexes) {
      const Event& e = run.events[i];
      if (!seen.insert({e.envelope.source, e.envelope.id}).second) continue;
      c.event = &e;
      events.push_back(c);
      if (auto* u = std::get_if<EmployeeUpserted>(&e.data)) c.master = u;
      if (auto* s = std::get_if<SkpApproved>(&e.data)) c.skp = s;
    }
  }
  return out;
}

// How many events come before an earlier-timed event of the same employee.
int OutOfOrder(const Run& run) {
  int out_of_order = 0;
  for (const auto& [nip, indexes] : run.by_employee) {
    for (size_t i = 1; i < indexes.size(); ++i) {
      out_of_order += run.events[indexes[i]].envelope.time.unix_seconds <
                      run.events[indexes[i - 1]].envelope.time.unix_seconds;
    }
  }
  return out_of_order;
}

Run Simulate(const simulator::SimulatorOptions& o) {
  Run run;
  std::vector<std::string> keys;
  run.summary = simulator::Simulate(o, [&](std::string_view key, std::string_view json) {
    keys.emplace_back(key);
    run.json.emplace_back(json);
    return true;
  });
  ingest::Decoder decoder;
  for (size_t i = 0; i < run.json.size(); ++i) {
    auto r = decoder.Decode(keys[i], run.json[i]);  // key = subject, as the publisher sends it
    if (auto* rej = std::get_if<ingest::Rejection>(&r)) {
      run.rejections.push_back(std::string(ingest::RejectReasonName(rej->reason)) + ": " +
                               rej->detail + " in " + run.json[i]);
      continue;
    }
    run.by_employee[std::get<Event>(r).envelope.subject].push_back(run.events.size());
    run.events.push_back(std::move(std::get<Event>(r)));
  }
  return run;
}

// A year of 200 employees without the daily activity logs (3/4 of the volume), decoded once
// per test process: enough employees for the rarer shapes, fast under sanitizers.
const Run& SimulatedYear() {
  static const Run run = [] {
    simulator::SimulatorOptions o;
    o.employees = kEmployees;
    o.agencies = 7;
    o.year = kYear;
    o.days = 365;
    o.daily_activity = false;
    return Simulate(o);
  }();
  return run;
}
const Employees& YearByEmployee() {
  static const Employees employees = ByEmployee(SimulatedYear());
  return employees;
}

// A full year of everything, daily activity included, for fewer employees.
constexpr int kFullEmployees = 40;
const Run& FullYear() {
  static const Run run = [] {
    simulator::SimulatorOptions o;
    o.employees = kFullEmployees;
    o.agencies = 4;
    o.year = kYear;
    o.days = 365;
    o.seed = 7;
    return Simulate(o);
  }();
  return run;
}
const Employees& FullYearByEmployee() {
  static const Employees employees = ByEmployee(FullYear());
  return employees;
}

template <class Fn>
void ForEachEmployee(const Employees& employees, Fn fn) {
  for (const auto& [nip, events] : employees) fn(nip, events);
}

MonthIndex LocalMonthOf(const Event& e) {
  return LocalMonth(e.envelope.time.unix_seconds, e.envelope.time.offset_minutes);
}
MonthIndex Month(int m) { return ToMonthIndex(kYear, m); }

std::string Predikat(Expectation hasil, Expectation perilaku) {
  using enum Expectation;
  if (perilaku == kDiBawah) return hasil == kDiBawah ? "sangat_kurang" : "kurang";
  if (hasil == kDiBawah) return "butuh_perbaikan";
  return hasil == kDiAtas && perilaku == kDiAtas ? "sangat_baik" : "baik";
}

int TalentBox(Potential p, Expectation hasil) {
  const int col = hasil == Expectation::kDiBawah ? 0 : hasil == Expectation::kSesuai ? 1 : 2;
  static const int kBoxes[3][3] = {{1, 2, 4}, {3, 5, 7}, {6, 8, 9}};
  return kBoxes[static_cast<int>(p)][col];
}

}  // namespace

TEST_CASE("simulator: a full year of events is valid and has all nine types") {
  const Run& y = FullYear();
  const Employees& people = FullYearByEmployee();
  SECTION("every event is accepted by the decoder with key = subject and all nine types occur") {
    INFO((y.rejections.empty() ? std::string() : y.rejections.front()));
    CHECK(y.rejections.empty());
    CHECK(y.events.size() == y.json.size());
    CHECK(y.summary.events == y.json.size());
    std::map<EventType, int> types;
    for (const Event& e : y.events) types[e.envelope.type]++;
    CHECK(types.size() == kEventTypeCount);
    for (const auto& [type, n] : types) {
      INFO(EventTypeName(type));
      CHECK(n >= kFullEmployees / 2);  // every type is common, not a one-off
    }
    // Daily activity dominates, but monthly realisasi, evidence and feedback for everyone make
    // the other types a good share.
    CHECK(static_cast<size_t>(types[EventType::kActivityLogged]) > y.events.size() / 2);
    CHECK(types[EventType::kActivityLogged] < 0.85 * static_cast<double>(y.events.size()));
    CHECK(types[EventType::kRealisasiReported] > 30 * kFullEmployees);
  }
  SECTION("ids are unique per source except for publisher retries of the very same event") {
    std::map<std::pair<std::string, std::string>, size_t> first;
    uint64_t retries = 0;
    bool same_content = true;
    for (size_t i = 0; i < y.events.size(); ++i) {
      const auto key = std::make_pair(y.events[i].envelope.source, y.events[i].envelope.id);
      auto [it, inserted] = first.emplace(key, i);
      if (!inserted) {
        ++retries;
        same_content = same_content && y.json[it->second] == y.json[i];
      }
    }
    CHECK(retries == y.summary.duplicates);
    CHECK(same_content);
    // The default duplicate rate is 0.2%: of ~26,000 events, some tens are re-sent.
    CHECK(retries > 10);
    CHECK(retries < 0.01 * static_cast<double>(y.events.size()));
  }
  SECTION(
      "daily activity is logged on working days with a higher administrative share for pelaksana") {
    long admin[2] = {0, 0}, total[2] = {0, 0};
    int weekend = 0, new_year = 0, activities = 0;
    ForEachEmployee(people, [&](Nip, const std::vector<Context>& events) {
      for (const Context& c : events) {
        auto* a = std::get_if<ActivityLogged>(&c.event->data);
        if (!a) continue;
        ++activities;
        const int64_t days = DaysFromCivil(a->date.year, a->date.month, a->date.day);
        const int weekday = static_cast<int>((days + 4) % 7);  // 1970-01-01 was a Thursday
        weekend += weekday == 0 || weekday == 6;
        new_year += a->date.month == 1 && a->date.day == 1;
        const EmployeeUpserted* m = c.master;
        if (!m) continue;
        const int k = m->position == Position::kPelaksana ? 1 : 0;
        total[k] += a->minutes;
        if (a->category == ActivityCategory::kAdministrative) admin[k] += a->minutes;
      }
    });
    CHECK(activities > kFullEmployees * 200);  // ~250 working days, 1-3 entries each
    CHECK(weekend == 0);
    CHECK(new_year == 0);
    REQUIRE(total[0] > 0);
    REQUIRE(total[1] > 0);
    const double others = static_cast<double>(admin[0]) / static_cast<double>(total[0]);
    const double pelaksana = static_cast<double>(admin[1]) / static_cast<double>(total[1]);
    CHECK(pelaksana > 0.5);
    CHECK(others < 0.4);
  }
  SECTION("each employee's events come in time order") {
    CHECK(OutOfOrder(y) == 0);
    CHECK(y.by_employee.size() == static_cast<size_t>(kFullEmployees));
  }
}

TEST_CASE("simulator: the same seed gives identical events and another seed other events") {
  simulator::SimulatorOptions o;
  o.employees = 60;
  o.agencies = 4;
  o.days = 70;
  auto run = [](const simulator::SimulatorOptions& options) {
    std::vector<std::pair<std::string, std::string>> out;
    simulator::Simulate(options, [&](std::string_view k, std::string_view j) {
      out.emplace_back(k, j);
      return true;
    });
    return out;
  };
  const auto first = run(o);
  const auto second = run(o);
  CHECK(first.size() > 1000);
  CHECK(first == second);
  o.seed = 43;
  const auto other = run(o);
  CHECK(other != first);
  // Not just a shifted order: most event texts differ (NIPs, ids, values).
  std::set<std::string> texts;
  for (const auto& p : first) texts.insert(p.second);
  size_t shared = 0;
  for (const auto& p : other) shared += texts.count(p.second);
  CHECK(shared < other.size() / 10);
}

TEST_CASE("simulator: max_events and a sink returning false stop the simulation at once") {
  simulator::SimulatorOptions o;
  o.employees = 300;
  o.agencies = 7;
  o.days = 40;
  o.max_events = 123;
  int n = 0;
  auto summary = simulator::Simulate(o, [&](std::string_view, std::string_view) {
    ++n;
    return true;
  });
  CHECK(n == 123);
  CHECK(summary.events == 123);
  o.max_events = 0;
  n = 0;
  simulator::Simulate(o, [&](std::string_view, std::string_view) { return ++n < 10; });
  CHECK(n == 10);
}

TEST_CASE("simulator: a year has the shapes of real e-Kinerja traffic") {
  const Run& y = SimulatedYear();
  const Employees& people = YearByEmployee();
  SECTION("every event is accepted by the decoder") {
    INFO((y.rejections.empty() ? std::string() : y.rejections.front()));
    CHECK(y.rejections.empty());
    CHECK(y.summary.events == y.json.size());
    std::set<EventType> types;
    for (const Event& e : y.events) types.insert(e.envelope.type);
    CHECK(types.size() == kEventTypeCount - 1);  // no daily activity in this run
    CHECK(types.count(EventType::kActivityLogged) == 0);
  }
  SECTION("each employee's events come in time order") {
    CHECK(OutOfOrder(y) == 0);
    CHECK(y.by_employee.size() == static_cast<size_t>(kEmployees));
  }
  SECTION("agencies are skewed in size and spread over the time zones with 39 percent pelaksana") {
    std::map<std::string, int> per_agency;
    std::set<TimeZone> zones;
    int pelaksana = 0, employees = 0;
    ForEachEmployee(people, [&](Nip, const std::vector<Context>& events) {
      for (const Context& c : events) {
        if (auto* u = std::get_if<EmployeeUpserted>(&c.event->data)) {
          ++employees;
          per_agency[u->agency]++;
          zones.insert(u->tz);
          pelaksana += u->position == Position::kPelaksana;
          break;  // the first master data
        }
      }
    });
    CHECK(employees == kEmployees);
    CHECK(per_agency.size() == 7);
    CHECK(per_agency["AG001"] > 2 * per_agency["AG007"]);
    CHECK(pelaksana > kEmployees * 0.30);
    CHECK(pelaksana < kEmployees * 0.48);
    CHECK(zones.size() >= 3);
  }
  SECTION("master data comes first for most employees with transfers and inactive periods") {
    int before_master = 0, transferred = 0, inactive = 0, back = 0, supervised = 0, heads = 0;
    int recorded_while_inactive = 0, source_not_agency = 0, self_supervised = 0, never_master = 0;
    ForEachEmployee(people, [&](Nip nip, const std::vector<Context>& events) {
      if (!std::holds_alternative<EmployeeUpserted>(events.front().event->data)) ++before_master;
      std::set<std::string> agencies;
      bool was_inactive = false;
      for (const Context& c : events) {
        if (auto* u = std::get_if<EmployeeUpserted>(&c.event->data)) {
          agencies.insert(u->agency);
          self_supervised += u->supervisor == nip;
          if (!u->active) was_inactive = true;
          if (u->active && was_inactive && !(c.master && c.master->active)) ++back;
        }
        // Every event is published by the agency the employee belongs to at that moment.
        const EmployeeUpserted* m = std::get_if<EmployeeUpserted>(&c.event->data);
        if (!m) m = c.master;
        if (m && c.event->envelope.source != m->agency) ++source_not_agency;
        // While inactive, nothing but master data is recorded.
        if (c.master && !c.master->active &&
            c.event->envelope.type != EventType::kEmployeeUpserted) {
          ++recorded_while_inactive;
        }
      }
      transferred += agencies.size() > 1;
      inactive += was_inactive;
      const EmployeeUpserted* last = nullptr;
      for (const Context& c : events) {
        if (auto* u = std::get_if<EmployeeUpserted>(&c.event->data)) last = u;
      }
      if (!last) {
        ++never_master;
        return;
      }
      (last->supervisor ? supervised : heads)++;
    });
    // ~4% of master data arrives weeks late: "employees without master data" is visible.
    CHECK(before_master >= 2);
    CHECK(before_master <= kEmployees / 10);
    CHECK(never_master == 0);  // master data arrives for everyone, if late
    CHECK(transferred >= 1);
    CHECK(transferred <= kEmployees / 10);
    CHECK(inactive >= 1);
    CHECK(back >= 1);
    CHECK(inactive <= kEmployees / 10);
    CHECK(recorded_while_inactive == 0);
    CHECK(self_supervised == 0);
    CHECK(source_not_agency == 0);
    // Nearly everyone has a supervisor in the agency; the agency heads have none.
    CHECK(supervised > kEmployees * 8 / 10);
    CHECK(heads >= 1);
  }
  SECTION("SKPs are approved in January with 2 to 9 indicators and a few revisions later") {
    int with_skp = 0, first_in_january = 0, revisions = 0, revisions_in_january = 0;
    int other_year = 0, bad_target = 0, first_not_utama = 0;
    std::set<std::string> units;
    std::set<IndicatorKind> kinds;
    size_t min_indicators = 99, max_indicators = 0;
    ForEachEmployee(people, [&](Nip, const std::vector<Context>& events) {
      bool first = true;
      for (const Context& c : events) {
        auto* s = std::get_if<SkpApproved>(&c.event->data);
        if (!s) continue;
        other_year += s->year != kYear;
        min_indicators = std::min(min_indicators, s->indicators.size());
        max_indicators = std::max(max_indicators, s->indicators.size());
        for (const SkpIndicator& i : s->indicators) {
          units.insert(i.unit);
          kinds.insert(i.kind);
          bad_target += !(i.target > 0);
        }
        first_not_utama += s->indicators.front().kind != IndicatorKind::kUtama;
        const bool january = LocalMonthOf(*c.event) == Month(1);
        if (first) {
          ++with_skp;
          first_in_january += january;
        } else {
          ++revisions;
          revisions_in_january += january;
        }
        first = false;
      }
    });
    CHECK(with_skp == kEmployees);
    CHECK(other_year == 0);
    CHECK(bad_target == 0);
    CHECK(first_not_utama == 0);
    CHECK(first_in_january == kEmployees);
    CHECK(revisions >= 2);
    CHECK(revisions <= kEmployees / 5);
    CHECK(revisions_in_january == 0);
    CHECK(min_indicators == 2);
    CHECK(max_indicators >= 8);
    CHECK(max_indicators <= 9);
    CHECK(kinds.size() == 2);
    CHECK(units.count("dokumen") == 1);
    CHECK(units.count("laporan") == 1);
    CHECK(units.count("persen") == 1);
  }
  SECTION("realisasi come monthly with corrections and late reports and mostly with evidence") {
    int reports = 0, corrections = 0, late = 0, not_in_skp = 0, on_time = 0, before_month_end = 0;
    int pairs = 0, pairs_with_evidence = 0, two_pieces = 0, resubmitted = 0,
        evidence_without_report = 0;
    int unchanged_corrections = 0;
    std::set<MonthIndex> periods;
    ForEachEmployee(people, [&](Nip, const std::vector<Context>& events) {
      std::map<std::pair<std::string, MonthIndex>, double> reported;
      std::map<std::pair<std::string, MonthIndex>, std::vector<std::string>> evidence;
      for (const Context& c : events) {
        if (auto* r = std::get_if<RealisasiReported>(&c.event->data)) {
          ++reports;
          periods.insert(r->period);
          const MonthIndex sent = LocalMonthOf(*c.event);
          if (sent <= r->period) ++before_month_end;
          if (sent == r->period + 1) ++on_time;
          if (sent >= r->period + 2) ++late;
          auto [it, inserted] = reported.emplace(std::make_pair(r->indicator, r->period), r->value);
          if (!inserted) {
            ++corrections;
            unchanged_corrections += it->second == r->value;  // a correction changes the value
            it->second = r->value;
          }
          bool in_skp = false;
          if (c.skp) {
            for (const SkpIndicator& i : c.skp->indicators) in_skp = in_skp || i.id == r->indicator;
          }
          not_in_skp += !in_skp;
        }
        if (auto* e = std::get_if<EvidenceSubmitted>(&c.event->data)) {
          const auto key = std::make_pair(e->indicator, e->period);
          if (!reported.count(key)) ++evidence_without_report;
          auto& ids = evidence[key];
          if (std::find(ids.begin(), ids.end(), e->evidence) != ids.end()) ++resubmitted;
          ids.push_back(e->evidence);
        }
      }
      pairs += static_cast<int>(reported.size());
      for (const auto& [key, ids] : evidence) {
        pairs_with_evidence += reported.count(key) > 0;
        two_pieces += std::set<std::string>(ids.begin(), ids.end()).size() > 1;
      }
    });
    // January to November are reported within the year (December's come next January).
    CHECK(periods.size() == 11);
    CHECK(*periods.begin() == Month(1));
    CHECK(before_month_end == 0);
    CHECK(on_time > reports * 0.85);
    CHECK(late > 0);
    CHECK(late < reports / 10);
    CHECK(corrections > 0);
    CHECK(corrections < reports / 10);
    CHECK(unchanged_corrections == 0);
    CHECK(not_in_skp > 0);
    CHECK(not_in_skp < reports / 50);
    CHECK(pairs_with_evidence > pairs * 0.75);
    CHECK(pairs_with_evidence < pairs);
    CHECK(two_pieces > 0);
    CHECK(resubmitted > 0);
    CHECK(evidence_without_report == 0);
  }
  SECTION("supervisors give feedback with gaps and some of it at month boundaries") {
    int feedback = 0, from_supervisor = 0, supervised_feedback = 0, own_offset = 0, with_master = 0;
    int zone_decides = 0, months = 0, months_without = 0, with_value = 0, self_given = 0;
    ForEachEmployee(people, [&](Nip nip, const std::vector<Context>& events) {
      std::set<MonthIndex> with_feedback;
      bool inactive_ever = false;
      for (const Context& c : events) {
        if (auto* u = std::get_if<EmployeeUpserted>(&c.event->data)) inactive_ever |= !u->active;
        auto* f = std::get_if<FeedbackGiven>(&c.event->data);
        if (!f) continue;
        ++feedback;
        self_given += f->giver == nip;
        with_value += f->value.has_value();
        const Instant& t = c.event->envelope.time;
        with_feedback.insert(LocalMonth(t.unix_seconds, t.offset_minutes));
        if (c.master) {
          ++with_master;
          own_offset += t.offset_minutes == UtcOffsetMinutes(c.master->tz);
          if (c.master->supervisor) {
            ++supervised_feedback;
            from_supervisor += f->giver == *c.master->supervisor;
          }
        }
        // The same instant falls in another month in another Indonesian zone (or in UTC).
        const MonthIndex m = LocalMonth(t.unix_seconds, t.offset_minutes);
        zone_decides += m != LocalMonth(t.unix_seconds, 7 * 60) ||
                        m != LocalMonth(t.unix_seconds, 9 * 60) ||
                        m != LocalMonth(t.unix_seconds, 0);
      }
      if (inactive_ever) return;
      for (int m = 1; m <= 12; ++m) {
        ++months;
        months_without += !with_feedback.count(Month(m));
      }
    });
    int with_note = 0;  // notes are validated, then dropped by the decoder: look at the text
    for (const std::string& j : y.json) with_note += j.find(R"("note":")") != std::string::npos;
    CHECK(feedback > kEmployees * 12);  // on average more than one a month
    CHECK(from_supervisor == supervised_feedback);
    CHECK(self_given == 0);
    CHECK(own_offset == with_master);
    CHECK(zone_decides > feedback / 50);
    CHECK(months_without > months / 20);
    CHECK(months_without < months / 2);
    CHECK(with_value > feedback / 2);
    CHECK(with_value < feedback);
    CHECK(with_note > 0);
  }
  SECTION(
      "periodic and annual ratings cover every predikat and potential gives most talent boxes") {
    std::map<std::string, int> periodic, annual;
    std::set<MonthIndex> periodic_months;
    std::set<int> boxes;
    int raters_ok = 0, rated_by_supervisor = 0, annual_not_december = 0, potentials = 0,
        with_annual = 0;
    int other_year = 0, self_rated = 0, rated_before_month_end = 0;
    ForEachEmployee(people, [&](Nip nip, const std::vector<Context>& events) {
      const RatingAssigned* last_annual = nullptr;
      const PotentialAssessed* potential = nullptr;
      for (const Context& c : events) {
        if (auto* p = std::get_if<PotentialAssessed>(&c.event->data)) {
          other_year += p->year != kYear;
          potential = p;
          ++potentials;
        }
        auto* r = std::get_if<RatingAssigned>(&c.event->data);
        if (!r) continue;
        self_rated += r->rater == nip;
        if (c.master && c.master->supervisor) {
          ++rated_by_supervisor;
          raters_ok += r->rater == *c.master->supervisor;
        }
        if (r->period.monthly) {
          periodic[Predikat(r->hasil, r->perilaku)]++;
          periodic_months.insert(r->period.value);
          rated_before_month_end += LocalMonthOf(*c.event) <= r->period.value;
        } else {
          other_year += r->period.value != kYear;
          annual[Predikat(r->hasil, r->perilaku)]++;
          annual_not_december += LocalMonthOf(*c.event) != Month(12);
          last_annual = r;
        }
      }
      with_annual += last_annual != nullptr;
      if (last_annual && potential)
        boxes.insert(TalentBox(potential->potential, last_annual->hasil));
    });
    for (const char* p : {"sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"}) {
      INFO(p);
      CHECK(periodic[p] > 0);
      CHECK(annual[p] > 0);
    }
    // Most are rated baik: the predikat distribution is not flat.
    CHECK(annual["baik"] > with_annual / 2);
    CHECK(periodic_months.size() == 11);
    CHECK(raters_ok == rated_by_supervisor);
    CHECK(self_rated == 0);
    CHECK(rated_before_month_end == 0);
    CHECK(other_year == 0);
    CHECK(with_annual > kEmployees * 9 / 10);
    CHECK(annual_not_december == 0);
    CHECK(potentials > kEmployees * 9 / 10);
    CHECK(potentials <= kEmployees);
    CHECK(boxes.size() >= 7);
  }
  SECTION("most employees reach 20 JP of training late in the year with a few records replaced") {
    int reached = 0, reached_late = 0, replaced = 0, same_minutes = 0;
    std::set<TrainingMode> modes;
    ForEachEmployee(people, [&](Nip, const std::vector<Context>& events) {
      std::map<std::pair<std::string, Date>, int> records;
      for (const Context& c : events) {
        auto* t = std::get_if<TrainingCompleted>(&c.event->data);
        if (!t) continue;
        modes.insert(t->mode);
        auto [it, inserted] =
            records.emplace(std::make_pair(t->course, t->completed_on), t->minutes);
        if (!inserted) {
          ++replaced;
          same_minutes += it->second == t->minutes;
          it->second = t->minutes;
        }
      }
      // The date on which the year's minutes (after replacements) first reach 900.
      std::map<Date, int> per_day;
      for (const auto& [key, minutes] : records) per_day[key.second] += minutes;
      int total = 0;
      for (const auto& [date, minutes] : per_day) {
        total += minutes;
        if (total >= 900) {
          ++reached;
          reached_late += date.month >= 7;
          break;
        }
      }
    });
    CHECK(reached > kEmployees * 6 / 10);
    CHECK(reached < kEmployees);  // some fall short
    CHECK(reached_late > reached * 7 / 10);
    CHECK(replaced > 0);
    CHECK(same_minutes == 0);
    CHECK(modes.size() == 2);
  }
}
