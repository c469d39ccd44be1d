// Differential test: a deliberately simple reference model, written here from docs/kpis.md and
// docs/events.md, recomputes every public KPI series from the list of events (no incremental
// tricks: state is replayed, then every gauge is aggregated from scratch, then the presence and
// window rules are applied). The real pipeline, rendered by the exporter, must show exactly the
// same series on randomised streams over all nine event types, with duplicates, corrections,
// transfers, inactive employees, employees without master data, time-zone changes, rejects,
// restarts and rebalances.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "ingest/memory.h"
#include "kpi_series.h"
#include "pipeline/pipeline.h"
#include "reference_model.h"
#include "simulator/simulator.h"
#include "support.h"

using namespace kinerja;
using kinerja::testing::Ev;
using kinerja::testing::Key;
using kinerja::testing::Labels;
using kinerja::testing::SeriesMap;

using namespace kinerja::testing::ref;

namespace {

// An invalid message with the event's (source, id): it is dead-lettered and must not reserve
// the id, so the valid event after it is still applied.
std::string InvalidCopy(const RefEvent& e, int variant) {
  switch (variant % 8) {
    case 0:
      return Ev::Realisasi(e.id, e.nip, "2026-01", "I1", -1, e.source);  // value < 0
    case 1:
      return Ev::Activity(e.id, e.nip, "2026-01-05", 0, "administrative", e.source);  // minutes 0
    case 2:
      return Ev::Feedback(e.id, e.nip, "2026-01-05T10:00:00+07:00", "123", "loyal",
                          e.source);  // giver
    case 3:
      return Ev::Rating(e.id, e.nip, "2026-13", "sesuai", "sesuai", "197001012000011001", e.source);
    case 4:
      return Ev::Upsert(e.id, e.nip, "A1", "active", "Asia/Tokyo", "2026-01-02T08:00:00+07:00",
                        e.source);
    case 5:
      return Ev::Skp(e.id, e.nip, 2026, {{"I1", 0}}, e.source);  // target 0
    case 6:
      return Ev::Training(e.id, e.nip, "C1", "2026-01-10", 100001, e.source);  // minutes
    default:
      return Ev::Potential(e.id, e.nip, 2026, "sedang", e.source);
  }
}

struct Stream {
  std::vector<RefEvent> events;  // the valid events, in log order
  Log log;
};

Stream RandomStream(std::mt19937& rng, int32_t partitions) {
  // The last NIP never gets master data.
  const std::vector<std::string> nips = {
      "198609262015051001", "199001012015052002", "197512312000011003", "196001011985032004",
      "200012312022012005", "198202282010011006", "198402292012022007", "197007072001011008"};
  const std::vector<std::string> agencies = {"A1", "A2", "A3"};
  const std::vector<std::string> sources = {"A1", "A2", "X9"};
  const std::vector<std::string> tzs = {"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar",
                                        "Asia/Jayapura"};
  const std::vector<std::string> expectations = {"di_atas", "sesuai", "di_bawah"};
  auto pick = [&](size_t n) {
    return static_cast<size_t>(std::uniform_int_distribution<size_t>(0, n - 1)(rng));
  };
  auto pick_of = [&](const std::vector<std::string>& v) -> const std::string& {
    return v[pick(v.size())];
  };
  // Data months 2024-12 .. 2026-03: wider than the 13-month window.
  auto random_month = [&] { return Month(2024 * 12 + 11 + static_cast<int>(pick(16))); };

  Stream s;
  s.log.resize(static_cast<size_t>(partitions));
  auto send = [&](const std::string& key, std::string json) {
    s.log[std::hash<std::string>{}(key) % s.log.size()].push_back({key, std::move(json)});
  };
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      used;  // nip -> (source, id)
  for (int i = 0; i < 320; ++i) {
    RefEvent e;
    const size_t who = pick(nips.size());
    e.nip = nips[who];
    e.source = pick_of(sources);
    e.id = "e" + std::to_string(i);
    auto& mine = used[e.nip];
    const size_t reuse = pick(30);
    if (reuse == 0 && !mine.empty()) {
      // An id this employee already got from the same source, with other content: a duplicate
      // (unless that copy was itself never applied; the model decides).
      std::tie(e.source, e.id) = mine[pick(mine.size())];
    } else if (reuse == 1 && !mine.empty()) {
      // The same id from another source: a different event.
      const auto& [src, id] = mine[pick(mine.size())];
      e.id = id;
      e.source = src == "A1" ? "A2" : "A1";
    } else if (reuse == 2) {
      // An id another employee got from the same source: dedup is per subject.
      const auto& other = used[nips[(who + 1) % nips.size()]];
      if (!other.empty()) std::tie(e.source, e.id) = other[pick(other.size())];
    }
    size_t kind = pick(24);
    if (kind < 3 && who == nips.size() - 1) kind = 23;
    if (kind < 3) {
      e.type = "employee";
      e.agency = pick_of(agencies);
      e.status = pick(5) == 0 ? "inactive" : "active";
      e.tz = pick_of(tzs);
    } else if (kind < 5) {
      e.type = "skp";
      e.year = 2024 + static_cast<int>(pick(3));
      std::vector<std::string> ids = {"I1", "I2", "I3", "I4"};
      std::shuffle(ids.begin(), ids.end(), rng);
      const size_t n = 1 + pick(3);
      for (size_t k = 0; k < n; ++k) {
        // Targets and values are multiples of 0.5: every sum is exact, "target met" is exact.
        e.indicators.push_back(
            {ids[k], 0.5 * static_cast<double>(1 + pick(24)), pick(3) ? "utama" : "tambahan"});
      }
    } else if (kind < 10) {
      e.type = "realisasi";
      e.period = random_month();
      e.indicator = "I" + std::to_string(1 + pick(5));  // I5 is in no SKP
      e.value = static_cast<double>(pick(9));
    } else if (kind < 13) {
      e.type = "evidence";
      e.period = random_month();
      e.indicator = "I" + std::to_string(1 + pick(5));
      e.evidence = "E" + std::to_string(1 + pick(3));
    } else if (kind < 16) {
      e.type = "feedback";
      // Near a month boundary (00:00 local) of WIB, WITA, WIT or UTC, written in some offset.
      const int boundary = 2025 * 12 + static_cast<int>(pick(16));  // 2025-01 .. 2026-04
      const int64_t midnight_utc = RefDaysFromCivil(boundary / 12, boundary % 12 + 1, 1) * 86400;
      const std::vector<int64_t> near = {
          -9 * 3600 - 1, -9 * 3600, -8 * 3600 - 1, -8 * 3600, -7 * 3600 - 1, -7 * 3600, -1, 0,
          -30 * 60,      1800};
      e.utc_seconds = midnight_utc + (pick(3) ? near[pick(near.size())]
                                              : std::uniform_int_distribution<int64_t>(
                                                    -12 * 3600, 12 * 3600)(rng));
      e.offset_minutes = std::vector<int>{0, 420, 480, 540}[pick(4)];
    } else if (kind < 19) {
      e.type = "rating";
      e.period = pick(3) == 0 ? std::to_string(2025 + pick(2)) : random_month();
      e.hasil = pick_of(expectations);
      e.perilaku = pick_of(expectations);
    } else if (kind < 20) {
      e.type = "potential";
      e.year = 2025 + static_cast<int>(pick(2));
      e.potential = pick_of({"rendah", "menengah", "tinggi"});
    } else if (kind < 22) {
      e.type = "training";
      e.course = "C" + std::to_string(pick(3));  // few courses and dates: frequent replacements
      e.date =
          std::to_string(2025 + pick(2)) + (pick(2) ? "-01-1" : "-06-2") + std::to_string(pick(2));
      e.minutes = pick(3) == 0 ? std::vector<int>{449, 450, 451, 899, 900, 901}[pick(6)]
                               : 1 + static_cast<int>(pick(500));
    } else {
      e.type = "activity";
      e.date = random_month() + "-1" + std::to_string(pick(10));
      e.minutes = 1 + static_cast<int>(pick(300));
      e.category = pick(2) ? "administrative" : "substantive";
    }
    if (pick(12) == 0)
      send(e.nip, InvalidCopy(e, static_cast<int>(pick(8))));  // first an invalid copy
    s.events.push_back(e);
    send(e.nip, ToJson(e));
    mine.push_back({e.source, e.id});
    if (pick(10) == 0) {  // a publisher retry: the same message again
      s.events.push_back(e);
      send(e.nip, ToJson(e));
    }
    if (pick(25) == 0) send(e.nip, "{\"broken\":");
    if (pick(30) == 0) {  // keyed by this employee but about another one: key_mismatch
      RefEvent other = e;
      other.nip = nips[(who + 3) % nips.size()];
      send(e.nip, ToJson(other));
    }
  }
  return s;
}

}  // namespace

