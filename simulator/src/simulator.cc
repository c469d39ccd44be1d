#include "simulator/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <unordered_set>
#include <vector>

#include "core/civil_time.h"
#include "core/event.h"

namespace kinerja::simulator {
namespace {

struct Employee {
  int index = 0;
  std::string nip;
  int agency = 0;
  TimeZone tz = TimeZone::kJakarta;
  Position position = Position::kPelaksana;
  Employment employment = Employment::kPns;
  double admin_share = 0.3;
  uint64_t seq = 0;  // per-employee event counter, for ids
  std::vector<std::pair<int, int>> trainings;  // (day of year, minutes)
};

std::string Offset(TimeZone tz) {
  const int m = UtcOffsetMinutes(tz);
  char buf[16];
  std::snprintf(buf, sizeof buf, "+%02d:%02d", m / 60, m % 60);
  return buf;
}

Position DrawPosition(std::mt19937_64& rng) {
  // ~39% administrative staff (pelaksana), then functional specialists and managers.
  const double u = std::uniform_real_distribution<>(0, 1)(rng);
  if (u < 0.39) return Position::kPelaksana;
  if (u < 0.79) return Position::kFungsional;
  if (u < 0.90) return Position::kPengawas;
  if (u < 0.97) return Position::kAdministrator;
  return Position::kJpt;
}

TimeZone DrawTimeZone(std::mt19937_64& rng) {
  const double u = std::uniform_real_distribution<>(0, 1)(rng);
  if (u < 0.55) return TimeZone::kJakarta;
  if (u < 0.65) return TimeZone::kPontianak;
  if (u < 0.88) return TimeZone::kMakassar;
  return TimeZone::kJayapura;
}

std::string MakeNip(std::mt19937_64& rng, std::unordered_set<std::string>& used) {
  for (;;) {
    const int by = std::uniform_int_distribution<>(1960, 2000)(rng);
    const int bm = std::uniform_int_distribution<>(1, 12)(rng);
    const int bd = std::uniform_int_distribution<>(1, DaysInMonth(by, bm))(rng);
    const int ay = std::min(2025, by + std::uniform_int_distribution<>(20, 30)(rng));
    const int am = std::uniform_int_distribution<>(1, 12)(rng);
    const int sex = std::uniform_int_distribution<>(1, 2)(rng);
    const int seq = std::uniform_int_distribution<>(1, 999)(rng);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d%04d%02d%d%03d", by, bm, bd, ay, am, sex, seq);
    if (used.insert(buf).second) return buf;
  }
}

}  // namespace

std::string AgencyCode(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "AG%03d", index + 1);
  return buf;
}

