// Differential test: a deliberately simple reference model, written here, recomputes every KPI
// counter from the list of events (no incremental tricks); the real pipeline must agree on
// randomised streams with duplicates, corrections, transfers, rejects, restarts and rebalances.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>

#include "ingest/memory.h"
#include "pipeline/pipeline.h"
#include "simulator/simulator.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::processors;
using kinerja::testing::Ev;

namespace {

struct RefEvent {
  std::string nip, source, id, type;
  std::string agency, status;               // upsert
  std::string course, date;                 // training / activity date
  int minutes = 0;
  std::string category;
};

// Recomputes all counters from scratch. Events are given in per-employee order; a (source, id)
// seen before for the same employee is a duplicate (all timestamps are within the window).
KpiTable Reference(const std::vector<RefEvent>& events) {
  struct Person {
    std::optional<std::pair<std::string, bool>> master;  // agency, active
    std::map<std::pair<std::string, std::string>, int> training;  // (course, date) -> minutes
    std::map<std::string, std::pair<long, long>> activity;        // "YYYY-MM" -> admin, subst
    std::set<std::pair<std::string, std::string>> seen;
  };
  std::map<std::string, Person> people;
  for (const auto& e : events) {
    Person& p = people[e.nip];
    if (!p.seen.insert({e.source, e.id}).second) continue;
    if (e.type == "upsert") p.master = {e.agency, e.status == "active"};
    if (e.type == "training") p.training[{e.course, e.date}] = e.minutes;
    if (e.type == "activity") {
      auto& a = p.activity[e.date.substr(0, 7)];
      (e.category == "administrative" ? a.first : a.second) += e.minutes;
    }
  }
  KpiTable t;
  for (const auto& [nip, p] : people) {
    if (!p.master) {
      t.Add({Kpi::kWithoutMasterData, 0, 0, {}}, 1);
      continue;
    }
    if (!p.master->second) continue;
    const std::string& agency = p.master->first;
    t.Add({Kpi::kEmployees, 0, 0, agency}, 1);
    std::map<int, long> per_year;
    for (const auto& [key, minutes] : p.training) per_year[std::stoi(key.second.substr(0, 4))] += minutes;
    for (const auto& [year, minutes] : per_year) {
      t.Add({Kpi::kTrainingMinutes, 0, year, agency}, minutes);
      const uint8_t band = minutes < 450 ? 1 : minutes < 900 ? 2 : 3;
      t.Add({Kpi::kTrainingBand, band, year, agency}, 1);
    }
    for (const auto& [month, a] : p.activity) {
      const MonthIndex m = ToMonthIndex(std::stoi(month.substr(0, 4)), std::stoi(month.substr(5, 2)));
      t.Add({Kpi::kActivityMinutes, 0, m, agency}, a.first);
      t.Add({Kpi::kActivityMinutes, 1, m, agency}, a.second);
      if (a.first > a.second) t.Add({Kpi::kAdminHeavy, 0, m, agency}, 1);
    }
  }
  return t;
}

std::string ToJson(const RefEvent& e) {
  if (e.type == "upsert") return Ev::Upsert(e.id, e.nip, e.agency, e.status);
  if (e.type == "training") return Ev::Training(e.id, e.nip, e.course, e.date, e.minutes, e.source);
  return Ev::Activity(e.id, e.nip, e.date, e.minutes, e.category, e.source);
}

std::string Diff(const KpiTable& a, const KpiTable& b) {
  KpiTable d = a;
  d.AddAll(b, -1);
  std::string out;
  for (const auto& [k, v] : d) {
    out += "kpi=" + std::to_string(static_cast<int>(k.kpi)) + " agency=" + k.agency + " period=" +
           std::to_string(k.period) + " sub=" + std::to_string(k.sub) + " diff=" + std::to_string(v) + "\n";
  }
  return out;
}

// Runs the pipeline over `log` (per partition), restarting and rebalancing at random points.
KpiTable RunPipeline(const std::vector<std::vector<std::pair<std::string, std::string>>>& log,
                     std::mt19937& rng) {
  const int32_t partitions = static_cast<int32_t>(log.size());
  auto store = storage::NewMemoryStateStore();
  ingest::MemoryDeadLetters dlq;
  pipeline::NullProbe probe;
  // Each "life" sees a prefix of every partition's log, then stops (a restart).
  std::vector<size_t> visible(log.size(), 0);
  KpiTable result;
  for (int life = 0; life < 4; ++life) {
    for (size_t p = 0; p < log.size(); ++p) {
      visible[p] = life == 3 ? log[p].size() : std::max(visible[p], std::uniform_int_distribution<size_t>(0, log[p].size())(rng));
    }
    ingest::MemorySource src(partitions);
    for (size_t p = 0; p < log.size(); ++p) {
      for (size_t i = 0; i < visible[p]; ++i) src.Append(static_cast<int32_t>(p), {log[p][i].first, log[p][i].second, 1000});
    }
    pipeline::PipelineOptions options;
    options.max_batch_messages = std::uniform_int_distribution<size_t>(1, 50)(rng);
    pipeline::Pipeline pipe(options, &src, &dlq, store.get(), &probe);
    bool idle = false;
    while (!idle) {
      REQUIRE(pipe.RunOnce(&idle).ok());
      if (std::uniform_int_distribution<int>(0, 9)(rng) == 0) {  // a rebalance round trip
        const int32_t p = std::uniform_int_distribution<int32_t>(0, partitions - 1)(rng);
        REQUIRE(src.Revoke({p}).ok());
        REQUIRE(src.Assign({p}).ok());
      }
    }
    result = pipe.Snapshot().counters;
  }
  return result;
}

}  // namespace

