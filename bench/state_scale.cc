// kinerja_bench_state_scale: does the cost of an event grow with the state already stored?
// (issue 4: "events/s with 10k vs 1M employees of state").
//
// The real pipeline (decode + dedup + apply + one RocksDB WriteBatch per batch, real RocksDB
// state) with Kafka out of the picture: an in-memory source feeds pipeline::Pipeline, a probe
// that only counts (a NullProbe), MemoryDeadLetters. For every state size N:
//
//   LOAD (reported, not a result): a fresh RocksDB state gets N employees with a year of
//   history (2026-01-01 .. 2026-11-30): employee.upserted, an SKP with 3-5 indicators, monthly
//   realisasi + evidence for every indicator, monthly ratings, some feedback, training records
//   and activity on a few days a month; about 136 events per employee, through the Pipeline.
//   Then the partitions' stored offsets are set back to 0 (as if the state had been built
//   from an earlier topic; counters, entities and metadata are untouched) and the state is
//   compacted fully, so every measured round starts from the same settled LSM tree.
//
//   MEASURE: the same fixed workload for every N (M events dated December 2026: realisasi,
//   evidence, feedback, activity, training; employees drawn uniformly from the N with a fixed
//   seed; partitioned by NIP), pre-generated into an ingest::MemorySource, then timed through
//   Pipeline::Run (stop at end). Every round runs on a fresh copy of the loaded state (hard
//   links to its SST files) with a fresh Pipeline (empty employee cache), so each round starts
//   from exactly the same state and does exactly the same work.
//
// Each load and each measured round runs in a child process of its own (fork), so its peak RSS
// (wait4) is its own and nothing is left in memory between rounds. Rounds are interleaved
// (round 1 of every N and cache setting, then round 2, ...), so a ratio compares measurements
// taken minutes apart, not a quiet period with a busy one.
//
// Reported per round: wall-clock events/s after the partitions were assigned (the assignment,
// which reads every partition's counters, is timed on its own), the CPU time of the process
// and of the pipeline's thread, and what the pipeline read from and wrote to the store.
//
// Output: a JSON line per load and per round on stdout, progress on stderr, then Markdown
// tables. `--help` lists the flags.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/civil_time.h"
#include "core/event.h"
#include "core/random.h"
#include "ingest/memory.h"
#include "ingest/source.h"
#include "pipeline/pipeline.h"
#include "pipeline/probe.h"
#include "state/codec.h"
#include "storage/forwarding_store.h"
#include "storage/state_store.h"

namespace {

namespace fs = std::filesystem;
using kinerja::Mix64;
using kinerja::Rng;
using kinerja::Status;
using Clock = std::chrono::steady_clock;

constexpr int kYear = 2026;
constexpr int kDaySeconds = 86400;

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "kinerja_bench_state_scale: error: %s\n", msg.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void Log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void Log(const char* fmt, ...) {
  std::fprintf(stderr, "state_scale: ");
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

// ---------------------------------------------------------------------------------------------
// Options. (Randomness: core/random.h, as in simulator/: the same seed gives the same events.)

struct Options {
  std::vector<int64_t> sizes{10000, 1000000};
  int rounds = 3;
  int64_t events = 1000000;  // measured workload per round
  // Employees the workload touches: 0 = all N (uniform); K = K employees spread evenly over the
  // N, the same working set for every size, so only the stored state differs.
  int64_t active = 0;
  // With `active`: only the active employees are loaded through the pipeline; every other
  // employee gets a byte copy of an active one's entities under its own NIP and partition (a
  // bulk writer, for sizes whose replay would take hours).
  bool ballast = false;
  std::vector<std::string> caches{"default", "all"};
  int32_t partitions = 16;
  int agencies = 20;
  size_t batch_size = 50000;  // the `kinerja run` default
  int load_threads = 2;
  uint64_t seed = 42;
  std::string dir;
  std::string state_cache;    // keep loaded states here and reuse them (opt-in)
  int wait_for_compiles = 0;  // seconds to wait before a round while a compiler runs
};

// max_cached_employees for a cache setting at state size n.
size_t CacheFor(const std::string& setting, int64_t n) {
  if (setting == "default") return kinerja::pipeline::PipelineOptions{}.max_cached_employees;
  if (setting == "all") return static_cast<size_t>(n);
  return static_cast<size_t>(std::stoull(setting));
}

// ---------------------------------------------------------------------------------------------
// The synthetic organisation. Employee i of N: NIP, agency, time zone, SKP size, supervisor,
// all derived from (seed, i), so the load and the workload agree without storing anything.

constexpr int64_t kMaxEmployees = 999LL * 480 * 2 * 8;  // NIPs are unique below this (MakeNip)

struct Calendar {
  int64_t jan1 = 0;                   // days since 1970-01-01
  std::vector<std::string> date;      // "YYYY-MM-DD" by day of the year
  std::array<int, 14> month_start{};  // day of the year of the 1st of month m; [13] = 365
  std::array<std::string, 13> month;  // "YYYY-MM"
  Calendar() {
    jan1 = kinerja::DaysFromCivil(kYear, 1, 1);
    const int days = kinerja::IsLeapYear(kYear) ? 366 : 365;
    for (int d = 0; d < days; ++d) {
      const kinerja::Date c = kinerja::CivilFromDays(jan1 + d);
      date.push_back(kinerja::FormatDate(c));
      if (c.day == 1) month_start[static_cast<size_t>(c.month)] = d;
    }
    month_start[13] = days;
    for (int m = 1; m <= 12; ++m)
      month[static_cast<size_t>(m)] = kinerja::FormatMonth(kinerja::ToMonthIndex(kYear, m));
  }
  int Weekday(int doy) const { return static_cast<int>((jan1 + doy + 4) % 7); }  // 0 = Sunday
  int WorkingOnOrAfter(int doy) const {
    while (doy < 364 && (Weekday(doy) == 0 || Weekday(doy) == 6)) ++doy;
    return doy;
  }
};

constexpr std::array<std::string_view, 4> kTzName = {"Asia/Jakarta", "Asia/Pontianak",
                                                     "Asia/Makassar", "Asia/Jayapura"};
constexpr std::array<std::string_view, 4> kTzOffset = {"+07:00", "+07:00", "+08:00", "+09:00"};
constexpr std::array<int, 4> kTzMinutes = {420, 420, 480, 540};
constexpr std::array<std::string_view, 5> kPositions = {"jpt", "administrator", "pengawas",
                                                        "pelaksana", "fungsional"};
constexpr std::array<std::string_view, 7> kCoreValues = {"berorientasi_pelayanan",
                                                         "akuntabel",
                                                         "kompeten",
                                                         "harmonis",
                                                         "loyal",
                                                         "adaptif",
                                                         "kolaboratif"};
constexpr std::array<std::string_view, 3> kExpectations = {"di_atas", "sesuai", "di_bawah"};
constexpr std::array<std::string_view, 4> kUnits = {"dokumen", "laporan", "kegiatan", "berkas"};

struct Employee {
  int64_t index = 0;
  char nip[18];
  int agency = 0;
  int tz = 0;
  int indicators = 4;
  int64_t supervisor = -1;  // index, or -1 (none)
  int32_t partition = 0;
  std::string_view Nip() const { return {nip, sizeof nip}; }
};

// The NIP's 18 digits as a number (the event's subject).
kinerja::Nip NipValue(std::string_view digits) {
  kinerja::Nip v = 0;
  for (char c : digits) v = v * 10 + static_cast<kinerja::Nip>(c - '0');
  return v;
}

// How many employees the measured workload touches at size n (--active, or all).
int64_t ActiveCount(const Options& o, int64_t n) {
  return o.active > 0 && o.active < n ? o.active : n;
}

class Org {
 public:
  Org(const Options& o, int64_t n) : o_(o), n_(n), nips_(static_cast<size_t>(n)) {
    for (int a = 0; a < o.agencies; ++a) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "AG%03d", a + 1);
      agency_.push_back(buf);
    }
    for (int64_t i = 0; i < n; ++i) MakeNip(i, nips_[static_cast<size_t>(i)].data());
  }
  int64_t size() const { return n_; }
  const std::string& AgencyCode(int a) const { return agency_[static_cast<size_t>(a)]; }

