// The reference model (reference_model.h).
#include "reference_model.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "pipeline/pipeline.h"

namespace kinerja::testing::ref {

// Civil calendar (H. Hinnant's algorithms), written here so that the model shares no code with
// core/.
int64_t RefDaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void RefCivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

std::string Month(int index) {  // index = year * 12 + month - 1
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", index / 12, index % 12 + 1);
  return buf;
}
int MonthNumber(const std::string& month) {
  return std::stoi(month.substr(0, 4)) * 12 + std::stoi(month.substr(5, 2)) - 1;
}

// The local calendar month of an instant at a fixed offset.
std::string LocalMonthOf(int64_t utc_seconds, int offset_minutes) {
  int y, m, d;
  RefCivilFromDays((utc_seconds + offset_minutes * 60) / 86400, &y, &m, &d);
  return Month(y * 12 + m - 1);
}

// RFC 3339 with the given offset, e.g. "2026-04-01T00:30:00+08:00".
std::string RefFormatTime(int64_t utc_seconds, int offset_minutes) {
  const int64_t local = utc_seconds + offset_minutes * 60;
  int y, m, d;
  RefCivilFromDays(local / 86400, &y, &m, &d);
  const int64_t sod = local % 86400;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60));
  std::string out = buf;
  if (offset_minutes == 0) return out + "Z";
  const int a = std::abs(offset_minutes);
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return out + buf;
}

int TzOffsetMinutes(const std::string& tz) {
  if (tz == "Asia/Makassar") return 480;
  if (tz == "Asia/Jayapura") return 540;
  return 420;  // Asia/Jakarta, Asia/Pontianak
}

std::string Predikat(const std::string& hasil, const std::string& perilaku) {
  static const std::map<std::pair<std::string, std::string>, std::string> kTable = {
      {{"di_atas", "di_atas"}, "sangat_baik"},
      {{"di_atas", "sesuai"}, "baik"},
      {{"di_atas", "di_bawah"}, "kurang"},
      {{"sesuai", "di_atas"}, "baik"},
      {{"sesuai", "sesuai"}, "baik"},
      {{"sesuai", "di_bawah"}, "kurang"},
      {{"di_bawah", "di_atas"}, "butuh_perbaikan"},
      {{"di_bawah", "sesuai"}, "butuh_perbaikan"},
      {{"di_bawah", "di_bawah"}, "sangat_kurang"},
  };
  return kTable.at({hasil, perilaku});
}

std::string TalentBox(const std::string& potential, const std::string& hasil) {
  static const std::map<std::pair<std::string, std::string>, std::string> kTable = {
      {{"rendah", "di_bawah"}, "1"}, {{"rendah", "sesuai"}, "2"},
      {{"rendah", "di_atas"}, "4"},  {{"menengah", "di_bawah"}, "3"},
      {{"menengah", "sesuai"}, "5"}, {{"menengah", "di_atas"}, "7"},
      {{"tinggi", "di_bawah"}, "6"}, {{"tinggi", "sesuai"}, "8"},
      {{"tinggi", "di_atas"}, "9"},
  };
  return kTable.at({potential, hasil});
}