SimulationSummary Simulate(const SimulatorOptions& o, const EventSink& sink) {
  SimulationSummary summary;
  std::mt19937_64 rng(o.seed);
  const int agencies = std::max(1, o.agencies);

  // Skewed agency sizes: Zipf-like weights.
  std::vector<double> weights;
  for (int i = 0; i < agencies; ++i) weights.push_back(1.0 / std::pow(i + 1, 0.9));
  std::discrete_distribution<int> pick_agency(weights.begin(), weights.end());
  std::vector<TimeZone> agency_tz;
  for (int i = 0; i < agencies; ++i) agency_tz.push_back(DrawTimeZone(rng));

  std::unordered_set<std::string> used;
  std::vector<Employee> staff(static_cast<size_t>(std::max(0, o.employees)));
  for (size_t i = 0; i < staff.size(); ++i) {
    Employee& e = staff[i];
    e.index = static_cast<int>(i);
    e.nip = MakeNip(rng, used);
    e.agency = pick_agency(rng);
    e.tz = agency_tz[static_cast<size_t>(e.agency)];
    e.position = DrawPosition(rng);
    e.employment = std::uniform_real_distribution<>(0, 1)(rng) < 0.68 ? Employment::kPns : Employment::kPppk;
    e.admin_share = e.position == Position::kPelaksana ? std::uniform_real_distribution<>(0.45, 0.85)(rng)
                                                       : std::uniform_real_distribution<>(0.1, 0.45)(rng);
    // Yearly training plan: most reach 20 JP (900 min), with the bulk late in the year.
    const int target = std::max(90, static_cast<int>(std::normal_distribution<>(1000, 350)(rng)));
    for (int done = 0; done < target;) {
      const int minutes = std::uniform_int_distribution<>(2, 8)(rng) * 45;
      const double late = std::pow(std::uniform_real_distribution<>(0, 1)(rng), 0.5);  // skew late
      e.trainings.push_back({static_cast<int>(late * 364), minutes});
      done += minutes;
    }
  }

  std::string json;
  auto emit = [&](Employee& e, const std::string& type, const std::string& time,
                  const std::string& data) -> bool {
    const std::string source = AgencyCode(e.agency);
    json.clear();
    json += R"({"specversion":"1.0","id":")";
    // Unique per source without carrying personal data: employee index and sequence.
    json += source + "-" + std::to_string(e.index) + "-" + std::to_string(e.seq++);
    json += R"(","source":"/agencies/)" + source + R"(","type":")" + type;
    json += R"(","subject":")" + e.nip + R"(","time":")" + time;
    json += R"(","datacontenttype":"application/json","data":)" + data + "}";
    if (o.max_events && summary.events >= o.max_events) return false;
    ++summary.events;
    if (!sink(e.nip, json)) return false;
    if (std::uniform_real_distribution<>(0, 1)(rng) < o.duplicate_rate &&
        (!o.max_events || summary.events < o.max_events)) {
      ++summary.events;
      ++summary.duplicates;
      if (!sink(e.nip, json)) return false;
    }
    return true;
  };

  const int64_t jan1 = DaysFromCivil(o.year, 1, 1);
  for (int day = 0; day < o.days; ++day) {
    const Date date = CivilFromDays(jan1 + day);
    const std::string date_s = FormatDate(date);
    const int weekday = static_cast<int>((jan1 + day + 4) % 7);  // 0 = Sunday (1970-01-01 was Thursday)
    const bool working = weekday != 0 && weekday != 6;
    for (auto& e : staff) {
      const std::string at = date_s + "T08:00:00" + Offset(e.tz);
      if (day == 0) {
        const std::string data = R"({"agency":")" + AgencyCode(e.agency) + R"(","unit":"Unit )" +
                                 std::to_string(e.index % 7 + 1) +
                                 R"(","tz":")" + std::string(TimeZoneName(e.tz)) + R"(","position":")" +
                                 std::string(PositionName(e.position)) + R"(","employment":")" +
                                 std::string(EmploymentName(e.employment)) +
                                 R"(","supervisor":null,"status":"active"})";
        if (!emit(e, "kinerja.employee.upserted.v1", at, data)) return summary;
      }
      if (working) {
        const int n = std::uniform_int_distribution<>(1, 3)(rng);
        for (int i = 0; i < n; ++i) {
          const bool admin = std::uniform_real_distribution<>(0, 1)(rng) < e.admin_share;
          const int minutes = std::uniform_int_distribution<>(2, 16)(rng) * 15;
          const std::string data = R"({"date":")" + date_s + R"(","minutes":)" + std::to_string(minutes) +
                                   R"(,"category":")" + (admin ? "administrative" : "substantive") + "\"}";
          const std::string t = date_s + "T" + std::to_string(10 + 2 * i) + ":30:00" + Offset(e.tz);
          if (!emit(e, "kinerja.activity.logged.v1", t, data)) return summary;
        }
      }
      for (size_t i = 0; i < e.trainings.size(); ++i) {
        if (e.trainings[i].first != day) continue;
        const std::string data = R"({"course":"KURSUS-)" + std::to_string(i + 1) + R"(","completed_on":")" +
                                 date_s + R"(","minutes":)" + std::to_string(e.trainings[i].second) +
                                 R"(,"mode":")" + (i % 3 == 0 ? "klasikal" : "nonklasikal") + "\"}";
        if (!emit(e, "kinerja.training.completed.v1", date_s + "T16:00:00" + Offset(e.tz), data)) {
          return summary;
        }
      }
    }
  }
  return summary;
}

}  // namespace kinerja::simulator