  // NIP (docs/events.md): birth date YYYYMMDD (1960..2001), appointment YYYYMM (1985..2024), sex
  // (1/2), number 001..999. The index fixes (number, appointment, sex) and the birth date modulo
  // 8, so two employees never share a NIP; the rest of the birth date is random.
  void MakeNip(int64_t i, char* out) const {
    const int64_t number = i % 999 + 1;
    int64_t q = i / 999;
    const int64_t appointment = q % 480;
    q /= 480;
    const int64_t sex = q % 2 + 1;
    q /= 2;
    const int64_t birth_offset =
        static_cast<int64_t>(Mix64(o_.seed ^ (0x5eedULL + static_cast<uint64_t>(i))) % 1900) * 8 +
        q;
    const kinerja::Date birth =
        kinerja::CivilFromDays(kinerja::DaysFromCivil(1960, 1, 1) + birth_offset);
    const int ay = 1985 + static_cast<int>(appointment / 12),
              am = static_cast<int>(appointment % 12) + 1;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d%04d%02d%d%03d", birth.year, birth.month, birth.day,
                  ay, am, static_cast<int>(sex), static_cast<int>(number));
    std::memcpy(out, buf, 18);
  }
  std::string_view NipOf(int64_t i) const { return {nips_[static_cast<size_t>(i)].data(), 18}; }

  Employee Get(int64_t i) const {
    Employee e;
    e.index = i;
    std::memcpy(e.nip, nips_[static_cast<size_t>(i)].data(), sizeof e.nip);
    const uint64_t h = Mix64(o_.seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(i));
    e.agency = static_cast<int>(h % static_cast<uint64_t>(o_.agencies));
    e.tz = e.agency % 4;
    e.indicators = 3 + static_cast<int>((h >> 20) % 3);
    e.supervisor = i % 8 == 0 ? -1 : i / 8 * 8;
    e.partition =
        static_cast<int32_t>(Mix64(NipValue(e.Nip())) % static_cast<uint64_t>(o_.partitions));
    return e;
  }

  // Someone who can rate / give feedback: the supervisor, or (for the top of each group of 8)
  // the next employee.
  int64_t RaterOf(const Employee& e) const {
    return e.supervisor >= 0 ? e.supervisor : (e.index + 1) % n_;
  }

 private:
  const Options& o_;
  int64_t n_;
  std::vector<std::string> agency_;
  std::vector<std::array<char, 18>> nips_;  // by index (18 MB for 1M employees)
};

// ---------------------------------------------------------------------------------------------
// JSON events (docs/events.md, CloudEvents structured mode).

class EventWriter {
 public:
  EventWriter(uint64_t seed, const Org& org, const Calendar& cal)
      : seed_(seed), org_(org), cal_(cal) {}
  uint64_t seed() const { return seed_; }

  // Starts an event of employee e at local day-of-year `doy`, second `sec`, with id
  // "<agency>-<index>-<tag><seq>".
  void Begin(const Employee& e, std::string_view type, int doy, int sec, char tag, int64_t seq) {
    s_.clear();
    const std::string& agency = org_.AgencyCode(e.agency);
    Lit(R"({"specversion":"1.0","id":")");
    Lit(agency);
    s_.push_back('-');
    Int(e.index);
    s_.push_back('-');
    if (tag) s_.push_back(tag);
    Int(seq);
    Lit(R"(","source":"/agencies/)");
    Lit(agency);
    Lit(R"(","type":")");
    Lit(type);
    Lit(R"(","subject":")");
    Lit(e.Nip());
    Lit(R"(","time":")");
    Lit(cal_.date[static_cast<size_t>(doy)]);
    s_.push_back('T');
    Two(sec / 3600);
    s_.push_back(':');
    Two(sec / 60 % 60);
    s_.push_back(':');
    Two(sec % 60);
    Lit(kTzOffset[static_cast<size_t>(e.tz)]);
    Lit(R"(","datacontenttype":"application/json","data":)");
  }
  std::string& Finish() {
    s_.push_back('}');
    return s_;
  }

  void Lit(std::string_view v) { s_.append(v); }
  void Int(int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    s_.append(buf, r.ptr);
  }
  void Two(int v) {
    s_.push_back(static_cast<char>('0' + v / 10));
    s_.push_back(static_cast<char>('0' + v % 10));
  }
  void Decimal1(double v) {  // >= 0, one decimal at most
    const int64_t tenths = std::llround(v * 10);
    Int(tenths / 10);
    if (tenths % 10) {
      s_.push_back('.');
      s_.push_back(static_cast<char>('0' + tenths % 10));
    }
  }
  void NipOf(int64_t index) { s_.append(org_.NipOf(index)); }
  const Calendar& cal() const { return cal_; }
  const Org& org() const { return org_; }

 private:
  uint64_t seed_;
  const Org& org_;
  const Calendar& cal_;
  std::string s_;
};

// Unix milliseconds of a local time (day of the year, second of the day) in the employee's zone.
int64_t UnixMs(const Calendar& cal, const Employee& e, int doy, int sec) {
  return ((cal.jan1 + doy) * kDaySeconds + sec - kTzMinutes[static_cast<size_t>(e.tz)] * 60LL) *
         1000;
}

// The SKP target of indicator k (1-based) of employee e: 12..120 per year.
int SkpTarget(uint64_t seed, const Employee& e, int k) {
  return 12 + static_cast<int>(
                  Mix64(seed * 31 + static_cast<uint64_t>(e.index) * 8 + static_cast<uint64_t>(k)) %
                  109);
}

// One event of an employee's year, before it is written as JSON.
enum class Kind : uint8_t {
  kUpsert,
  kSkp,
  kRealisasi,
  kEvidence,
  kFeedback,
  kRating,
  kTraining,
  kActivity
};
struct Item {
  int doy = 0;
  int sec = 0;
  Kind kind = Kind::kUpsert;
  int a = 0, b = 0, c = 0;
  double value = 0;
};

// The events of employee e from 1 January to 30 November, in time order.
void YearOfEmployee(uint64_t seed, const Employee& e, const Calendar& cal,
                    std::vector<Item>* items) {
  items->clear();
  Rng r(seed, 2 * static_cast<uint64_t>(e.index) + 1);
  items->push_back({1, 8 * 3600, Kind::kUpsert});
  items->push_back({r.Int(8, 18), 10 * 3600 + r.Int(0, 3599), Kind::kSkp});
  int evidence = 0, course = 0;
  for (int m = 1; m <= 11; ++m) {
    const int start = cal.month_start[static_cast<size_t>(m)];
    const int days = cal.month_start[static_cast<size_t>(m + 1)] - start;
    // Daily-log activity on a few days.
    for (int n = r.Int(1, 2); n > 0; --n) {
      const int doy = cal.WorkingOnOrAfter(start + r.Int(0, days - 3));
      items->push_back({doy, r.Int(8 * 3600, 16 * 3600), Kind::kActivity, r.Chance(0.4) ? 1 : 0,
                        r.Int(2, 32) * 15});
    }
    for (int n = r.Poisson(0.5); n > 0; --n) {
      items->push_back({start + r.Int(0, days - 1), r.Int(8 * 3600, 17 * 3600), Kind::kFeedback,
                        r.Int(0, 7), r.Chance(0.3) ? 1 : 0});
    }
    for (int k = 1; k <= e.indicators; ++k) {
      const double monthly = SkpTarget(seed, e, k) / 12.0;
      items->push_back({start + 19 + r.Int(0, 7), r.Int(9 * 3600, 16 * 3600), Kind::kRealisasi, k,
                        m, 0, monthly * (0.5 + r.Uniform() * 0.9)});
      for (int n = r.Chance(0.2) ? 2 : 1; n > 0; --n) {
        items->push_back({start + 19 + r.Int(0, 8), r.Int(9 * 3600, 16 * 3600), Kind::kEvidence, k,
                          m, ++evidence});
      }
    }
    items->push_back(
        {start + 27, r.Int(14 * 3600, 16 * 3600), Kind::kRating, r.Int(0, 2), r.Int(0, 2), m});
    if (r.Chance(0.35)) {
      items->push_back({start + r.Int(0, days - 1), r.Int(13 * 3600, 17 * 3600), Kind::kTraining,
                        r.Int(0, 1), ++course, 0, r.Int(6, 60) * 15.0});
    }
  }
  std::stable_sort(items->begin(), items->end(), [](const Item& x, const Item& y) {
    return x.doy != y.doy ? x.doy < y.doy : x.sec < y.sec;
  });
}