// Replays the valid events (in per-employee order) into plain per-employee state, then
// computes every series of docs/kpis.md from scratch. A (source, id) seen before for the same
// employee is a duplicate (every Kafka timestamp of these tests is within the dedup window).
SeriesMap Reference(const std::vector<RefEvent>& events, int window_months) {
  struct Master {
    std::string agency;
    bool active = true;
    std::string tz;
  };
  struct Person {
    std::set<std::pair<std::string, std::string>> seen;  // (source, id)
    std::optional<Master> master;
    std::map<int, std::vector<Ev::Indicator>> skp;                    // year -> indicators
    std::map<std::pair<std::string, std::string>, double> realisasi;  // (month, indicator) -> value
    std::map<std::pair<std::string, std::string>, std::set<std::string>>
        evidence;                         // (month, indicator)
    std::map<std::string, int> feedback;  // month -> events
    std::map<std::string, std::pair<std::string, std::string>>
        rating;                                                   // period -> (hasil, perilaku)
    std::map<int, std::string> potential;                         // year -> potential
    std::map<std::pair<std::string, std::string>, int> training;  // (course, date) -> minutes
    std::map<std::string, std::pair<int64_t, int64_t>> activity;  // month -> (admin, subst)
  };
  std::map<std::string, Person> people;
  std::string newest;  // the newest data month of any applied event; "" if none
  for (const auto& e : events) {
    Person& p = people[e.nip];
    if (!p.seen.insert({e.source, e.id}).second) continue;  // duplicate: skipped
    std::string month;                                      // the event's data month, if any
    if (e.type == "employee") {
      p.master = Master{e.agency, e.status == "active", e.tz};
    } else if (e.type == "skp") {
      p.skp[e.year] = e.indicators;
    } else if (e.type == "realisasi") {
      p.realisasi[{e.period, e.indicator}] = e.value;
      month = e.period;
    } else if (e.type == "evidence") {
      p.evidence[{e.period, e.indicator}].insert(e.evidence);
      month = e.period;
    } else if (e.type == "feedback") {
      // The employee's tz at the moment of applying; without master data, the written offset.
      month =
          LocalMonthOf(e.utc_seconds, p.master ? TzOffsetMinutes(p.master->tz) : e.offset_minutes);
      p.feedback[month]++;
    } else if (e.type == "rating") {
      p.rating[e.period] = {e.hasil, e.perilaku};
      if (e.period.size() == 7) month = e.period;
    } else if (e.type == "potential") {
      p.potential[e.year] = e.potential;
    } else if (e.type == "training") {
      p.training[{e.course, e.date}] = e.minutes;
    } else if (e.type == "activity") {
      auto& a = p.activity[e.date.substr(0, 7)];
      (e.category == "administrative" ? a.first : a.second) += e.minutes;
      month = e.date.substr(0, 7);
    }
    if (!month.empty()) newest = std::max(newest, month);
  }

  std::map<std::pair<std::string, Labels>, double> all;  // before the presence rules
  auto add = [&](const std::string& name, Labels labels, double v) {
    all[Key(name, std::move(labels))] += v;
  };
  int without_master = 0;
  std::map<std::string, int> employees;                             // agency -> employees
  std::map<std::pair<std::string, int>, int64_t> training_minutes;  // (agency, year)
  std::map<std::pair<std::string, int>, std::map<std::string, int>>
      bands;  // (agency, year) -> band -> n
  for (const auto& [nip, p] : people) {
    if (!p.master) {
      ++without_master;
      continue;
    }
    if (!p.master->active) continue;
    const std::string& a = p.master->agency;
    employees[a]++;
    for (const auto& [year, indicators] : p.skp) {
      const std::string y = std::to_string(year);
      double achievement = 0;
      bool met = true;
      for (const auto& ind : indicators) {
        double r = 0;  // summed afresh from the latest monthly values of the year
        for (const auto& [key, v] : p.realisasi) {
          if (key.second == ind.id && std::stoi(key.first.substr(0, 4)) == year) r += v;
        }
        achievement += std::min(r / ind.target, 1.0);
        met = met && r >= ind.target;
      }
      achievement /= static_cast<double>(indicators.size());
      add("kinerja_skp_employees", {{"agency", a}, {"year", y}}, 1);
      add("kinerja_skp_achievement", {{"agency", a}, {"year", y}}, achievement);
      if (met) add("kinerja_skp_targets_met_employees", {{"agency", a}, {"year", y}}, 1);
    }
    std::set<std::string> reported_months;
    for (const auto& [key, v] : p.realisasi) {
      const auto& [month, indicator] = key;
      reported_months.insert(month);
      add("kinerja_realisasi_reports", {{"agency", a}, {"month", month}}, 1);
      auto ev = p.evidence.find(key);
      if (ev != p.evidence.end() && !ev->second.empty()) {
        add("kinerja_realisasi_reports_with_evidence", {{"agency", a}, {"month", month}}, 1);
      }
    }
    for (const auto& month : reported_months) {
      if (p.skp.count(std::stoi(month.substr(0, 4)))) {
        add("kinerja_realisasi_reporting_employees", {{"agency", a}, {"month", month}}, 1);
      }
    }
    for (const auto& [month, n] : p.feedback) {
      add("kinerja_feedback_employees", {{"agency", a}, {"month", month}}, 1);
      add("kinerja_feedback_given", {{"agency", a}, {"month", month}}, n);
    }
    for (const auto& [period, r] : p.rating) {
      add("kinerja_predikat_employees",
          {{"agency", a}, {"period", period}, {"predikat", Predikat(r.first, r.second)}}, 1);
    }
    std::map<int, int64_t> minutes_per_year;
    for (const auto& [key, minutes] : p.training)
      minutes_per_year[std::stoi(key.second.substr(0, 4))] += minutes;
    for (const auto& [year, minutes] : minutes_per_year) {
      training_minutes[{a, year}] += minutes;
      // Whole minutes: 450 min = 10 JP, 900 min = 20 JP.
      bands[{a, year}][minutes < 450 ? "lt10" : minutes < 900 ? "10to20" : "ge20"]++;
    }
    for (const auto& [month, act] : p.activity) {
      // Exported in seconds (the Prometheus base unit): minutes x 60.
      add("kinerja_activity_seconds",
          {{"agency", a}, {"month", month}, {"category", "administrative"}},
          static_cast<double>(act.first) * 60);
      add("kinerja_activity_seconds",
          {{"agency", a}, {"month", month}, {"category", "substantive"}},
          static_cast<double>(act.second) * 60);
      if (2 * act.first > act.first + act.second)
        add("kinerja_admin_heavy_employees", {{"agency", a}, {"month", month}}, 1);
    }
    for (const auto& [year, potential] : p.potential) {
      auto annual = p.rating.find(std::to_string(year));
      if (annual == p.rating.end()) continue;
      add("kinerja_talent_box_employees",
          {{"agency", a},
           {"year", std::to_string(year)},
           {"box", TalentBox(potential, annual->second.first)}},
          1);
    }
  }
  for (const auto& [a, n] : employees) add("kinerja_employees", {{"agency", a}}, n);
  for (const auto& [ay, minutes] : training_minutes) {
    add("kinerja_training_jp", {{"agency", ay.first}, {"year", std::to_string(ay.second)}},
        static_cast<double>(minutes) / 45.0);
  }

  // Presence: non-zero only, and month series (and month-period predikat series) inside the
  // window of `window_months` months ending with the newest data month.
  auto in_window = [&](const std::string& month) {
    if (newest.empty()) return false;
    const int m = MonthNumber(month), last = MonthNumber(newest);
    return m <= last && m > last - window_months;
  };
  SeriesMap out;
  for (const auto& [key, v] : all) {
    if (v == 0) continue;
    bool keep = true;
    for (const auto& [label, value] : key.second) {
      if (label == "month" || (label == "period" && value.size() == 7))
        keep = keep && in_window(value);
    }
    if (keep) out[key] = v;
  }
  // Every band, zeros included, for every year with a training record in the agency.
  for (const auto& [ay, per_band] : bands) {
    const auto& [a, year] = ay;
    int trained = 0;
    for (const char* band : {"lt10", "10to20", "ge20"}) {
      const auto it = per_band.find(band);
      const int n = it == per_band.end() ? 0 : it->second;
      trained += n;
      out[Key("kinerja_training_employees",
              {{"agency", a}, {"year", std::to_string(year)}, {"jp_band", band}})] = n;
    }
    out[Key("kinerja_training_employees",
            {{"agency", a}, {"year", std::to_string(year)}, {"jp_band", "0"}})] =
        employees[a] - trained;
  }
  out[Key("kinerja_employees_without_master_data", {})] = without_master;  // always present
  return out;
}

