// One employee's state and the pure function that applies an event to it, reporting the change
// it makes to the agency KPI counters (incremental view maintenance: subtract the old
// contribution of what the event touches, add the new one).
#pragma once

#include <climits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/event.h"
#include "processors/fingerprints.h"
#include "processors/kpi.h"

namespace kinerja::processors {

struct MasterData {
  AgencyCode agency;
  std::string unit;
  TimeZone tz = TimeZone::kJakarta;
  Position position = Position::kPelaksana;
  Employment employment = Employment::kPns;
  std::optional<Nip> supervisor;
  bool active = true;
  friend bool operator==(const MasterData&, const MasterData&) = default;
};

struct TrainingRecord {
  int32_t minutes = 0;
  TrainingMode mode = TrainingMode::kKlasikal;
  friend bool operator==(const TrainingRecord&, const TrainingRecord&) = default;
};

struct Rating {
  Expectation hasil = Expectation::kSesuai;
  Expectation perilaku = Expectation::kSesuai;
  Nip rater = 0;
  friend bool operator==(const Rating&, const Rating&) = default;
};

// Realisasi and evidence of one indicator in one month.
struct IndicatorMonth {
  std::optional<double> value;        // the latest realisasi reported (a correction replaces)
  std::vector<std::string> evidence;  // a set: sorted, no repeats
  friend bool operator==(const IndicatorMonth&, const IndicatorMonth&) = default;
};

struct MonthState {
  std::map<std::string, IndicatorMonth, std::less<>> indicators;  // by indicator id
  int64_t feedback = 0;        // feedback events received in the month
  int64_t administrative = 0;  // activity minutes
  int64_t substantive = 0;
  std::optional<Rating> rating;  // the periodic rating for the month (latest replaces)
  friend bool operator==(const MonthState&, const MonthState&) = default;
};

// Everything of one employee that belongs to one year. Stored as one entity, so an event
// reads and rewrites one year of one employee, however many years are stored.
struct YearState {
  std::optional<std::vector<SkpIndicator>> skp;  // the approved SKP (a revision replaces)
  std::map<MonthIndex, MonthState> months;       // months of this year only
  // Keyed by (completed_on, course): the replacement key.
  std::map<std::pair<Date, std::string>, TrainingRecord> training;
  std::optional<Rating> annual;  // the annual rating (period "YYYY")
  std::optional<Potential> potential;
  friend bool operator==(const YearState&, const YearState&) = default;
};

// The dedup memory of one employee (docs/events.md rule 2): each applied (source, id) with the
// Kafka timestamp of the applied copy. In memory, 64-bit fingerprints in a flat table (16 bytes
// an id); a fingerprint match is confirmed against the full ids, so the check stays exact. In
// the store, "chunks": the full ids one batch remembered for this employee, written once beside
// the employee's state and deleted when all of them have expired. A batch therefore writes one
// chunk per employee it touched, however many ids that employee got. The list of live chunks is
// kept in the employee's core, so loading an employee point-reads just the chunks that can
// still hold an id inside the window.
struct DedupMemory {
  struct Chunk {
    uint64_t seq = 0;    // part of the chunk's store key
    int64_t max_ms = 0;  // the chunk can go once this is out of the window
    friend bool operator==(const Chunk&, const Chunk&) = default;
  };
  // DedupFingerprint(DedupKey(source, id)) -> timestamp ms. May still hold ids that left the
  // window (they are swept in bulk, see CheckDuplicateAndRemember); a lookup ignores them.
  FingerprintTable applied;
  int64_t newest_ms = INT64_MIN;      // newest timestamp seen (the window's clock)
  int64_t oldest_ms = INT64_MAX;      // <= every timestamp in `applied` and every chunk's max_ms
  int64_t next_sweep_ms = INT64_MIN;  // no sweep before the window's start passes this
  std::vector<Chunk> chunks;          // persisted chunks
  uint64_t next_seq = 0;
  // Not yet persisted: remembered ids (full keys), and chunks whose ids have all expired.
  std::vector<std::pair<std::string, int64_t>> pending;
  std::vector<uint64_t> expired;
  // The full ids of the persisted chunks, read only to confirm a fingerprint match
  // (DedupCheck::kNeedIds); dropped when the batch's ids are flushed (FlushDedup).
  std::optional<std::unordered_map<std::string, int64_t>> stored_ids;
  friend bool operator==(const DedupMemory& a, const DedupMemory& b) {  // not the bookkeeping
    return a.applied == b.applied && a.newest_ms == b.newest_ms && a.chunks == b.chunks &&
           a.next_seq == b.next_seq && a.pending == b.pending && a.expired == b.expired;
  }
};
std::string DedupKey(std::string_view source, std::string_view id);

struct EmployeeState {
  bool known = false;  // some event has been applied (the employee "has state")
  std::optional<MasterData> master;
  std::map<int, YearState> years;  // by calendar year
  DedupMemory dedup;               // persisted separately from the rest (see codec.h)
  friend bool operator==(const EmployeeState&, const EmployeeState&) = default;
};

// Which years of the state an event reads and writes, so a store-backed caller can load just
// those (codec.h stores one entity per year). Master data that moves the employee between
// agencies (or in or out of every KPI) needs every year; so does nothing else.
struct YearsNeeded {
  bool all = false;
  std::optional<int> year;
};
YearsNeeded YearsNeededBy(const Event& event, const EmployeeState& state);

// Dedup (docs/events.md rule 2): kDuplicate if (source, id) was applied to this employee within
// `window_ms` of Kafka message time. Otherwise remembers it (in `pending`) and returns kNew.
// Entries older than the window, relative to the newest timestamp seen, no longer count, and
// are forgotten in bulk sweeps (amortised O(1) per event); chunks left with no live id go to
// `expired`. kNeedIds: the fingerprint matched an id that may be in a persisted chunk; nothing
// was remembered. Read the full ids of the chunks into `stored_ids` (codec.h,
// AbsorbDedupChunkIds) and check again: the answer is then exact.
enum class DedupCheck { kNew, kDuplicate, kNeedIds };
DedupCheck CheckDuplicateAndRemember(DedupMemory& memory, const Envelope& envelope,
                                     int64_t timestamp_ms, int64_t window_ms);

struct ApplyEffect {
  // The data month that decides the export window (docs/kpis.md): realisasi and evidence period,
  // periodic rating period, feedback month, activity month. kNoMonth for other events.
  MonthIndex month = kNoMonth;
  std::optional<int> year_written;  // the year entity the event changed, if any
};

// Applies an accepted, non-duplicate event. Adds the change of this employee's contribution
// to the agency counters into *delta. Cost depends only on what the event touches (one
// indicator-month, one month, one year of this employee; a transfer touches everything of this
// one employee). The years of YearsNeededBy(event, state) must be present in `state.years`.
ApplyEffect Apply(const Event& event, EmployeeState& state, KpiTable* delta);

// The heap bytes `state` takes, approximately (containers' nodes and capacity, strings beyond
// the small-string buffer, allocator rounding): what the pipeline's employee cache charges to
// its memory budget. Walks the state: O(its size).
size_t ApproximateBytes(const EmployeeState& state);

// This employee's whole contribution to the counters (for tests and rebuilds).
void Contribution(const EmployeeState& state, KpiTable* out);

}  // namespace kinerja::processors