// Writes one item as JSON (id sequence `seq` with id tag `tag`); returns the JSON.
std::string& WriteItem(EventWriter& w, const Employee& e, const Item& it, char tag, int64_t seq) {
  const Calendar& cal = w.cal();
  switch (it.kind) {
    case Kind::kUpsert:
      w.Begin(e, "kinerja.employee.upserted.v1", it.doy, it.sec, tag, seq);
      w.Lit(R"({"agency":")");
      w.Lit(w.org().AgencyCode(e.agency));
      w.Lit(R"(","unit":"Bagian Umum dan Kepegawaian","tz":")");
      w.Lit(kTzName[static_cast<size_t>(e.tz)]);
      w.Lit(R"(","position":")");
      w.Lit(kPositions[static_cast<size_t>(e.index % 5)]);
      w.Lit(e.index % 3 == 0 ? R"(","employment":"pppk")" : R"(","employment":"pns")");
      if (e.supervisor < 0) {
        w.Lit(R"(,"supervisor":null)");
      } else {
        w.Lit(R"(,"supervisor":")");
        w.NipOf(e.supervisor);
        w.Lit("\"");
      }
      w.Lit(R"(,"status":"active"})");
      break;
    case Kind::kSkp: {
      w.Begin(e, "kinerja.skp.approved.v1", it.doy, it.sec, tag, seq);
      w.Lit(R"({"year":)");
      w.Int(kYear);
      w.Lit(R"(,"indicators":[)");
      for (int k = 1; k <= e.indicators; ++k) {
        w.Lit(k == 1 ? R"({"id":"IKI-)" : R"(,{"id":"IKI-)");
        w.Int(k);
        w.Lit(k < e.indicators ? R"(","kind":"utama","target":)"
                               : R"(","kind":"tambahan","target":)");
        w.Int(SkpTarget(w.seed(), e, k));
        w.Lit(R"(,"unit":")");
        w.Lit(kUnits[static_cast<size_t>(k % 4)]);
        w.Lit("\"}");
      }
      w.Lit("]}");
      break;
    }
    case Kind::kRealisasi:
      w.Begin(e, "kinerja.realisasi.reported.v1", it.doy, it.sec, tag, seq);
      w.Lit(R"({"period":")");
      w.Lit(cal.month[static_cast<size_t>(it.b)]);
      w.Lit(R"(","indicator":"IKI-)");
      w.Int(it.a);
      w.Lit(R"(","value":)");
      w.Decimal1(it.value);
      w.Lit("}");
      break;
    case Kind::kEvidence:
      w.Begin(e, "kinerja.evidence.submitted.v1", it.doy, it.sec, tag, seq);
      w.Lit(R"({"period":")");
      w.Lit(cal.month[static_cast<size_t>(it.b)]);
      w.Lit(R"(","indicator":"IKI-)");
      w.Int(it.a);
      w.Lit(R"(","evidence":"BD-)");
      if (tag) w.Lit(std::string_view(&tag, 1));
      w.Int(it.c);
      w.Lit("\"}");
      break;
    case Kind::kFeedback:
      w.Begin(e, "kinerja.feedback.given.v1", it.doy, it.sec, tag, seq);
      w.Lit(R"({"giver":")");
      w.NipOf(w.org().RaterOf(e));
      w.Lit("\"");
      if (it.a < 7) {
        w.Lit(R"(,"value":")");
        w.Lit(kCoreValues[static_cast<size_t>(it.a)]);
        w.Lit("\"");
      }
      if (it.b) w.Lit(R"(,"note":"Terima kasih atas laporannya")");
      w.Lit("}");
      break;
    case Kind::kRating:
      w.Begin(e, "kinerja.rating.assigned.v1", it.doy, it.sec, tag, seq);
      w.Lit(R"({"period":")");
      w.Lit(cal.month[static_cast<size_t>(it.c)]);
      w.Lit(R"(","hasil":")");
      w.Lit(kExpectations[static_cast<size_t>(it.a)]);
      w.Lit(R"(","perilaku":")");
      w.Lit(kExpectations[static_cast<size_t>(it.b)]);
      w.Lit(R"(","rater":")");
      w.NipOf(w.org().RaterOf(e));
      w.Lit("\"}");
      break;
    case Kind::kTraining:
      w.Begin(e, "kinerja.training.completed.v1", it.doy, it.sec, tag, seq);
      w.Lit(R"({"course":"DIKLAT-)");
      if (tag) w.Lit(std::string_view(&tag, 1));
      w.Int(it.b);
      w.Lit(R"(","completed_on":")");
      w.Lit(cal.date[static_cast<size_t>(it.doy)]);
      w.Lit(R"(","minutes":)");
      w.Int(static_cast<int64_t>(it.value));
      w.Lit(it.a ? R"(,"mode":"klasikal"})" : R"(,"mode":"nonklasikal"})");
      break;
    case Kind::kActivity:
      w.Begin(e, "kinerja.activity.logged.v1", it.doy, it.sec, tag, seq);
      w.Lit(R"({"date":")");
      w.Lit(cal.date[static_cast<size_t>(it.doy)]);
      w.Lit(R"(","minutes":)");
      w.Int(it.b);
      w.Lit(it.a ? R"(,"category":"administrative"})" : R"(,"category":"substantive"})");
      break;
  }
  return w.Finish();
}

// ---------------------------------------------------------------------------------------------
// The measured workload: M events dated December, for employees drawn uniformly from the N.

struct Generated {
  int32_t partition;
  std::string_view key;
  const std::string& json;
  int64_t timestamp_ms;
};

// Calls `sink` for each workload event in order; returns the number of distinct employees.
uint64_t GenerateWorkload(const Options& o, const Org& org, const Calendar& cal,
                          const std::function<void(const Generated&)>& sink) {
  EventWriter w(o.seed, org, cal);
  Rng r(o.seed, 0xdec0000000ULL);
  std::vector<bool> touched(static_cast<size_t>(org.size()), false);
  uint64_t distinct = 0;
  const int december = cal.month_start[12];
  const auto m = static_cast<uint64_t>(o.events);
  for (uint64_t j = 0; j < m; ++j) {
    const int64_t n = org.size();
    const int64_t k = ActiveCount(o, n);
    const auto i = static_cast<int64_t>(r.Below(static_cast<uint64_t>(k))) * (n / k);
    if (!touched[static_cast<size_t>(i)]) {
      touched[static_cast<size_t>(i)] = true;
      ++distinct;
    }
    const Employee e = org.Get(i);
    Item it;
    it.doy = december + static_cast<int>(j * 31 / m);  // time moves through the month
    it.sec = r.Int(7 * 3600, 17 * 3600);
    const int u = r.Int(0, 99);
    if (u < 35) {
      it.kind = Kind::kActivity;
      it.a = r.Chance(0.4) ? 1 : 0;
      it.b = r.Int(2, 32) * 15;
    } else if (u < 60) {
      it.kind = Kind::kRealisasi;
      it.a = r.Int(1, e.indicators);
      it.b = 12;
      it.value = SkpTarget(o.seed, e, it.a) / 12.0 * (0.5 + r.Uniform() * 0.9);
    } else if (u < 85) {
      it.kind = Kind::kEvidence;
      it.a = r.Int(1, e.indicators);
      it.b = 12;
      it.c = static_cast<int>(j);
    } else if (u < 95) {
      it.kind = Kind::kFeedback;
      it.a = r.Int(0, 7);
      it.b = r.Chance(0.3) ? 1 : 0;
    } else {
      it.kind = Kind::kTraining;
      it.a = r.Int(0, 1);
      it.b = static_cast<int>(j);
      it.value = r.Int(6, 60) * 15.0;
    }
    const std::string& json = WriteItem(w, e, it, 'w', static_cast<int64_t>(j));
    sink({e.partition, e.Nip(), json, UnixMs(cal, e, it.doy, it.sec) + r.Int(0, 120000)});
  }
  return distinct;
}

// ---------------------------------------------------------------------------------------------
// The load's source. ingest::MemorySource keeps every record it was given, which for ~150M
// events of load (~40 GB of JSON) does not fit; this twin hands out generated chunks and frees
// them once consumed. Otherwise it behaves like MemorySource: owns every partition, assigns
// them on the first Poll (resuming at the stored offsets), revokes them on Close.

struct Pending {
  int32_t partition;
  std::string key, value;
  int64_t timestamp_ms;
};

class ChunkSource : public kinerja::ingest::EventSource {
 public:
  // Appends the next chunk to *out; returns false once there is nothing more.
  using Fill = std::function<bool(std::vector<Pending>* out)>;
  ChunkSource(int32_t partitions, std::vector<int32_t> owned, Fill fill)
      : owned_(std::move(owned)),
        next_(static_cast<size_t>(partitions), 0),
        fill_(std::move(fill)) {}