std::string ToJson(const RefEvent& e) {
  if (e.type == "employee")
    return Ev::Upsert(e.id, e.nip, e.agency, e.status, e.tz, "2026-01-02T08:00:00+07:00", e.source);
  if (e.type == "skp") return Ev::Skp(e.id, e.nip, e.year, e.indicators, e.source);
  if (e.type == "realisasi")
    return Ev::Realisasi(e.id, e.nip, e.period, e.indicator, e.value, e.source);
  if (e.type == "evidence")
    return Ev::Evidence(e.id, e.nip, e.period, e.indicator, e.evidence, e.source);
  if (e.type == "feedback") {
    return Ev::Feedback(e.id, e.nip, RefFormatTime(e.utc_seconds, e.offset_minutes),
                        "197001012000011001", "harmonis", e.source);
  }
  if (e.type == "rating")
    return Ev::Rating(e.id, e.nip, e.period, e.hasil, e.perilaku, "197001012000011001", e.source);
  if (e.type == "potential") return Ev::Potential(e.id, e.nip, e.year, e.potential, e.source);
  if (e.type == "training") return Ev::Training(e.id, e.nip, e.course, e.date, e.minutes, e.source);
  return Ev::Activity(e.id, e.nip, e.date, e.minutes, e.category, e.source);
}

// per partition: (key, value)

