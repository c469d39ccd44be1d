#include "simulator/simulator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <unordered_set>
#include <vector>

#include "core/civil_time.h"
#include "core/event.h"
#include "core/random.h"

namespace kinerja::simulator {
namespace {

// ---------------------------------------------------------------------------------------------
// Randomness: core/random.h. Each employee has a stream of its own, so an employee's events
// do not depend on how many other employees there are or on how they interleave.

// Stream ids: the setup stream, then per employee its main stream, its SKP stream and the
// stream of its yearly plan (both drawn again whenever needed instead of being stored).
constexpr uint64_t kSetupStream = 0;
uint64_t EmployeeStream(int index) { return 3 * static_cast<uint64_t>(index) + 1; }
uint64_t SkpStream(int index) { return 3 * static_cast<uint64_t>(index) + 2; }
uint64_t PlanStream(int index) { return 3 * static_cast<uint64_t>(index) + 3; }

// ---------------------------------------------------------------------------------------------
// The simulated year.

constexpr int kDaySeconds = 86400;

struct Calendar {
  int year = 0;
  int days = 0;                   // simulated days (at most the days of the year)
  std::vector<std::string> date;  // "YYYY-MM-DD" per day of the year
  std::vector<uint8_t> working;   // Monday-Friday and not a fixed-date national holiday
  std::array<int, 14> month_start =
      {};                             // day of the year of the 1st of month m; [13] = days in year
  std::array<std::string, 13> month;  // "YYYY-MM"