  void SetListener(kinerja::ingest::PartitionListener* l) override { listener_ = l; }
  Status Poll(std::vector<kinerja::ingest::Message>* out, size_t max,
              std::chrono::milliseconds) override {
    if (!assigned_) {
      auto offsets = listener_->OnAssigned(owned_);
      if (!offsets.ok()) return offsets.status();
      for (size_t i = 0; i < owned_.size(); ++i)
        next_[static_cast<size_t>(owned_[i])] = offsets.value()[i].value_or(0);
      assigned_ = true;
    }
    retired_.clear();  // handed out before this Poll: no view into them is alive any more
    while (out->size() < max) {
      if (pos_ == chunk_.size()) {
        if (done_) break;
        retired_.push_back(std::move(chunk_));
        chunk_ = {};
        pos_ = 0;
        done_ = !fill_(&chunk_);
        continue;
      }
      const Pending& r = chunk_[pos_++];
      kinerja::ingest::Message m;
      m.partition = r.partition;
      m.offset = next_[static_cast<size_t>(r.partition)]++;
      m.timestamp_ms = r.timestamp_ms;
      m.key = std::string_view(r.key);
      m.value = std::string_view(r.value);
      out->push_back(m);
    }
    return Status::OK();
  }
  void ReportProgress(const std::vector<kinerja::ingest::PartitionOffset>&) override {}
  std::optional<int64_t> HighWatermark(int32_t p) override {
    if (!assigned_) return std::nullopt;  // during the assignment
    return next_.at(static_cast<size_t>(p));
  }
  kinerja::Result<std::vector<int64_t>> QueryEndOffsets(std::chrono::milliseconds) override {
    return next_;
  }
  Status Close() override {
    if (!assigned_ || !listener_) return Status::OK();
    assigned_ = false;
    return listener_->OnRevoked(owned_);
  }

 private:
  std::vector<int32_t> owned_;
  std::vector<int64_t> next_;  // by partition
  Fill fill_;
  kinerja::ingest::PartitionListener* listener_ = nullptr;
  bool assigned_ = false, done_ = false;
  std::vector<Pending> chunk_;
  size_t pos_ = 0;
  std::vector<std::vector<Pending>> retired_;
};

// A NullProbe that counts outcomes and notes when the partitions were assigned (the
// assignment loads every partition's counters, see the report).
class CountingProbe : public kinerja::pipeline::NullProbe {
 public:
  void BatchCommitted(const kinerja::pipeline::BatchCounts& counts, double, int64_t) override {
    last_commit_at = Clock::now();
    process_cpu_at_last_commit = CpuSeconds(RUSAGE_SELF);
    thread_cpu_at_last_commit = CpuSeconds(RUSAGE_THREAD);
    ++batches;
    for (const auto& t : counts.events) {
      applied += t[static_cast<size_t>(kinerja::pipeline::Outcome::kApplied)];
      duplicates += t[static_cast<size_t>(kinerja::pipeline::Outcome::kDuplicate)];
      dead_lettered += t[static_cast<size_t>(kinerja::pipeline::Outcome::kDeadLettered)];
    }
  }
  void Assignment(size_t owned, bool) override {
    if (owned > 0 && !assigned_at) {
      assigned_at = Clock::now();
      process_cpu_at_assignment = CpuSeconds(RUSAGE_SELF);
      thread_cpu_at_assignment = CpuSeconds(RUSAGE_THREAD);
    }
  }
  // User + system CPU seconds of the process (every thread, incl. RocksDB's background
  // flushes and compactions) or of the calling thread.
  static double CpuSeconds(int who) {
    rusage ru{};
    getrusage(who, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  }
  uint64_t batches = 0, applied = 0, duplicates = 0, dead_lettered = 0;
  std::optional<Clock::time_point> assigned_at, last_commit_at;
  double process_cpu_at_assignment = 0, thread_cpu_at_assignment = 0;
  double process_cpu_at_last_commit = 0, thread_cpu_at_last_commit = 0;
};

// The real store, with counts of what the pipeline reads and writes (a thin decorator: one
// extra call per scan and per entity read, nothing per key written).
class CountingStore : public kinerja::storage::ForwardingStateStore {
 public:
  explicit CountingStore(kinerja::storage::StateStore* inner) : ForwardingStateStore(inner) {}
  Status GetEntities(int32_t partition, const std::vector<std::string>& keys,
                     std::vector<std::optional<std::string>>* values) override {
    ++gets;
    Status st = inner()->GetEntities(partition, keys, values);
    for (const auto& v : *values) {
      if (v) {
        ++entities_read;
        bytes_read += v->size();
      }
    }
    return st;
  }
  Status ScanEntities(
      int32_t partition, std::string_view prefix,
      const std::function<Status(std::string_view, std::string_view)>& fn) override {
    ++scans;
    return inner()->ScanEntities(partition, prefix,
                                 [&](std::string_view suffix, std::string_view value) {
                                   ++entities_read;
                                   bytes_read += value.size();
                                   return fn(suffix, value);
                                 });
  }
  Status Commit(const kinerja::storage::WriteSet& w) override {
    ++commits;
    for (const auto& e : w.entities) {
      ++entities_written;
      if (e.value) bytes_written += e.value->size();
    }
    counters_written += w.counters.size();
    return inner()->Commit(w);
  }