// Runs the pipeline over `log`, restarting (a new Pipeline over the same store, the log offered
// again from the start) and rebalancing at random points. Returns the rendered series.
SeriesMap RunPipeline(const Log& log, std::mt19937& rng,
                      std::vector<ingest::MemoryDeadLetters::Entry>* dead_letters) {
  const int32_t partitions = static_cast<int32_t>(log.size());
  auto store = storage::NewMemoryStateStore();
  ingest::MemoryDeadLetters dlq;
  pipeline::NullProbe probe;
  // Each "life" sees a prefix of every partition's log, then stops (a restart).
  std::vector<size_t> visible(log.size(), 0);
  SeriesMap result;
  for (int life = 0; life < 4; ++life) {
    for (size_t p = 0; p < log.size(); ++p) {
      visible[p] =
          life == 3
              ? log[p].size()
              : std::max(visible[p], std::uniform_int_distribution<size_t>(0, log[p].size())(rng));
    }
    ingest::MemorySource src(partitions);
    for (size_t p = 0; p < log.size(); ++p) {
      for (size_t i = 0; i < visible[p]; ++i) {
        src.Append(static_cast<int32_t>(p),
                   {log[p][i].first, log[p][i].second, kKafkaMs + static_cast<int64_t>(i)});
      }
    }
    pipeline::PipelineOptions options;
    options.max_batch_messages = std::uniform_int_distribution<size_t>(1, 50)(rng);
    // Decoding on its own thread or inline, and a cache that holds all or only a few employees
    // (a batch past it commits early): none of it may change a result.
    options.decode_thread = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
    options.max_cache_bytes =
        std::uniform_int_distribution<int>(0, 1)(rng) == 1 ? SIZE_MAX : 16 << 10;
    pipeline::Pipeline pipe(options, &src, &dlq, store.get(), &probe);
    bool idle = false;
    std::optional<int32_t> revoked;  // a partition away in a rebalance
    while (!idle || revoked) {
      if (revoked && std::uniform_int_distribution<int>(0, 1)(rng) == 0) {
        REQUIRE(src.Assign({*revoked}).ok());
        revoked.reset();
      }
      REQUIRE(pipe.RunOnce(&idle).ok());
      if (!revoked && std::uniform_int_distribution<int>(0, 9)(rng) == 0) {
        revoked = std::uniform_int_distribution<int32_t>(0, partitions - 1)(rng);
        REQUIRE(src.Revoke({*revoked}).ok());
      }
    }
    result = testing::RenderedKpis(pipe);
  }
  if (dead_letters) *dead_letters = dlq.entries();
  return result;
}

RefEvent FromDecoded(const Event& ev) {
  RefEvent e;
  e.nip = FormatNip(ev.envelope.subject);
  e.source = ev.envelope.source;
  e.id = ev.envelope.id;
  if (auto* u = std::get_if<EmployeeUpserted>(&ev.data)) {
    e.type = "employee";
    e.agency = u->agency;
    e.status = u->active ? "active" : "inactive";
    e.tz = std::string(TimeZoneName(u->tz));
  } else if (auto* k = std::get_if<SkpApproved>(&ev.data)) {
    e.type = "skp";
    e.year = k->year;
    for (const auto& i : k->indicators)
      e.indicators.push_back({i.id, i.target, std::string(IndicatorKindName(i.kind))});
  } else if (auto* r = std::get_if<RealisasiReported>(&ev.data)) {
    e.type = "realisasi";
    e.period = FormatMonth(r->period);
    e.indicator = r->indicator;
    e.value = r->value;
  } else if (auto* d = std::get_if<EvidenceSubmitted>(&ev.data)) {
    e.type = "evidence";
    e.period = FormatMonth(d->period);
    e.indicator = d->indicator;
    e.evidence = d->evidence;
  } else if (std::get_if<FeedbackGiven>(&ev.data)) {
    e.type = "feedback";
    e.utc_seconds = ev.envelope.time.unix_seconds;
    e.offset_minutes = ev.envelope.time.offset_minutes;
  } else if (auto* g = std::get_if<RatingAssigned>(&ev.data)) {
    e.type = "rating";
    e.period = g->period.monthly ? FormatMonth(g->period.value) : std::to_string(g->period.value);
    e.hasil = std::string(ExpectationName(g->hasil));
    e.perilaku = std::string(ExpectationName(g->perilaku));
  } else if (auto* p = std::get_if<PotentialAssessed>(&ev.data)) {
    e.type = "potential";
    e.year = p->year;
    e.potential = std::string(PotentialName(p->potential));
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
  return e;
}

}  // namespace kinerja::testing::ref