TEST_CASE("the reference model's own calendar and tables agree with hand-worked values") {
  // The model is only as good as its helpers: pin them to values worked out by hand.
  CHECK(RefDaysFromCivil(1970, 1, 1) == 0);
  CHECK(RefDaysFromCivil(2026, 4, 1) ==
        20544);  // 56 years incl. 14 leap days: 56*365+14 = 20454, + 90 days of Q1
  CHECK(RefFormatTime(RefDaysFromCivil(2026, 4, 1) * 86400 - 7 * 3600 - 1800, 0) ==
        "2026-03-31T16:30:00Z");
  CHECK(RefFormatTime(RefDaysFromCivil(2026, 4, 1) * 86400 - 7 * 3600 - 1800, 480) ==
        "2026-04-01T00:30:00+08:00");
  // 2026-03-31T16:30Z: 23:30 March 31 in WIB, 00:30 April 1 in WITA, 01:30 in WIT.
  const int64_t t = RefDaysFromCivil(2026, 4, 1) * 86400 - 7 * 3600 - 1800;
  CHECK(LocalMonthOf(t, 420) == "2026-03");
  CHECK(LocalMonthOf(t, 480) == "2026-04");
  CHECK(LocalMonthOf(t, 540) == "2026-04");
  CHECK(LocalMonthOf(RefDaysFromCivil(2026, 1, 1) * 86400 - 1, 0) == "2025-12");
  CHECK(Month(2026 * 12 + 2) == "2026-03");
  CHECK(Predikat("di_bawah", "di_atas") == "butuh_perbaikan");
  CHECK(TalentBox("tinggi", "di_bawah") == "6");
}