  uint64_t gets = 0, scans = 0, entities_read = 0, bytes_read = 0;
  uint64_t commits = 0, entities_written = 0, bytes_written = 0, counters_written = 0;
};

// ---------------------------------------------------------------------------------------------
// Children: the load of one state size, and one measured round.

// The employees the workload touches (GenerateWorkload): K spread evenly over the N.
bool IsActive(const Options& o, int64_t n, int64_t i) {
  const int64_t k = ActiveCount(o, n);
  return i % (n / k) == 0 && i / (n / k) < k;
}

// --ballast: every employee that is not active gets the entities of active employee
// (i mod K) under its own key (NIP) and partition. Written in batches of 10,000 employees; the
// KPI counters stay those of the active employees. Returns the employees written.
int64_t WriteBallast(const Options& o, const Org& org, kinerja::storage::StateStore* store) {
  const int64_t n = org.size();
  struct Template {
    std::vector<std::pair<std::string, std::string>> entities;  // key suffix, value
  };
  std::vector<Template> templates;
  for (int64_t i = 0; i < n; ++i) {
    if (!IsActive(o, n, i)) continue;
    const Employee e = org.Get(i);
    Template& t = templates.emplace_back();
    Check(store->ScanEntities(e.partition, kinerja::state::EmployeeKey(NipValue(e.Nip())),
                              [&](std::string_view suffix, std::string_view value) {
                                t.entities.emplace_back(suffix, value);
                                return Status::OK();
                              }),
          "ballast: reading a template");
    if (t.entities.empty()) Die("ballast: an active employee has no state");
  }
  int64_t written = 0;
  kinerja::storage::WriteSet writes;
  auto flush = [&] {
    Check(store->Commit(writes), "ballast: commit");
    writes = {};
  };
  for (int64_t i = 0; i < n; ++i) {
    if (IsActive(o, n, i)) continue;
    const Employee e = org.Get(i);
    const Template& t = templates[static_cast<size_t>(i) % templates.size()];
    const std::string prefix = kinerja::state::EmployeeKey(NipValue(e.Nip()));
    for (const auto& [suffix, value] : t.entities) {
      writes.entities.push_back({e.partition, prefix + suffix, value});
    }
    if (++written % 10000 == 0) flush();
    if (written % 500000 == 0) Log("  ballast of %" PRId64 ": %" PRId64 " employees", n, written);
  }
  flush();
  return written;
}

struct LoadResult {
  uint64_t events, applied, duplicates, dead_lettered, counters;
  double seconds, generate_seconds, scan_seconds, compact_seconds;
  uint64_t ballast;  // employees written as copies (--ballast)
  double ballast_seconds;
  uint64_t approx_bytes, dir_bytes_before, dir_bytes;
};

struct RoundResult {
  uint64_t events, applied, duplicates, dead_lettered, distinct, batches;
  // Pipeline::Run = assignment (reads every partition's counters) + the batches + teardown
  // (the partitions are revoked, which frees the employee cache). Events/s are over the
  // batches alone: from the end of the assignment to the last commit.
  double seconds, assign_seconds, batch_seconds, teardown_seconds, open_seconds, generate_seconds;
  // CPU seconds over the same span: the whole process, and the pipeline's thread alone.
  double process_cpu, thread_cpu;
  // What the pipeline asked of the store during the run (CountingStore).
  uint64_t gets, scans, entities_read, bytes_read, entities_written, bytes_written,
      counters_written;
};

kinerja::storage::RocksDbOptions StoreOptions(const std::string& path) {
  return {.path = path, .format = std::string(kinerja::state::kFormatVersion)};
}

uint64_t DirBytes(const std::string& path) {
  uint64_t total = 0;
  for (const auto& f : fs::recursive_directory_iterator(path)) {
    if (f.is_regular_file()) total += f.file_size();
  }
  return total;
}

LoadResult DoLoad(const Options& o, int64_t n, const std::string& path) {
  LoadResult res{};
  const Calendar cal;
  const Org org(o, n);
  auto opened = kinerja::storage::OpenRocksDbStateStore(StoreOptions(path));
  Check(opened.status(), "opening " + path);
  std::unique_ptr<kinerja::storage::StateStore> store = std::move(opened.value());

  // Employee by employee (so a few thousand cached employees suffice), in two waves: first
  // everything up to 20 November, then 21-30 November. An employee's order of events is the
  // time order either way; the second wave makes the dedup memory what a live stream leaves:
  // the ids of the last week or so (the first wave's chunk expires in it).
  //
  // To save wall time, `load_threads` pipelines run side by side on the one store, each owning
  // its own share of the partitions (partition % threads): keys are partition-scoped, so they
  // never touch the same state.
  const int cutoff = cal.month_start[11] + 20;  // 21 November
  const int threads = std::min<int>(o.load_threads, o.partitions);
  struct Worker {
    uint64_t applied = 0, duplicates = 0, dead_lettered = 0, events = 0;
    double generate = 0;
    std::string first_dead_letter;
  };
  std::vector<Worker> workers(static_cast<size_t>(threads));
  std::atomic<int64_t> progress{0};  // employees done, both waves, all workers

  auto work = [&](int t) {
    Worker& me = workers[static_cast<size_t>(t)];
    EventWriter w(o.seed, org, cal);
    std::vector<int32_t> owned;
    for (int32_t p = t; p < o.partitions; p += threads) owned.push_back(p);
    constexpr int64_t kChunkEmployees = 500;  // scanned per fill (a share of them is ours)
    int wave = 0;
    int64_t next = 0;
    std::vector<Item> items;
    ChunkSource source(o.partitions, owned, [&](std::vector<Pending>* out) {
      const auto g0 = Clock::now();
      const int64_t end = std::min(n, next + kChunkEmployees);
      for (; next < end; ++next) {
        if (o.ballast && !IsActive(o, n, next)) continue;
        const Employee e = org.Get(next);
        if (e.partition % threads != t) continue;
        YearOfEmployee(o.seed, e, cal, &items);
        for (size_t k = 0; k < items.size(); ++k) {
          const Item& it = items[k];
          if ((it.doy < cutoff) != (wave == 0)) continue;
          const std::string& json = WriteItem(w, e, it, 0, static_cast<int64_t>(k));
          const int64_t delay =
              static_cast<int64_t>(Mix64(static_cast<uint64_t>(next) * 1024 + k) % 300000);
          out->push_back(
              {e.partition, std::string(e.Nip()), json, UnixMs(cal, e, it.doy, it.sec) + delay});
        }
      }
      const int64_t before = progress.fetch_add(kChunkEmployees);
      if (t == 0 && n >= 100000 &&
          (before * 10 / (2 * n * threads)) !=
              ((before + kChunkEmployees) * 10 / (2 * n * threads))) {
        Log("  load of %" PRId64 ": %" PRId64 "%%", n,
            (before + kChunkEmployees) * 100 / (2 * n * threads));
      }
      if (next == n && wave == 0) {
        wave = 1;
        next = 0;
      }
      me.generate += Seconds(g0, Clock::now());
      return !(next == n && wave == 1);
    });
    kinerja::ingest::MemoryDeadLetters dlq;
    CountingProbe probe;
    kinerja::pipeline::PipelineOptions po;
    po.max_batch_messages = o.batch_size;
    po.max_cached_employees = 20000;
    {
      kinerja::pipeline::Pipeline pipeline(po, &source, &dlq, store.get(), &probe);
      for (bool idle = false; !idle;) Check(pipeline.RunOnce(&idle), "load");
      Check(source.Close(), "load: close");
    }
    me.applied = probe.applied;
    me.duplicates = probe.duplicates;
    me.dead_lettered = probe.dead_lettered;
    if (!dlq.entries().empty()) {
      const auto& d = dlq.entries().front();
      me.first_dead_letter = d.reason + ": " + d.detail + " in " + d.value.value_or("");
    }
  };

  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  res.seconds = Seconds(t0, Clock::now());
  for (const Worker& me : workers) {
    res.applied += me.applied;
    res.duplicates += me.duplicates;
    res.dead_lettered += me.dead_lettered;
    res.generate_seconds += me.generate;
    if (!me.first_dead_letter.empty()) Die("load: dead letter: " + me.first_dead_letter);
  }
  res.events = res.applied + res.duplicates + res.dead_lettered;
  if (res.duplicates + res.dead_lettered) Die("load: duplicates or dead letters");
  if (o.ballast) {
    const auto b0 = Clock::now();
    res.ballast = static_cast<uint64_t>(WriteBallast(o, org, store.get()));
    res.ballast_seconds = Seconds(b0, Clock::now());
  }

  // Offsets back to 0 (metadata kept), so each round's MemorySource starts at offset 0. This
  // reads each partition the way Pipeline::OnAssigned does, so it is timed too.
  const auto s0 = Clock::now();
  kinerja::storage::WriteSet rewind;
  for (int32_t p = 0; p < o.partitions; ++p) {
    auto snap = store->LoadPartition(p);
    Check(snap.status(), "load partition");
    res.counters += snap->counters.size();
    rewind.progress.push_back({p, 0, snap->meta});
  }
  res.scan_seconds = Seconds(s0, Clock::now());
  Check(store->Commit(rewind), "rewinding offsets");
  res.approx_bytes = store->ApproximateSizeBytes();
  store.reset();
  res.dir_bytes_before = DirBytes(path);

  const auto c0 = Clock::now();
  Check(kinerja::storage::CompactRocksDbState(StoreOptions(path)), "compacting the loaded state");
  res.compact_seconds = Seconds(c0, Clock::now());
  res.dir_bytes = DirBytes(path);
  return res;
}

// A copy of the loaded state: SST files are immutable, so they are hard-linked; the rest
// (MANIFEST, WAL, OPTIONS, ...) is copied.
void CopyState(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const auto& f : fs::directory_iterator(from)) {
    const fs::path target = fs::path(to) / f.path().filename();
    if (f.path().extension() == ".sst") {
      fs::create_hard_link(f.path(), target);
    } else if (f.is_regular_file()) {
      fs::copy_file(f.path(), target);
    }
  }
}

RoundResult DoRound(const Options& o, int64_t n, size_t cache, const std::string& base,
                    const std::string& path) {
  RoundResult res{};
  const Calendar cal;
  const Org org(o, n);

  const auto o0 = Clock::now();
  CopyState(base, path);
  auto opened = kinerja::storage::OpenRocksDbStateStore(StoreOptions(path));
  Check(opened.status(), "opening " + path);
  std::unique_ptr<kinerja::storage::StateStore> store = std::move(opened.value());
  res.open_seconds = Seconds(o0, Clock::now());

  const auto g0 = Clock::now();
  kinerja::ingest::MemorySource source(o.partitions);
  res.distinct = GenerateWorkload(o, org, cal, [&](const Generated& g) {
    source.Append(g.partition, {std::string(g.key), g.json, g.timestamp_ms});
  });
  res.generate_seconds = Seconds(g0, Clock::now());

  kinerja::ingest::MemoryDeadLetters dlq;
  CountingProbe probe;
  kinerja::pipeline::PipelineOptions po;
  po.stop_at_end = true;
  po.max_batch_messages = o.batch_size;
  po.max_cached_employees = cache;
  // A cache for everyone ("all") is not bounded in bytes either.
  if (cache == static_cast<size_t>(n)) po.max_cache_bytes = SIZE_MAX;
  CountingStore counting(store.get());
  {
    kinerja::pipeline::Pipeline pipeline(po, &source, &dlq, &counting, &probe);
    std::atomic<bool> stop{false};
    const auto t0 = Clock::now();
    Check(pipeline.Run(stop), "measured run");
    const auto t1 = Clock::now();
    if (!probe.assigned_at || !probe.last_commit_at)
      Die("measured run: no assignment or no commit");
    res.seconds = Seconds(t0, t1);
    res.assign_seconds = Seconds(t0, *probe.assigned_at);
    res.batch_seconds = Seconds(*probe.assigned_at, *probe.last_commit_at);
    res.teardown_seconds = Seconds(*probe.last_commit_at, t1);
    res.process_cpu = probe.process_cpu_at_last_commit - probe.process_cpu_at_assignment;
    res.thread_cpu = probe.thread_cpu_at_last_commit - probe.thread_cpu_at_assignment;
  }
  res.events = static_cast<uint64_t>(o.events);
  res.applied = probe.applied;
  res.duplicates = probe.duplicates;
  res.dead_lettered = probe.dead_lettered;
  res.batches = probe.batches;
  res.gets = counting.gets;
  res.scans = counting.scans;
  res.entities_read = counting.entities_read;
  res.bytes_read = counting.bytes_read;
  res.entities_written = counting.entities_written;
  res.bytes_written = counting.bytes_written;
  res.counters_written = counting.counters_written;
  if (!dlq.entries().empty()) {
    const auto& d = dlq.entries().front();
    Die("workload: " + std::to_string(dlq.entries().size()) + " dead letters, first: " + d.reason +
        ": " + d.detail);
  }
  if (res.applied + res.duplicates != res.events) {
    Die("workload: " + std::to_string(res.applied + res.duplicates) + " of " +
        std::to_string(res.events) + " events processed");
  }
  store.reset();
  fs::remove_all(path);
  return res;
}