  explicit Calendar(int y, int simulated) : year(y) {
    const int64_t jan1 = DaysFromCivil(y, 1, 1);
    const int in_year = IsLeapYear(y) ? 366 : 365;
    days = std::clamp(simulated, 0, in_year);
    for (int d = 0; d < in_year; ++d) {
      const Date c = CivilFromDays(jan1 + d);
      date.push_back(FormatDate(c));
      const int weekday =
          static_cast<int>((jan1 + d + 4) % 7);  // 0 = Sunday (1970-01-01 was Thursday)
      const int md = c.month * 100 + c.day;
      // Fixed-date holidays: New Year, Labour Day, Pancasila Day, Independence Day, Christmas.
      const bool holiday = md == 101 || md == 501 || md == 601 || md == 817 || md == 1225;
      working.push_back(weekday != 0 && weekday != 6 && !holiday);
      if (c.day == 1) month_start[static_cast<size_t>(static_cast<unsigned char>(c.month))] = d;
    }
    month_start[13] = in_year;
    for (int m = 1; m <= 12; ++m) month[static_cast<size_t>(m)] = FormatMonth(ToMonthIndex(y, m));
  }
  int DaysInYear() const { return month_start[13]; }
  // The first working day at or after `day` within the year (or `day` if there is none).
  int WorkingOnOrAfter(int day) const {
    for (int d = day; d < DaysInYear(); ++d) {
      if (working[static_cast<size_t>(d)]) return d;
    }
    return std::min(day, DaysInYear() - 1);
  }
  // A working day of the year in [from, to] (days of the year), drawn uniformly then moved forward.
  int WorkingDay(Rng& r, int from, int to) const { return WorkingOnOrAfter(r.Int(from, to)); }
};

// ---------------------------------------------------------------------------------------------
// SKP: 2-8 indicators (a revision may add a ninth), derived again whenever needed from the
// employee's SKP stream, so nothing per indicator is stored per employee.

struct UnitTemplate {
  std::string_view unit;
  int min_target, max_target;
  bool decimal;  // monthly realisasi with one decimal (progress in percent)
};
constexpr std::array<UnitTemplate, 9> kUnits = {{
    {"dokumen", 6, 60, false},
    {"laporan", 12, 12, false},
    {"persen", 80, 100, true},
    {"kegiatan", 4, 24, false},
    {"berkas", 120, 2400, false},
    {"orang", 50, 1000, false},
    {"rekomendasi", 2, 12, false},
    {"surat", 100, 1500, false},
    {"kajian", 1, 4, false},
}};

struct Indicator {
  IndicatorKind kind = IndicatorKind::kUtama;
  uint8_t unit = 0;
  int target = 1;
};
constexpr int kMaxIndicators = 9;
struct Skp {
  int count = 0;
  std::array<Indicator, kMaxIndicators> ind;
};

// version 0: the plan approved in January; 1: the revision (new targets, maybe a new indicator).
Skp MakeSkp(uint64_t seed, int index, int version) {
  Rng r(seed, SkpStream(index));
  Skp s;
  s.count = r.Int(2, 8);
  const int tambahan = r.Int(0, std::min(3, s.count - 1));
  for (int i = 0; i < s.count; ++i) {
    Indicator& x = s.ind[static_cast<size_t>(i)];
    x.kind = i < s.count - tambahan ? IndicatorKind::kUtama : IndicatorKind::kTambahan;
    x.unit = static_cast<uint8_t>(r.Int(0, static_cast<int>(kUnits.size()) - 1));
    const UnitTemplate& u = kUnits[x.unit];
    x.target = r.Int(u.min_target, u.max_target);
  }
  if (version > 0) {
    for (int i = 0; i < s.count; ++i) {
      Indicator& x = s.ind[static_cast<size_t>(i)];
      const double scale = r.Uniform(0.75, 1.3);
      if (r.Chance(0.5) && kUnits[x.unit].unit != "laporan")
        x.target = std::max(1, static_cast<int>(std::lround(x.target * scale)));
    }
    if (r.Chance(0.6) && s.count < kMaxIndicators) {
      Indicator& x = s.ind[static_cast<size_t>(s.count++)];
      x.kind = IndicatorKind::kTambahan;
      x.unit = static_cast<uint8_t>(r.Int(0, static_cast<int>(kUnits.size()) - 1));
      x.target = r.Int(kUnits[x.unit].min_target, kUnits[x.unit].max_target);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Employees and their scheduled (non-daily) events.

enum class Kind : uint8_t {
  kUpsert,
  kSkp,
  kRealisasi,
  kEvidence,
  kFeedback,
  kRating,
  kPotential,
  kTraining,
};

// Why master data is (re-)sent.
enum UpsertReason : uint8_t { kFirst, kTransfer, kInactive, kActiveAgain };

// One scheduled event. Fields by kind:
//   kUpsert: a = UpsertReason.                  kSkp: a = version.
//   kRealisasi: a = indicator (1-9; 0: an id not in the SKP) | flags below, b = month, value,
//               c = the old indicator number of an id not in the SKP.
//   kEvidence: a = indicator, b = month, c = evidence number.
//   kFeedback: a = core value (7: none), b = note (0: none).
//   kRating: a = hasil, b = perilaku, c = month (0: the annual rating).
//   kPotential: a = potential.
//   kTraining: a = mode, b = course number, c = completion day, value = minutes.
constexpr uint8_t kIndicatorMask = 0x0F;
constexpr uint8_t kDecimalBit = 0x40;     // realisasi with one decimal (a percentage)
constexpr uint8_t kCorrectionBit = 0x80;  // a correction: no follow-ups of its own

// 20 bytes: an employee holds about a month of them at a time.
struct Item {
  int32_t at = 0;  // day of the year * 86400 + local second of the day
  uint32_t c = 0;
  float value = 0;     // integers and tenths below 10^4 survive llround(value * 10)
  uint16_t order = 0;  // scheduling order: breaks ties of `at`
  uint16_t b = 0;
  Kind kind = Kind::kUpsert;
  uint8_t a = 0;
};

enum Rank : uint8_t { kStaff, kPengawasRank, kAdministratorRank, kJptRank, kRanks };
Rank RankOf(Position p) {
  switch (p) {
    case Position::kJpt:
      return kJptRank;
    case Position::kAdministrator:
      return kAdministratorRank;
    case Position::kPengawas:
      return kPengawasRank;
    default:
      return kStaff;
  }
}

struct Placement {
  int agency = 0;
  TimeZone tz = TimeZone::kJakarta;
  int supervisor = -1;  // staff index; -1: an official outside the simulated staff
  uint8_t unit = 0;
};

struct Employee {
  std::array<char, 18> nip{};
  int index = 0;
  Placement now;
  Placement after_transfer;  // used when a kTransfer upsert is emitted
  int home_agency = 0;       // the agency on 1 January
  bool remote = false;       // in WIT on 1 January
  Position position = Position::kPelaksana;
  Employment employment = Employment::kPns;
  bool active = true;
  float admin_share = 0.3f;
  float perf = 1.0f;        // realisasi / target tendency
  float talent = 0;         // ~N(0,1): drives hasil and potential
  float behaviour = 0;      // ~N(0,1): drives perilaku
  float feedback_rate = 1;  // mean feedback per month from the supervisor
  int revision_day = -1;    // SKP revision (after a transfer or mid-year), -1: none
  uint16_t next_order = 0;
  uint64_t seq = 0;  // event counter, for ids
  Rng rng;
  std::vector<Item> pending;  // sorted by (at, order); [0, head) already handled
  size_t head = 0;

  void Schedule(Item it) {
    it.order = next_order++;
    pending.push_back(it);
  }
  // Schedules an item while the pending ones are being handled (after the current one).
  void Insert(Item it) {
    it.order = next_order++;
    const auto pos =
        std::upper_bound(pending.begin() + static_cast<std::ptrdiff_t>(head), pending.end(), it,
                         [](const Item& x, const Item& y) { return x.at < y.at; });
    pending.insert(pos, it);
  }
  void SortPending() {
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(head));
    head = 0;
    std::sort(pending.begin(), pending.end(), [](const Item& x, const Item& y) {
      return x.at != y.at ? x.at < y.at : x.order < y.order;
    });
  }
};

constexpr std::array<std::string_view, 8> kUnitNames = {
    "Sekretariat",
    "Subbagian Umum dan Kepegawaian",
    "Subbagian Keuangan",
    "Bidang Perencanaan",
    "Bidang Pelayanan Publik",
    "Bidang Pengawasan",
    "Bidang Data dan Informasi",
    "Bidang Pengembangan SDM",
};
constexpr std::array<std::string_view, 6> kNotes = {
    "Laporan bulanan tepat waktu, pertahankan.",   "Mohon lengkapi bukti dukung kegiatan.",
    "Koordinasi dengan tim sudah baik.",           "Perlu peningkatan ketelitian data.",
    "Terima kasih atas pelayanan yang responsif.", "Segera tindak lanjuti disposisi pimpinan.",
};
constexpr std::array<std::string_view, 4> kClassroomCourses = {"LATSAR-CPNS", "PKA", "PKP",
                                                               "BIMTEK-SAKIP"};
constexpr std::array<std::string_view, 5> kOnlineCourses = {
    "ELEARN-ASN-UNGGUL", "ELEARN-ANTIKORUPSI", "ELEARN-SIASN", "COACHING", "MENTORING"};

Position DrawPosition(Rng& r) {
  // ~39% administrative staff (pelaksana), then functional specialists and managers.
  const double u = r.Uniform();
  if (u < 0.39) return Position::kPelaksana;
  if (u < 0.79) return Position::kFungsional;
  if (u < 0.90) return Position::kPengawas;
  if (u < 0.97) return Position::kAdministrator;
  return Position::kJpt;
}

TimeZone DrawTimeZone(Rng& r) {
  const double u = r.Uniform();
  if (u < 0.55) return TimeZone::kJakarta;
  if (u < 0.65) return TimeZone::kPontianak;
  if (u < 0.88) return TimeZone::kMakassar;
  return TimeZone::kJayapura;
}

// A unique NIP: birth date (real, age 20-58 in `year`), appointment month, sex, sequence.
std::array<char, 18> MakeNip(Rng& r, int year, bool pppk, std::unordered_set<uint64_t>& used) {
  for (;;) {
    const int by = std::clamp(r.Int(year - 58, year - 20), 1940, 2012);
    const int bm = r.Int(1, 12);
    const int bd = r.Int(1, DaysInMonth(by, bm));
    int ay = std::min(year - 1, by + r.Int(19, 30));
    if (pppk && year > 2020) ay = std::max(ay, r.Int(2019, year - 1));  // PPPK exists since 2019
    const int am = r.Int(1, 12);
    const int sex = r.Int(1, 2);
    const int seq = r.Int(1, 999);
    const uint64_t n = ((((static_cast<uint64_t>(by) * 100 + static_cast<uint64_t>(bm)) * 100 +
                          static_cast<uint64_t>(bd)) *
                             10000 +
                         static_cast<uint64_t>(ay)) *
                            100 +
                        static_cast<uint64_t>(am)) *
                           10000 +
                       static_cast<uint64_t>(sex) * 1000 + static_cast<uint64_t>(seq);
    if (!used.insert(n).second) continue;
    std::array<char, 18> out;
    uint64_t v = n;
    for (int i = 17; i >= 0; --i) {
      out[static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    return out;
  }
}

Expectation ExpectationOf(double score, double below, double above) {
  return score > above   ? Expectation::kDiAtas
         : score < below ? Expectation::kDiBawah
                         : Expectation::kSesuai;
}

// ---------------------------------------------------------------------------------------------

class Simulation {
 public:
  Simulation(const SimulatorOptions& o, const EventSink& sink)
      : o_(o), sink_(sink), cal_(o.year, o.days) {
    json_.reserve(1024);
    for (TimeZone tz :
         {TimeZone::kJakarta, TimeZone::kPontianak, TimeZone::kMakassar, TimeZone::kJayapura}) {
      const int m = UtcOffsetMinutes(tz);  // all positive in Indonesia
      char buf[16];
      std::snprintf(buf, sizeof buf, "+%02d:%02d", m / 60, m % 60);
      offset_[static_cast<size_t>(tz)] = buf;
    }
    Setup();
  }

  SimulationSummary Run() {
    int month = 1;
    for (int day = 0; day < cal_.days; ++day) {
      const bool month_starts = day == cal_.month_start[static_cast<size_t>(month)];
      for (Employee& e : staff_) {
        if (month_starts) {
          PlanYear(e, month);
          ScheduleMonth(e, month);
        }
        if (!RunDay(e, day)) return summary_;
      }
      if (month_starts && month < 12) ++month;
    }
    return summary_;
  }

 private:
  // --- setup ---------------------------------------------------------------------------------
  void Setup() {
    Rng r(o_.seed, kSetupStream);
    const int agencies = std::max(1, o_.agencies);
    // Skewed agency sizes (a few large ministries, many small regions): Zipf-like weights.
    double total = 0;
    for (int i = 0; i < agencies; ++i) {
      total += 1.0 / std::pow(i + 1, 0.9);
      agency_cdf_.push_back(total);
    }
    for (double& c : agency_cdf_) c /= total;
    for (int i = 0; i < agencies; ++i) {
      agency_tz_.push_back(DrawTimeZone(r));
      agency_code_.push_back(AgencyCode(i));
    }
    std::unordered_set<uint64_t> used;
    // Agency heads report to an official outside the simulated staff (e.g. the regional
    // secretary or the minister): their feedback and ratings come from that NIP.
    for (int i = 0; i < agencies; ++i) outside_rater_.push_back(MakeNip(r, o_.year, false, used));

    const int n = std::max(0, o_.employees);
    staff_.resize(static_cast<size_t>(n));
    by_rank_.resize(static_cast<size_t>(agencies));
    for (int i = 0; i < n; ++i) {
      Employee& e = staff_[static_cast<size_t>(i)];
      e.index = i;
      e.rng = Rng(o_.seed, EmployeeStream(i));
      Rng& er = e.rng;
      e.now.agency = PickAgency(er);
      e.now.tz = TzIn(e.now.agency, er);
      e.now.unit = static_cast<uint8_t>(er.Int(0, static_cast<int>(kUnitNames.size()) - 1));
      e.position = DrawPosition(er);
      // PPPK (contract staff, ~32%) hold functional and administrative posts, not managerial ones.
      const bool managerial = RankOf(e.position) != kStaff;
      e.employment = managerial || er.Chance(0.6) ? Employment::kPns : Employment::kPppk;
      e.nip = MakeNip(r, o_.year, e.employment == Employment::kPppk, used);
      e.admin_share = static_cast<float>(
          e.position == Position::kPelaksana ? er.Uniform(0.45, 0.85) : er.Uniform(0.1, 0.45));
      e.talent = static_cast<float>(er.Normal());
      e.behaviour = static_cast<float>(0.6 * e.talent + 0.8 * er.Normal());
      e.perf =
          static_cast<float>(std::clamp(0.97 + 0.12 * e.talent + 0.06 * er.Normal(), 0.5, 1.5));
      // Most supervisors give feedback every month or two; some hardly ever.
      e.feedback_rate =
          static_cast<float>(er.Chance(0.15) ? er.Uniform(0.15, 0.5) : er.Uniform(0.9, 2.8));
      e.home_agency = e.now.agency;
      e.remote = e.now.tz == TimeZone::kJayapura;
      by_rank_[static_cast<size_t>(e.now.agency)][RankOf(e.position)].push_back(i);
    }
    for (Employee& e : staff_) {
      e.now.supervisor = PickSupervisor(e.now.agency, e, e.rng);
      PlanYear(e, 0);
    }
  }

  int PickAgency(Rng& r) const {
    const double u = r.Uniform();
    const auto it = std::upper_bound(agency_cdf_.begin(), agency_cdf_.end(), u);
    return std::min(static_cast<int>(it - agency_cdf_.begin()),
                    static_cast<int>(agency_cdf_.size()) - 1);
  }

  // The largest agency is a ministry with regional offices in every time zone; the others sit
  // in one zone each.
  TimeZone TzIn(int agency, Rng& r) const {
    return agency == 0 ? DrawTimeZone(r) : agency_tz_[static_cast<size_t>(agency)];
  }

  // Someone of the lowest rank above the employee's in the agency, else the agency's head (the
  // first of its highest rank), who reports outside the simulated staff (-1).
  int PickSupervisor(int agency, const Employee& e, Rng& r) const {
    const auto& ranks = by_rank_[static_cast<size_t>(agency)];
    for (int k = RankOf(e.position) + 1; k < kRanks; ++k) {
      const auto& c = ranks[static_cast<size_t>(k)];
      if (!c.empty()) return c[static_cast<size_t>(r.Int(0, static_cast<int>(c.size()) - 1))];
    }
    for (int k = kRanks - 1; k >= 0; --k) {
      const auto& c = ranks[static_cast<size_t>(k)];
      if (!c.empty()) return c.front() == e.index ? -1 : c.front();
    }
    return -1;
  }

  static int Sec(Rng& r, int from_hour, int to_hour) {
    return r.Int(from_hour * 3600, to_hour * 3600 - 1);
  }
  static int32_t At(int day, int sec) { return day * kDaySeconds + sec; }

  // The events of the year that do not follow the monthly rhythm. Drawn again from the
  // employee's plan stream at every month start (the same plan each time), scheduling only what
  // is due in that month, so an employee holds a month of events at most; month 0 schedules
  // nothing and only sets the plan's state (revision day, transfer target).
  void PlanYear(Employee& e, int month) {
    Rng r(o_.seed, PlanStream(e.index));
    const int last = cal_.DaysInYear() - 1;
    const int32_t from =
        month == 0 ? INT32_MAX : At(cal_.month_start[static_cast<size_t>(month)], 0);
    const int32_t to =
        month == 0 ? INT32_MAX : At(cal_.month_start[static_cast<size_t>(month) + 1], 0);
    auto put = [&](Item it) {
      if (it.at >= from && it.at < to) e.Schedule(it);
    };
    // Master data: on 1 January for most; ~4% are registered weeks late, after their first events.
    const int first_day = r.Chance(0.04) ? r.Int(3, 45) : 0;
    put({.at = At(first_day, Sec(r, 7, 8)), .kind = Kind::kUpsert, .a = kFirst});
    // SKP approved by the supervisor in January.
    put({.at = At(cal_.WorkingDay(r, 1, 27), Sec(r, 9, 16)), .kind = Kind::kSkp, .a = 0});
    // ~3% are transferred to another agency between March and October; the new agency then
    // approves a revised SKP. ~5% more revise their SKP mid-year.
    e.revision_day = -1;
    if (agency_cdf_.size() > 1 && r.Chance(0.03)) {
      const int day = cal_.WorkingDay(r, cal_.month_start[3], cal_.month_start[11] - 1);
      Placement& p = e.after_transfer;
      p.agency = PickAgency(r);
      if (p.agency == e.home_agency)
        p.agency = (p.agency + 1) % static_cast<int>(agency_cdf_.size());
      p.tz = TzIn(p.agency, r);
      p.unit = static_cast<uint8_t>(r.Int(0, static_cast<int>(kUnitNames.size()) - 1));
      p.supervisor = PickSupervisor(p.agency, e, r);
      put({.at = At(day, Sec(r, 7, 8)), .kind = Kind::kUpsert, .a = kTransfer});
      e.revision_day = std::min(last, cal_.WorkingOnOrAfter(day + r.Int(5, 20)));
    } else if (r.Chance(0.05)) {
      e.revision_day = cal_.WorkingDay(r, cal_.month_start[6], cal_.month_start[10] - 1);
    }
    if (e.revision_day >= 0)
      put({.at = At(e.revision_day, Sec(r, 9, 16)), .kind = Kind::kSkp, .a = 1});
    // ~3.5% become inactive (leave, suspension, retirement) between April and October; 2/3 of
    // them return within two to seven weeks.
    if (r.Chance(0.035)) {
      const int off = cal_.WorkingDay(r, cal_.month_start[4], cal_.month_start[11] - 1);
      put({.at = At(off, Sec(r, 7, 8)), .kind = Kind::kUpsert, .a = kInactive});
      if (r.Chance(0.67)) {
        const int back = std::min(last, cal_.WorkingOnOrAfter(off + r.Int(14, 50)));
        put({.at = At(back, Sec(r, 7, 8)), .kind = Kind::kUpsert, .a = kActiveAgain});
      }
    }
    // Training: a yearly plan; most reach 20 JP (900 minutes), the bulk late in the year.
    // Remote regions (WIT) depend on e-learning.
    const int target = std::max(90, static_cast<int>(1000 + 350 * r.Normal()));
    uint16_t course = 0;
    for (int done = 0; done < target;) {
      const int minutes = r.Int(2, 8) * 45;
      const double late = std::sqrt(r.Uniform());  // skewed late
      const int day = cal_.WorkingOnOrAfter(static_cast<int>(late * last));
      const bool classroom = r.Chance(e.remote ? 0.15 : 0.35);
      const uint8_t mode = static_cast<uint8_t>(classroom ? 0 : 1) |
                           static_cast<uint8_t>(r.Int(0, 3) << 1);  // bits 1-2: which course
      ++course;
      Item t{.at = At(day, Sec(r, 15, 17)),
             .c = static_cast<uint32_t>(day),
             .value = static_cast<float>(minutes),
             .b = course,
             .kind = Kind::kTraining,
             .a = mode};
      put(t);
      if (r.Chance(0.04)) {  // the record is re-sent later with corrected minutes
        const int fix = std::max(45, minutes + 45 * (r.Chance(0.5) ? 1 : -1) * r.Int(1, 2));
        t.at = At(std::min(last, day + r.Int(3, 30)), Sec(r, 8, 17));
        t.value = static_cast<float>(fix);
        put(t);
      }
      done += minutes;
    }
    // Talent assessment (potential) in October-November.
    const double q = 0.5 * e.talent + 0.87 * r.Normal();
    const uint8_t potential = static_cast<uint8_t>(q < -0.7  ? Potential::kRendah
                                                   : q > 0.7 ? Potential::kTinggi
                                                             : Potential::kMenengah);
    put({.at =
             At(cal_.WorkingDay(r, cal_.month_start[10], cal_.month_start[12] - 1), Sec(r, 9, 16)),
         .kind = Kind::kPotential,
         .a = potential});
    // Annual rating in mid-December; ~3% are revised a few days later (an objection upheld).
    const int annual = cal_.WorkingDay(r, cal_.month_start[12] + 9, cal_.month_start[12] + 21);
    Item rating{.at = At(annual, Sec(r, 9, 16)), .kind = Kind::kRating};
    SetRating(rating, e.talent + 0.45 * r.Normal(), -1.3, 1.0, e.behaviour + 0.3 * r.Normal(), -1.5,
              1.1);
    put(rating);
    if (r.Chance(0.03)) {
      SetRating(rating, e.talent + 0.6 + 0.45 * r.Normal(), -1.3, 1.0,
                e.behaviour + 0.5 + 0.3 * r.Normal(), -1.5, 1.1);
      rating.at = At(std::min(last, annual + r.Int(3, 8)), Sec(r, 9, 16));
      put(rating);
    }
  }

  static void SetRating(Item& it, double hasil, double h_below, double h_above, double perilaku,
                        double p_below, double p_above) {
    it.a = static_cast<uint8_t>(ExpectationOf(hasil, h_below, h_above));
    it.b = static_cast<uint16_t>(ExpectationOf(perilaku, p_below, p_above));
  }

  // The month's rhythm, scheduled on its first day: last month's realisasi (some late, a few
  // never; evidence and corrections follow when a report goes out) and periodic rating, and
  // this month's feedback.
  void ScheduleMonth(Employee& e, int month) {
    Rng& r = e.rng;
    const int start = cal_.month_start[static_cast<size_t>(month)];
    const int end = cal_.month_start[static_cast<size_t>(month) + 1];  // exclusive
    if (month >= 2) {
      const int reported = month - 1;
      const Skp skp =
          MakeSkp(o_.seed, e.index, e.revision_day >= 0 && e.revision_day <= start ? 1 : 0);
      for (int i = 0; i < skp.count; ++i) {
        const Indicator& x = skp.ind[static_cast<size_t>(i)];
        const UnitTemplate& u = kUnits[x.unit];
        const double u01 = r.Uniform();
        if (u01 < 0.01) continue;  // never reported
        int day;
        if (u01 < 0.05) {  // late: reported one to three months later
          const int late_month = std::min(12, month + r.Int(1, 3));
          day = cal_.WorkingDay(r, cal_.month_start[static_cast<size_t>(late_month)],
                                cal_.month_start[static_cast<size_t>(late_month)] + 9);
          if (late_month == month) continue;  // December: no later month in this year
        } else {
          day = cal_.WorkingDay(r, start, start + 6);
        }
        // Evidence and corrections are drawn when the report goes out (FollowUps): an
        // employee holds fewer scheduled events at a time.
        const uint8_t flags = static_cast<uint8_t>(i + 1) | (u.decimal ? kDecimalBit : 0);
        e.Schedule({.at = At(day, Sec(r, 8, 16)),
                    .value = static_cast<float>(MonthlyValue(r, x, u, e.perf)),
                    .b = static_cast<uint16_t>(reported),
                    .kind = Kind::kRealisasi,
                    .a = flags});
      }
      // Now and then a report for an indicator that is not in the SKP (an id from last year's).
      if (r.Chance(0.02)) {
        e.Schedule({.at = At(cal_.WorkingDay(r, start, start + 6), Sec(r, 8, 16)),
                    .c = static_cast<uint32_t>(r.Int(1, 5)),
                    .value = static_cast<float>(r.Int(1, 20)),
                    .b = static_cast<uint16_t>(reported),
                    .kind = Kind::kRealisasi,
                    .a = 0});
      }
      // The periodic (monthly) rating, after the realisasi; a few months are skipped.
      if (r.Chance(0.93)) {
        Item rating{.at = At(cal_.WorkingDay(r, start + 7, start + 14), Sec(r, 9, 16)),
                    .c = static_cast<uint32_t>(reported),
                    .kind = Kind::kRating};
        SetRating(rating, e.talent + 0.7 * r.Normal(), -1.5, 1.2, e.behaviour + 0.6 * r.Normal(),
                  -1.8, 1.2);
        e.Schedule(rating);
      }
    }
    // Continuous feedback, with gaps: some employees get none in some months. ~12% of it falls
    // late on the last day or early on the first day of the month, where the time zone decides
    // the month.
    for (int k = r.Poisson(e.feedback_rate); k > 0; --k) {
      int at;
      const double u01 = r.Uniform();
      if (u01 < 0.06) {
        at = At(end - 1, Sec(r, 23, 24));
      } else if (u01 < 0.12 && month > 1) {  // (not before the first master data on 1 January)
        at = At(start, Sec(r, 0, 1));
      } else {
        at = At(std::min(end - 1, cal_.WorkingDay(r, start, end - 1)), Sec(r, 8, 17));
      }
      const uint8_t value = r.Chance(0.8) ? static_cast<uint8_t>(r.Int(0, 6)) : 7;
      const uint16_t note =
          r.Chance(0.3) ? static_cast<uint16_t>(r.Int(1, static_cast<int>(kNotes.size()))) : 0;
      e.Schedule({.at = at, .b = note, .kind = Kind::kFeedback, .a = value});
    }
    e.SortPending();
  }

  // After a realisasi report (not a correction) went out: evidence (bukti dukung) for most
  // reports, minutes later, some with a second piece, some submitted twice with the same id;
  // and now and then a correction (the same indicator and month with another value).
  void FollowUps(Employee& e, const Item& report) {
    Rng& r = e.rng;
    const int last = cal_.DaysInYear() - 1;
    const int day = report.at / kDaySeconds;
    const int sec = report.at % kDaySeconds;
    if (r.Chance(0.88)) {
      Item ev{.at = At(day, std::min(kDaySeconds - 1, sec + r.Int(60, 3600))),
              .c = static_cast<uint32_t>(r.Next()),
              .b = report.b,
              .kind = Kind::kEvidence,
              .a = static_cast<uint8_t>(report.a & kIndicatorMask)};
      e.Insert(ev);
      if (r.Chance(0.04)) {
        ev.at = At(std::min(last, day + r.Int(0, 5)), Sec(r, 17, 18));
        e.Insert(ev);
      }
      if (r.Chance(0.15)) {
        ev.at = At(day, std::min(kDaySeconds - 1, sec + r.Int(3601, 7200)));
        ev.c = static_cast<uint32_t>(r.Next());
        e.Insert(ev);
      }
    }
    if (r.Chance(0.04)) {
      Item fix = report;
      fix.at = At(std::min(last, day + r.Int(1, 14)), Sec(r, 8, 17));
      fix.value = static_cast<float>(Corrected(r, report.value, (report.a & kDecimalBit) != 0));
      fix.a |= kCorrectionBit;
      e.Insert(fix);
    }
  }

  // One month's share of the yearly target, scattered around the employee's tendency.
  static double MonthlyValue(Rng& r, const Indicator& x, const UnitTemplate& u, double perf) {
    const double mean = x.target / 12.0 * perf * r.Uniform(0.55, 1.45);
    if (u.decimal) return std::round(mean * 10) / 10;
    const double fl = std::floor(mean);
    return fl + (r.Uniform() < mean - fl ? 1 : 0);  // rounds so that the yearly sum keeps its mean
  }
  // Another value for the same report, compared as written (in tenths).
  static double Corrected(Rng& r, double v, bool decimal) {
    const int64_t was = std::llround(v * 10);
    const double scaled = v * r.Uniform(0.6, 1.4);
    int64_t now = decimal ? std::llround(scaled * 10) : 10 * std::llround(scaled);
    if (now == was) now += decimal ? 5 : 10;
    return static_cast<double>(now) / 10;
  }

  // --- one employee-day ------------------------------------------------------------------------
  bool RunDay(Employee& e, int day) {
    static constexpr std::array<int, 3> kActivitySec = {10 * 3600 + 1800, 12 * 3600 + 1800,
                                                        14 * 3600 + 1800};
    const int acts =
        o_.daily_activity && cal_.working[static_cast<size_t>(day)] ? e.rng.Int(1, 3) : 0;
    const int32_t tomorrow = At(day + 1, 0);
    int a = 0;
    for (;;) {
      const bool item = e.head < e.pending.size() && e.pending[e.head].at < tomorrow;
      const int item_sec = item ? e.pending[e.head].at - At(day, 0) : INT_MAX;
      if (a < acts && kActivitySec[static_cast<size_t>(a)] <= item_sec) {
        if (e.active && !EmitActivity(e, day, kActivitySec[static_cast<size_t>(a)])) return false;
        ++a;
        continue;
      }
      if (!item) return true;
      const Item it = e.pending[e.head++];
      if (!EmitItem(e, it)) return false;
    }
  }

  bool EmitActivity(Employee& e, int day, int sec) {
    const bool admin = e.rng.Uniform() < e.admin_share;
    const int minutes = e.rng.Int(2, 16) * 15;
    Begin(e, "kinerja.activity.logged.v1", At(day, sec));
    Lit(R"({"date":")");
    Lit(cal_.date[static_cast<size_t>(day)]);
    Lit(R"(","minutes":)");
    Int(minutes);
    Lit(admin ? R"(,"category":"administrative"})" : R"(,"category":"substantive"})");
    return Finish(e);
  }

  bool EmitItem(Employee& e, const Item& it) {
    if (it.kind != Kind::kUpsert && !e.active) return true;  // inactive: nothing is recorded
    switch (it.kind) {
      case Kind::kUpsert: {
        if (it.a == kTransfer) e.now = e.after_transfer;
        if (it.a == kInactive) e.active = false;
        if (it.a == kActiveAgain) e.active = true;
        Begin(e, "kinerja.employee.upserted.v1", it.at);
        Lit(R"({"agency":")");
        Lit(agency_code_[static_cast<size_t>(e.now.agency)]);
        Lit(R"(","unit":")");
        Lit(kUnitNames[e.now.unit]);
        Lit(R"(","tz":")");
        Lit(TimeZoneName(e.now.tz));
        Lit(R"(","position":")");
        Lit(PositionName(e.position));
        Lit(R"(","employment":")");
        Lit(EmploymentName(e.employment));
        if (e.now.supervisor < 0) {
          Lit(R"(","supervisor":null)");
        } else {
          Lit(R"(","supervisor":")");
          AppendNip(staff_[static_cast<size_t>(e.now.supervisor)].nip);
          Lit("\"");
        }
        Lit(e.active ? R"(,"status":"active"})" : R"(,"status":"inactive"})");
        return Finish(e);
      }
      case Kind::kSkp: {
        const Skp skp = MakeSkp(o_.seed, e.index, it.a);
        Begin(e, "kinerja.skp.approved.v1", it.at);
        Lit(R"({"year":)");
        Int(cal_.year);
        Lit(R"(,"indicators":[)");
        for (int i = 0; i < skp.count; ++i) {
          const Indicator& x = skp.ind[static_cast<size_t>(i)];
          Lit(i == 0 ? R"({"id":"IKI-)" : R"(,{"id":"IKI-)");
          Int(i + 1);
          Lit(x.kind == IndicatorKind::kUtama ? R"(","kind":"utama","target":)"
                                              : R"(","kind":"tambahan","target":)");
          Int(x.target);
          Lit(R"(,"unit":")");
          Lit(kUnits[x.unit].unit);
          Lit("\"}");
        }
        Lit("]}");
        return Finish(e);
      }
      case Kind::kRealisasi: {
        const uint8_t indicator = it.a & kIndicatorMask;
        Begin(e, "kinerja.realisasi.reported.v1", it.at);
        Lit(R"({"period":")");
        Lit(cal_.month[it.b]);
        Lit(R"(","indicator":")");
        IndicatorId(indicator, it.c);
        Lit(R"(","value":)");
        Decimal(it.value);
        Lit("}");
        if (!Finish(e)) return false;
        if (indicator != 0 && (it.a & kCorrectionBit) == 0) FollowUps(e, it);
        return true;
      }
      case Kind::kEvidence: {
        Begin(e, "kinerja.evidence.submitted.v1", it.at);
        Lit(R"({"period":")");
        Lit(cal_.month[it.b]);
        Lit(R"(","indicator":")");
        IndicatorId(it.a, 0);
        Lit(R"(","evidence":"BD-)");
        char hex[8];
        for (int i = 0; i < 8; ++i) hex[i] = "0123456789ABCDEF"[(it.c >> (28 - 4 * i)) & 0xF];
        json_.append(hex, sizeof hex);
        Lit("\"}");
        return Finish(e);
      }
      case Kind::kFeedback:
        Begin(e, "kinerja.feedback.given.v1", it.at);
        Lit(R"({"giver":")");
        AppendNip(RaterOf(e));
        Lit("\"");
        if (it.a < 7) {
          Lit(R"(,"value":")");
          Lit(CoreValueName(static_cast<CoreValue>(it.a)));
          Lit("\"");
        }
        if (it.b > 0) {
          Lit(R"(,"note":")");
          Lit(kNotes[static_cast<size_t>(it.b - 1)]);
          Lit("\"");
        }
        Lit("}");
        return Finish(e);
      case Kind::kRating:
        Begin(e, "kinerja.rating.assigned.v1", it.at);
        Lit(R"({"period":")");
        if (it.c == 0) {
          Int(cal_.year);
        } else {
          Lit(cal_.month[it.c]);
        }
        Lit(R"(","hasil":")");
        Lit(ExpectationName(static_cast<Expectation>(it.a)));
        Lit(R"(","perilaku":")");
        Lit(ExpectationName(static_cast<Expectation>(it.b)));
        Lit(R"(","rater":")");
        AppendNip(RaterOf(e));
        Lit("\"}");
        return Finish(e);
      case Kind::kPotential:
        Begin(e, "kinerja.potential.assessed.v1", it.at);
        Lit(R"({"year":)");
        Int(cal_.year);
        Lit(R"(,"potential":")");
        Lit(PotentialName(static_cast<Potential>(it.a)));
        Lit("\"}");
        return Finish(e);
      case Kind::kTraining: {
        const bool classroom = (it.a & 1) == 0;
        const size_t which = static_cast<size_t>(it.a >> 1);
        Begin(e, "kinerja.training.completed.v1", it.at);
        Lit(R"({"course":")");
        Lit(classroom ? kClassroomCourses[which % kClassroomCourses.size()]
                      : kOnlineCourses[which % kOnlineCourses.size()]);
        Lit("-");
        Int(cal_.year);
        Lit("-");
        Int(it.b);
        Lit(R"(","completed_on":")");
        Lit(cal_.date[it.c]);
        Lit(R"(","minutes":)");
        Int(static_cast<int64_t>(it.value));
        Lit(classroom ? R"(,"mode":"klasikal"})" : R"(,"mode":"nonklasikal"})");
        return Finish(e);
      }
    }
    return true;
  }

  const std::array<char, 18>& RaterOf(const Employee& e) const {
    return e.now.supervisor < 0 ? outside_rater_[static_cast<size_t>(e.now.agency)]
                                : staff_[static_cast<size_t>(e.now.supervisor)].nip;
  }

  // --- JSON writing --------------------------------------------------------------------------
  void Lit(std::string_view s) { json_.append(s); }
  void Int(int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    json_.append(buf, r.ptr);
  }
  void Two(int v) {
    const char d[2] = {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
    json_.append(d, 2);
  }
  // A value >= 0 with at most one decimal.
  void Decimal(double v) {
    const int64_t tenths = std::llround(v * 10);
    Int(tenths / 10);
    if (tenths % 10 != 0) {
      json_.push_back('.');
      json_.push_back(static_cast<char>('0' + tenths % 10));
    }
  }
  void AppendNip(const std::array<char, 18>& nip) { json_.append(nip.data(), nip.size()); }
  void IndicatorId(uint8_t number, uint32_t old) {
    Lit("IKI-");
    if (number == 0) {  // an id from last year's SKP
      Int(cal_.year - 1);
      Lit("-");
      Int(old == 0 ? 1 : old);
    } else {
      Int(number);
    }
  }

  void Begin(Employee& e, std::string_view type, int32_t at) {
    const std::string& source = agency_code_[static_cast<size_t>(e.now.agency)];
    const int day = at / kDaySeconds;
    const int sec = at % kDaySeconds;
    json_.clear();
    // Unique per source without personal data: the employee index and a sequence.
    Lit(R"({"specversion":"1.0","id":")");
    Lit(source);
    Lit("-");
    Int(e.index);
    Lit("-");
    Int(static_cast<int64_t>(e.seq++));
    Lit(R"(","source":"/agencies/)");
    Lit(source);
    Lit(R"(","type":")");
    Lit(type);
    Lit(R"(","subject":")");
    AppendNip(e.nip);
    Lit(R"(","time":")");
    Lit(cal_.date[static_cast<size_t>(day)]);
    json_.push_back('T');
    Two(sec / 3600);
    json_.push_back(':');
    Two(sec / 60 % 60);
    json_.push_back(':');
    Two(sec % 60);
    Lit(offset_[static_cast<size_t>(e.now.tz)]);
    Lit(R"(","datacontenttype":"application/json","data":)");
  }

  bool Finish(Employee& e) {
    json_.push_back('}');
    const std::string_view key(e.nip.data(), e.nip.size());
    if (o_.max_events && summary_.events >= o_.max_events) return false;
    ++summary_.events;
    if (!sink_(key, json_)) return false;
    // A publisher retry: the same event, same id, sent again.
    if (e.rng.Chance(o_.duplicate_rate) && (!o_.max_events || summary_.events < o_.max_events)) {
      ++summary_.events;
      ++summary_.duplicates;
      if (!sink_(key, json_)) return false;
    }
    return true;
  }

  const SimulatorOptions& o_;
  const EventSink& sink_;
  Calendar cal_;
  SimulationSummary summary_;
  std::vector<double> agency_cdf_;
  std::vector<TimeZone> agency_tz_;
  std::vector<std::string> agency_code_;
  std::vector<std::array<char, 18>> outside_rater_;
  std::array<std::string, 4> offset_;  // "+07:00" per TimeZone
  std::vector<Employee> staff_;
  std::vector<std::array<std::vector<int>, kRanks>> by_rank_;  // per agency: staff indexes per rank
  std::string json_;
};

}  // namespace

std::string AgencyCode(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "AG%03d", index + 1);
  return buf;
}

SimulationSummary Simulate(const SimulatorOptions& options, const EventSink& sink) {
  return Simulation(options, sink).Run();
}

}  // namespace kinerja::simulator