TEST_CASE("pipeline equals the reference model on random streams of all nine types") {
  size_t series_checked = 0;
  std::set<std::string> names_seen;
  for (int seed = 1; seed <= 30; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(static_cast<unsigned>(seed));
    const Stream stream = RandomStream(rng, 3);
    const SeriesMap expected = Reference(stream.events);
    const SeriesMap actual = RunPipeline(stream.log, rng);
    const std::string diff = testing::DiffSeries(actual, expected);
    INFO(diff);
    CHECK(diff.empty());
    series_checked += expected.size();
    for (const auto& [key, _] : expected) names_seen.insert(key.first);
  }
  // The streams exercise every gauge of docs/kpis.md.
  CHECK(names_seen == std::set<std::string>{
                          "kinerja_activity_seconds", "kinerja_admin_heavy_employees",
                          "kinerja_employees", "kinerja_employees_without_master_data",
                          "kinerja_feedback_employees", "kinerja_feedback_given",
                          "kinerja_predikat_employees", "kinerja_realisasi_reporting_employees",
                          "kinerja_realisasi_reports", "kinerja_realisasi_reports_with_evidence",
                          "kinerja_skp_achievement", "kinerja_skp_employees",
                          "kinerja_skp_targets_met_employees", "kinerja_talent_box_employees",
                          "kinerja_training_employees", "kinerja_training_jp"});
  CHECK(series_checked > 30 * 50);
}

TEST_CASE("pipeline equals the reference model on simulated traffic") {
  simulator::SimulatorOptions o;
  o.employees = 60;
  o.agencies = 4;
  o.days = 45;
  o.duplicate_rate = 0.05;
  std::vector<RefEvent> events;
  Log log(4);
  ingest::Decoder decoder;
  simulator::Simulate(o, [&](std::string_view key, std::string_view json) {
    auto decoded = decoder.Decode(key, json);
    REQUIRE(std::holds_alternative<Event>(decoded));  // the simulator emits only valid events
    events.push_back(FromDecoded(std::get<Event>(decoded)));
    log[std::hash<std::string_view>{}(key) % 4].push_back({std::string(key), std::string(json)});
    return true;
  });
  std::mt19937 rng(7);
  const SeriesMap actual = RunPipeline(log, rng);
  const SeriesMap expected = Reference(events);
  const std::string diff = testing::DiffSeries(actual, expected);
  INFO(diff);
  CHECK(diff.empty());
  CHECK(expected.size() > 20);
}