// ---------------------------------------------------------------------------------------------
// The parent: forks a child per load and per round, collects results, prints the report.

std::string g_work;  // the temp dir, removed at exit
pid_t g_parent = 0;
volatile sig_atomic_t g_interrupted = 0;
volatile pid_t g_child = 0;

void OnSignal(int) { g_interrupted = 1; }

[[noreturn]] void Fail(const std::string& msg) {
  if (getpid() == g_parent) {
    if (g_child > 0) {
      kill(g_child, SIGKILL);
      waitpid(g_child, nullptr, 0);
    }
    std::error_code ec;
    if (!g_work.empty()) fs::remove_all(g_work, ec);
  }
  Die(msg);
}

void CheckInterrupted() {
  if (g_interrupted) {
    if (g_child > 0) {
      kill(g_child, SIGKILL);
      waitpid(g_child, nullptr, 0);
      g_child = 0;
    }
    std::error_code ec;
    if (!g_work.empty()) fs::remove_all(g_work, ec);
    std::fprintf(stderr, "state_scale: interrupted\n");
    std::_Exit(130);
  }
}

// Runs fn in a child process; returns its result and the child's peak RSS in KiB.
template <class R>
R InChild(const std::function<R()>& fn, long* peak_rss_kib) {
  static_assert(std::is_trivially_copyable_v<R>);
  int fds[2];
  if (pipe(fds) != 0) Fail(std::string("pipe: ") + std::strerror(errno));
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) Fail(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    close(fds[0]);
    const R r = fn();
    const char* p = reinterpret_cast<const char*>(&r);
    for (size_t done = 0; done < sizeof r;) {
      const ssize_t k = write(fds[1], p + done, sizeof r - done);
      if (k <= 0) std::_Exit(1);
      done += static_cast<size_t>(k);
    }
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(0);
  }
  g_child = pid;
  close(fds[1]);
  R r{};
  size_t got = 0;
  char* p = reinterpret_cast<char*>(&r);
  while (got < sizeof r) {
    const ssize_t k = read(fds[0], p + got, sizeof r - got);
    if (k < 0 && errno == EINTR) {
      CheckInterrupted();
      continue;
    }
    if (k <= 0) break;
    got += static_cast<size_t>(k);
  }
  close(fds[0]);
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) Fail(std::string("wait4: ") + std::strerror(errno));
    CheckInterrupted();
  }
  g_child = 0;
  CheckInterrupted();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != sizeof r)
    Fail("a child process failed (see above)");
  *peak_rss_kib = ru.ru_maxrss;
  return r;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    const std::string item =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(
      stderr,
      "kinerja_bench_state_scale: %s\n"
      "usage: kinerja_bench_state_scale [--sizes 10000,1000000] [--rounds 3] [--events 1000000] "
      "[--active K [--ballast]]\n"
      "         [--caches default,all] [--partitions 16] [--agencies 20] [--batch-size 50000]\n"
      "         [--load-threads 2] [--seed 42] [--dir DIR] [--state-cache DIR] "
      "[--wait-for-compiles S]\n"
      "  --sizes         employees of state, one series each (the first is the baseline of the "
      "ratios)\n"
      "  --events        events in the measured workload (December), the same for every size\n"
      "  --active K      the workload touches K employees spread evenly over the N (default:\n"
      "                  all N), so every size gets the same working set\n"
      "  --ballast       with --active: load only the K through the pipeline and give every other\n"
      "                  employee a byte copy of one of their states (a bulk writer)\n"
      "  --caches        PipelineOptions::max_cached_employees per series: 'default' (%zu),\n"
      "                  'all' (= the size), or a number; a setting whose RAM estimate does not "
      "fit\n"
      "                  is skipped (reported)\n"
      "  --load-threads  pipelines loading side by side, on disjoint partitions (load only)\n"
      "  --dir           where the temporary state directories go (default $TMPDIR or /tmp)\n"
      "  --state-cache   keep the loaded states in DIR and reuse them in later runs built from "
      "the\n"
      "                  same core/ingest/processors/storage/pipeline code, with the same\n"
      "                  seed/partitions/agencies/batch size\n"
      "  --wait-for-compiles S  before each measured round, wait up to S seconds while a compiler\n"
      "                  (cc1plus) runs on the machine\n",
      why.c_str(), kinerja::pipeline::PipelineOptions{}.max_cached_employees);
  std::exit(2);
}

int64_t ParsePositive(const std::string& flag, const std::string& v) {
  int64_t x = 0;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size() || x <= 0)
    Usage(flag + ": not a positive integer: " + v);
  return x;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--sizes") {
      o.sizes.clear();
      for (const auto& s : SplitList(value())) o.sizes.push_back(ParsePositive(arg, s));
      if (o.sizes.empty()) Usage("--sizes: empty");
    } else if (arg == "--rounds") {
      o.rounds = static_cast<int>(ParsePositive(arg, value()));
    } else if (arg == "--events") {
      o.events = ParsePositive(arg, value());
    } else if (arg == "--ballast") {
      o.ballast = true;
    } else if (arg == "--active") {
      o.active = ParsePositive(arg, value());
    } else if (arg == "--caches") {
      o.caches = SplitList(value());
      if (o.caches.empty()) Usage("--caches: empty");
      for (const auto& c : o.caches) {
        if (c != "default" && c != "all") ParsePositive(arg, c);
      }
    } else if (arg == "--partitions") {
      o.partitions = static_cast<int32_t>(ParsePositive(arg, value()));
    } else if (arg == "--agencies") {
      o.agencies = static_cast<int>(ParsePositive(arg, value()));
    } else if (arg == "--batch-size") {
      o.batch_size = static_cast<size_t>(ParsePositive(arg, value()));
    } else if (arg == "--load-threads") {
      o.load_threads = static_cast<int>(ParsePositive(arg, value()));
    } else if (arg == "--seed") {
      o.seed = static_cast<uint64_t>(ParsePositive(arg, value()));
    } else if (arg == "--dir") {
      o.dir = value();
    } else if (arg == "--state-cache") {
      o.state_cache = value();
    } else if (arg == "--wait-for-compiles") {
      o.wait_for_compiles = static_cast<int>(ParsePositive(arg, value()));
    } else if (arg == "-h" || arg == "--help") {
      Usage("per-event cost of the pipeline as a function of the state already stored");
    } else {
      Usage("unknown argument: " + arg);
    }
  }
  for (int64_t n : o.sizes) {
    if (n > kMaxEmployees)
      Usage("--sizes: at most " + std::to_string(kMaxEmployees) + " employees");
  }
  if (o.partitions > 4096) Usage("--partitions: at most 4096");
  if (o.agencies > 999) Usage("--agencies: at most 999");
  if (o.ballast && o.active == 0) Usage("--ballast: only with --active");
  return o;
}

// What a kept load (--state-cache) depends on besides its parameters: the code that turns
// events into state (the libraries below, from CMake) and the load's own events. Bump
// kLoadVersion whenever YearOfEmployee, WriteItem, Org or DoLoad change what is loaded.
constexpr int kLoadVersion = 2;
#ifndef KINERJA_STATE_LIBS
#define KINERJA_STATE_LIBS ""
#endif

void Fnv1a(std::istream& in, uint64_t* h) {
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      *h ^= static_cast<unsigned char>(buf[i]);
      *h *= 0x100000001b3ULL;
    }
  }
}

// FNV-1a over the static libraries of core, ingest, processors, storage and pipeline as built
// (KINERJA_STATE_LIBS, '|'-separated paths); over this executable if one of them is missing.
uint64_t StateCodeFingerprint() {
  uint64_t h = 0xcbf29ce484222325ULL;
  const std::string libs = KINERJA_STATE_LIBS;
  bool all = !libs.empty();
  for (size_t start = 0; all && start < libs.size();) {
    const size_t bar = std::min(libs.find('|', start), libs.size());
    std::ifstream in(libs.substr(start, bar - start), std::ios::binary);
    if (!in) all = false;
    Fnv1a(in, &h);
    start = bar + 1;
  }
  if (all) return h;
  h = 0xcbf29ce484222325ULL;
  std::ifstream exe("/proc/self/exe", std::ios::binary);
  Fnv1a(exe, &h);
  return h;
}