TEST_CASE("pipeline equals the reference model on random streams") {
  const std::vector<std::string> nips = {"198609262015051001", "199001012015052002", "197512312000011003",
                                         "196001011985032004", "200012312022012005", "198202282010011006",
                                         "198402292012022007", "197007072001011008"};
  const std::vector<std::string> agencies = {"A1", "A2", "A3"};
  for (int seed = 1; seed <= 25; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(static_cast<unsigned>(seed));
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    std::vector<RefEvent> events;
    for (int i = 0; i < 300; ++i) {
      RefEvent e;
      e.nip = nips[static_cast<size_t>(pick(static_cast<int>(nips.size())))];
      e.source = agencies[static_cast<size_t>(pick(3))];
      e.id = "e" + std::to_string(i);
      const int kind = pick(10);
      if (kind == 0) {
        e.type = "upsert";
        e.agency = agencies[static_cast<size_t>(pick(3))];
        e.status = pick(4) == 0 ? "inactive" : "active";
      } else if (kind <= 3) {
        e.type = "training";
        e.course = "C" + std::to_string(pick(3));  // few courses: frequent replacements
        e.date = (pick(2) ? "2026-0" : "2025-1") + std::to_string(1 + pick(2)) + "-1" + std::to_string(pick(10));
        e.minutes = 1 + pick(600);
      } else {
        e.type = "activity";
        e.date = "2026-0" + std::to_string(1 + pick(3)) + "-1" + std::to_string(pick(10));
        e.minutes = 1 + pick(300);
        e.category = pick(2) ? "administrative" : "substantive";
      }
      events.push_back(e);
      if (pick(10) == 0) events.push_back(e);  // a publisher retry: same id
      if (pick(20) == 0) {                     // a reused id with other content: still a duplicate
        RefEvent d = e;
        d.minutes = e.minutes + 1;
        events.push_back(d);
      }
    }
    // Partition by employee; rejects sprinkled in are dead-lettered and change nothing.
    const int32_t partitions = 3;
    std::vector<std::vector<std::pair<std::string, std::string>>> log(partitions);
    for (const auto& e : events) {
      const size_t p = std::hash<std::string>{}(e.nip) % partitions;
      log[p].push_back({e.nip, ToJson(e)});
      if (pick(15) == 0) log[p].push_back({e.nip, "{\"broken\":"});
    }
    const KpiTable expected = Reference(events);
    const KpiTable actual = RunPipeline(log, rng);
    INFO(Diff(actual, expected));
    CHECK(Diff(actual, expected).empty());
  }
}

TEST_CASE("pipeline equals the reference model on simulated traffic") {
  simulator::SimulatorOptions o;
  o.employees = 60;
  o.agencies = 4;
  o.days = 45;
  o.duplicate_rate = 0.05;
  std::vector<RefEvent> events;
  std::vector<std::vector<std::pair<std::string, std::string>>> log(4);
  ingest::Decoder decoder;
  simulator::Simulate(o, [&](std::string_view key, std::string_view json) {
    auto decoded = decoder.Decode(key, json);
    REQUIRE(std::holds_alternative<Event>(decoded));  // the simulator emits only valid events
    const Event& ev = std::get<Event>(decoded);
    RefEvent e;
    e.nip = std::string(key);
    e.source = ev.envelope.source;
    e.id = ev.envelope.id;
    if (auto* u = std::get_if<EmployeeUpserted>(&ev.data)) {
      e.type = "upsert";
      e.agency = u->agency;
      e.status = u->active ? "active" : "inactive";
    } else if (auto* t = std::get_if<TrainingCompleted>(&ev.data)) {
      e.type = "training";
      e.course = t->course;
      e.date = FormatDate(t->completed_on);
      e.minutes = t->minutes;
    } else if (auto* a = std::get_if<ActivityLogged>(&ev.data)) {
      e.type = "activity";
      e.date = FormatDate(a->date);
      e.minutes = a->minutes;
      e.category = std::string(ActivityCategoryName(a->category));
    }
    events.push_back(e);
    log[std::hash<std::string>{}(e.nip) % 4].push_back({e.nip, std::string(json)});
    return true;
  });
  std::mt19937 rng(7);
  const KpiTable actual = RunPipeline(log, rng);
  const KpiTable expected = Reference(events);
  INFO(Diff(actual, expected));
  CHECK(Diff(actual, expected).empty());
  CHECK(expected.size() > 20);
}