// A kept load: <base>/ (the compacted state), <base>.key (what it was loaded with) and
// <base>.load (the load's figures, for the report). The key file is written last.
bool ReadCachedLoad(const std::string& base, const std::string& key, LoadResult* r, long* rss) {
  std::ifstream k(base + ".key");
  std::string stored;
  if (!std::getline(k, stored) || stored != key || !fs::is_directory(base)) return false;
  std::ifstream in(base + ".load", std::ios::binary);
  in.read(reinterpret_cast<char*>(r), sizeof *r);
  in.read(reinterpret_cast<char*>(rss), sizeof *rss);
  return static_cast<bool>(in);
}
void DropCachedLoad(const std::string& base) {
  fs::remove(base + ".key");
  fs::remove(base + ".load");
  fs::remove_all(base);
}
void WriteCachedLoad(const std::string& base, const std::string& key, const LoadResult& r,
                     long rss) {
  {
    std::ofstream out(base + ".load", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(&r), sizeof r);
    out.write(reinterpret_cast<const char*>(&rss), sizeof rss);
  }
  std::ofstream(base + ".key", std::ios::trunc) << key << "\n";
}

// True while some process on the machine is a C++ compiler (other people's builds).
bool CompilerRunning() {
  for (const auto& d : fs::directory_iterator("/proc")) {
    const std::string name = d.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::ifstream comm(d.path() / "comm");
    std::string c;
    if (std::getline(comm, c) && c == "cc1plus") return true;
  }
  return false;
}

void WaitForCompiles(int limit_seconds) {
  int waited = 0;
  while (waited < limit_seconds && CompilerRunning()) {
    if (waited == 0)
      Log("a compiler (cc1plus) is running; waiting for it to finish (up to %d s)", limit_seconds);
    sleep(5);
    waited += 5;
    CheckInterrupted();
  }
  if (waited >= limit_seconds)
    Log("still compiling after %d s; measuring anyway (noisier)", waited);
  else if (waited > 0)
    Log("compiler done after ~%d s", waited);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t k = v.size();
  return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}
double Min(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
double Max(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }
double Mib(double bytes) { return bytes / (1024.0 * 1024.0); }
std::string Fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// MemAvailable from /proc/meminfo, in bytes (0 if unknown).
uint64_t MemAvailableBytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024;
  }
  return 0;
}

// Measured: 12-14 KiB of RAM per cached employee (their year of history in EmployeeState), plus
// the workload's JSON in the MemorySource, RocksDB's memtables and block cache. The estimate
// takes every employee the cache may hold, not only those the workload touches (63% at 1M).
constexpr uint64_t kBytesPerCachedEmployee = 14 << 10;
constexpr uint64_t kRoundBaseBytes = 1536ull << 20;

}  // namespace

namespace {

// A loaded state size (LoadAll) and a measured round (MeasureAll).
struct Loaded {
  int64_t n;
  LoadResult r;
  long rss_kib;
  bool reused;
};

struct Measured {
  std::string cache;
  size_t max_cached;
  int64_t n;
  int round;
  RoundResult r;
  long rss_kib;
  std::string same_as;  // measured once for an equivalent cache setting
  double Rate() const { return r.events / r.batch_seconds; }
};

void PrintRoundJson(const Measured& m) {
  const RoundResult& r = m.r;
  std::printf(
      "{\"phase\":\"measure\",\"round\":%d,\"employees\":%" PRId64
      ",\"cache\":\"%s\",\"max_cached_employees\":%zu"
      ",\"events\":%" PRIu64 ",\"applied\":%" PRIu64 ",\"duplicates\":%" PRIu64
      ",\"dead_letters\":%" PRIu64 ",\"distinct_employees\":%" PRIu64 ",\"batches\":%" PRIu64
      ",\"seconds\":%.3f,\"assign_seconds\":%.3f,\"batch_seconds\":%.3f,\"teardown_seconds\":%.3f"
      ",\"events_per_s\":%.0f,\"events_per_s_whole_run\":%.0f"
      ",\"process_cpu_seconds\":%.3f,\"pipeline_thread_cpu_seconds\":%.3f"
      ",\"store_gets\":%" PRIu64 ",\"store_scans\":%" PRIu64 ",\"entities_read\":%" PRIu64
      ",\"bytes_read\":%" PRIu64 ",\"entities_written\":%" PRIu64 ",\"bytes_written\":%" PRIu64
      ",\"counters_written\":%" PRIu64
      ",\"open_seconds\":%.3f,\"generate_seconds\":%.3f,\"peak_rss_mib\":%.0f%s%s%s}\n",
      m.round, m.n, m.cache.c_str(), m.max_cached, r.events, r.applied, r.duplicates,
      r.dead_lettered, r.distinct, r.batches, r.seconds, r.assign_seconds, r.batch_seconds,
      r.teardown_seconds, m.Rate(), r.events / r.seconds, r.process_cpu, r.thread_cpu, r.gets,
      r.scans, r.entities_read, r.bytes_read, r.entities_written, r.bytes_written,
      r.counters_written, r.open_seconds, r.generate_seconds, m.rss_kib / 1024.0,
      m.same_as.empty() ? "" : ",\"same_run_as\":\"", m.same_as.c_str(),
      m.same_as.empty() ? "" : "\"");
  std::fflush(stdout);
}

// Every size's state, loaded (in a child process) or reused from --state-cache.
std::vector<Loaded> LoadAll(const Options& o, const std::string& state_root) {
  std::vector<Loaded> loads;
  const uint64_t code = StateCodeFingerprint();
  for (int64_t n : o.sizes) {
    const std::string base = state_root + "/base-" + std::to_string(n);
    LoadResult r{};
    long rss = 0;
    bool reused = false;
    char key[256];
    std::snprintf(key, sizeof key,
                  "kinerja_bench_state_scale load v%d: employees %" PRId64 ", seed %" PRIu64
                  ", partitions %d, agencies %d, batch %zu, code %016" PRIx64 "%s",
                  kLoadVersion, n, o.seed, o.partitions, o.agencies, o.batch_size, code,
                  o.ballast ? (", ballast around " + std::to_string(o.active)).c_str() : "");
    if (!o.state_cache.empty()) reused = ReadCachedLoad(base, key, &r, &rss);
    if (reused) {
      Log("load: %" PRId64
          " employees: reusing %s (loaded earlier with the same code and parameters)",
          n, base.c_str());
    } else {
      if (!o.state_cache.empty()) DropCachedLoad(base);
      Log("load: %" PRId64 " employees into %s", n, base.c_str());
      r = InChild<LoadResult>([&] { return DoLoad(o, n, base); }, &rss);
      if (!o.state_cache.empty()) WriteCachedLoad(base, key, r, rss);
    }
    loads.push_back({n, r, rss, reused});
    std::printf("{\"phase\":\"load\",\"employees\":%" PRId64 ",\"events\":%" PRIu64
                ",\"applied\":%" PRIu64 ",\"duplicates\":%" PRIu64 ",\"dead_letters\":%" PRIu64
                ",\"seconds\":%.3f,\"events_per_s\":%.0f"
                ",\"generate_seconds\":%.3f,\"partition_scan_seconds\":%.3f,\"counters\":%" PRIu64
                ",\"state_bytes_estimate\":%" PRIu64 ",\"dir_bytes_before_compaction\":%" PRIu64
                ",\"compact_seconds\":%.3f,\"dir_bytes\":%" PRIu64
                ",\"peak_rss_mib\":%.0f,\"ballast_employees\":%" PRIu64
                ",\"ballast_seconds\":%.1f,\"reused\":%s}\n",
                n, r.events, r.applied, r.duplicates, r.dead_lettered, r.seconds,
                r.events / r.seconds, r.generate_seconds, r.scan_seconds, r.counters,
                r.approx_bytes, r.dir_bytes_before, r.compact_seconds, r.dir_bytes, rss / 1024.0,
                r.ballast, r.ballast_seconds, reused ? "true" : "false");
    std::fflush(stdout);
    Log("load: %" PRId64 " employees: %" PRIu64
        " events in %.1f s (%.0f events/s, of which %.1f s generating JSON), "
        "state %.0f MiB after compaction (%.1f s), partition scan %.2f s, peak RSS %.0f MiB",
        n, r.events, r.seconds, r.events / r.seconds, r.generate_seconds,
        Mib(static_cast<double>(r.dir_bytes)), r.compact_seconds, r.scan_seconds, rss / 1024.0);
  }

  return loads;
}

// The measured rounds, interleaved: round by round, each cache setting and size.
void MeasureAll(const Options& o, const std::string& state_root, std::vector<Measured>& rounds,
                std::map<std::string, std::string>& skipped) {
  for (int round = 1; round <= o.rounds; ++round) {
    for (const std::string& cache : o.caches) {
      for (int64_t n : o.sizes) {
        const size_t max_cached = CacheFor(cache, n);
        // A cache that holds every employee never evicts, whatever its size: such settings
        // are the same run, measured once.
        const size_t effective = std::min<size_t>(max_cached, static_cast<size_t>(n));
        const Measured* same = nullptr;
        for (const auto& m : rounds) {
          if (m.round == round && m.n == n &&
              std::min<size_t>(m.max_cached, static_cast<size_t>(n)) == effective) {
            same = &m;
          }
        }
        if (same) {
          Measured copy = *same;
          copy.cache = cache;
          copy.max_cached = max_cached;
          copy.same_as = same->same_as.empty() ? same->cache : same->same_as;
          rounds.push_back(copy);
          PrintRoundJson(rounds.back());
          Log("round %d/%d: %" PRId64
              " employees, cache %s (%zu): holds everyone, as cache %s: not measured again",
              round, o.rounds, n, cache.c_str(), max_cached, copy.same_as.c_str());
          continue;
        }
        const std::string skip_key = cache + "/" + std::to_string(n);
        if (skipped.count(skip_key)) continue;
        // Unless it is for everyone ("all"), the cache is bounded in bytes too
        // (PipelineOptions::max_cache_bytes).
        uint64_t cached_bytes = effective * kBytesPerCachedEmployee;
        if (max_cached != static_cast<size_t>(n)) {
          cached_bytes = std::min<uint64_t>(cached_bytes,
                                            kinerja::pipeline::PipelineOptions{}.max_cache_bytes);
        }
        const uint64_t need = cached_bytes + kRoundBaseBytes;
        const uint64_t available = MemAvailableBytes();
        if (round == 1 && available > 0 && need > available / 10 * 8) {
          char why[160];
          std::snprintf(why, sizeof why, "needs ~%.1f GiB of RAM, %.1f GiB available",
                        need / 1073741824.0, available / 1073741824.0);
          skipped[skip_key] = why;
          Log("round %d/%d: %" PRId64 " employees, cache %s (%zu): skipped: %s", round, o.rounds, n,
              cache.c_str(), max_cached, why);
          continue;
        }
        const std::string base = state_root + "/base-" + std::to_string(n);
        const std::string copy = g_work + "/round-" + std::to_string(n);  // same file system
        if (o.wait_for_compiles > 0) WaitForCompiles(o.wait_for_compiles);
        std::ifstream loadavg("/proc/loadavg");
        std::string la;
        std::getline(loadavg, la);
        Log("round %d/%d: %" PRId64 " employees, cache %s (%zu): load average %s", round, o.rounds,
            n, cache.c_str(), max_cached,
            la.substr(0, la.find(' ', la.find(' ', la.find(' ') + 1) + 1)).c_str());
        long rss = 0;
        const RoundResult r =
            InChild<RoundResult>([&] { return DoRound(o, n, max_cached, base, copy); }, &rss);
        rounds.push_back({cache, max_cached, n, round, r, rss, ""});
        const Measured& m = rounds.back();
        PrintRoundJson(m);
        Log("round %d/%d: %" PRId64
            " employees, cache %s: %.0f events/s (%.2f s of batches; %.2f s assignment, "
            "%.2f s teardown), CPU %.2f us/event (pipeline thread %.2f), peak RSS %.0f MiB",
            round, o.rounds, n, cache.c_str(), m.Rate(), r.batch_seconds, r.assign_seconds,
            r.teardown_seconds, r.process_cpu * 1e6 / r.events, r.thread_cpu * 1e6 / r.events,
            rss / 1024.0);
      }
    }
  }
}

void PrintLoads(const Options& o, const std::vector<Loaded>& loads) {
  std::printf("\nState scale: %" PRId64
              " events per round (December 2026), %d partitions, %d agencies, batch %zu, "
              "%d rounds, %ld cores, seed %" PRIu64 "\n\n",
              o.events, o.partitions, o.agencies, o.batch_size, o.rounds,
              sysconf(_SC_NPROCESSORS_ONLN), o.seed);
  std::printf(
      "| employees | events loaded | load s | load events/s | state MiB (compacted) | partition "
      "scan s | load peak RSS MiB |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& l : loads) {
    std::printf("| %" PRId64 " | %" PRIu64 " | %.1f%s | %.0f | %.0f | %.2f | %.0f |\n", l.n,
                l.r.events, l.r.seconds, l.reused ? " (earlier run, reused)" : "",
                l.r.events / l.r.seconds, Mib(static_cast<double>(l.r.dir_bytes)), l.r.scan_seconds,
                l.rss_kib / 1024.0);
  }
}

void PrintRates(const Options& o, const std::vector<Measured>& rounds,
                const std::map<std::string, std::string>& skipped) {
  const int64_t baseline = o.sizes.front();
  std::printf(
      "\n| cache (max_cached_employees) | employees | events/s min | events/s median "
      "| ratio vs %" PRId64
      ": min | ratio: median | CPU µs/event median: pipeline thread | process "
      "| assignment s median | teardown s median | peak RSS MiB max |\n",
      baseline);
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const std::string& cache : o.caches) {
    for (int64_t n : o.sizes) {
      const std::string label0 = cache + " (" + std::to_string(CacheFor(cache, n)) + ")";
      if (auto it = skipped.find(cache + "/" + std::to_string(n)); it != skipped.end()) {
        std::printf("| %s | %" PRId64 " | not run: %s | | | | | | | | |\n", label0.c_str(), n,
                    it->second.c_str());
        continue;
      }
      std::vector<double> rates, ratios, assign, teardown, rss, thread_cpu, process_cpu;
      std::string same_as;
      for (const auto& m : rounds) {
        if (m.cache != cache || m.n != n) continue;
        same_as = m.same_as;
        rates.push_back(m.Rate());
        assign.push_back(m.r.assign_seconds);
        teardown.push_back(m.r.teardown_seconds);
        rss.push_back(m.rss_kib / 1024.0);
        thread_cpu.push_back(m.r.thread_cpu * 1e6 / m.r.events);
        process_cpu.push_back(m.r.process_cpu * 1e6 / m.r.events);
        for (const auto& b : rounds) {
          if (b.cache == cache && b.n == baseline && b.round == m.round)
            ratios.push_back(m.Rate() / b.Rate());
        }
      }
      if (rates.empty()) continue;
      const std::string label = label0 + (same_as.empty() ? "" : ": the " + same_as + " runs");
      std::printf("| %s | %" PRId64
                  " | %.0f | %.0f | %s | %s | %.1f | %.1f | %.2f | %.2f | %.0f |\n",
                  label.c_str(), n, Min(rates), Median(rates),
                  ratios.empty() ? "–" : Fixed3(Min(ratios)).c_str(),
                  ratios.empty() ? "–" : Fixed3(Median(ratios)).c_str(), Median(thread_cpu),
                  Median(process_cpu), Median(assign), Median(teardown), Max(rss));
    }
  }
}

void PrintStoreWork(const std::vector<Measured>& rounds) {
  // What the pipeline asked of the store: the same in every round (the run is deterministic),
  // so round 1's figures.
  std::printf("\nPer event, from the store's side (round 1; every round does the same):\n\n");
  std::printf(
      "| cache (max_cached_employees) | employees | distinct employees in the workload | point "
      "reads "
      "| prefix scans | entities read | bytes read | entities written | bytes written | counter "
      "writes |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& m : rounds) {
    if (m.round != 1 || !m.same_as.empty()) continue;
    const double e = static_cast<double>(m.r.events);
    std::printf("| %s (%zu) | %" PRId64 " | %" PRIu64
                " | %.2f | %.2f | %.2f | %.0f | %.2f | %.0f | %.2f |\n",
                m.cache.c_str(), m.max_cached, m.n, m.r.distinct, m.r.gets / e, m.r.scans / e,
                m.r.entities_read / e, m.r.bytes_read / e, m.r.entities_written / e,
                m.r.bytes_written / e, m.r.counters_written / e);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  g_parent = getpid();
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking read/wait4 returns EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  // With --state-cache the loaded states live there (kept, and reused while nothing they
  // depend on changed); otherwise in the temporary directory. Round copies are hard links, so
  // they go next to the loaded states.
  std::string parent = o.state_cache.empty() ? o.dir : o.state_cache;
  if (parent.empty()) {
    const char* t = std::getenv("TMPDIR");
    parent = t && *t ? t : "/tmp";
  }
  if (!o.state_cache.empty()) fs::create_directories(o.state_cache);
  std::string tmpl = parent + "/kinerja-state-scale.XXXXXX";
  if (!mkdtemp(tmpl.data())) Die("mkdtemp in " + parent + ": " + std::strerror(errno));
  g_work = tmpl;
  const std::string state_root = o.state_cache.empty() ? g_work : o.state_cache;
  Log("state directories in %s (removed at exit)%s%s", g_work.c_str(),
      o.state_cache.empty() ? "" : ", loaded states kept in ", o.state_cache.c_str());

  const std::vector<Loaded> loads = LoadAll(o, state_root);
  std::vector<Measured> rounds;
  std::map<std::string, std::string> skipped;  // "cache/n" -> why
  MeasureAll(o, state_root, rounds, skipped);
  std::error_code ec;
  fs::remove_all(g_work, ec);

  PrintLoads(o, loads);
  PrintRates(o, rounds, skipped);
  PrintStoreWork(rounds);
  return 0;
}
