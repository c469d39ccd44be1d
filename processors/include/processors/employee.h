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
#include "processors/kpi.h"

namespace kinerja::processors {

struct MasterData {
  std::string agency;
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

struct ActivityMonth {
  int64_t administrative = 0;
  int64_t substantive = 0;
  friend bool operator==(const ActivityMonth&, const ActivityMonth&) = default;
};

// The dedup memory of one employee (events.md rule 2): each applied (source, id) with the
// Kafka timestamp of the applied copy. Kept exactly (full strings, no hashes). In memory a hash
// map; in the store, "chunks": the ids one batch remembered for this employee, written once
// beside the employee's state and deleted when all of them have expired. A batch therefore
// writes one chunk per employee it touched, however many ids that employee got.
struct DedupMemory {
  struct Chunk {
    uint64_t seq = 0;     // part of the chunk's store key
    int64_t max_ms = 0;   // the chunk can go once this is out of the window
    friend bool operator==(const Chunk&, const Chunk&) = default;
  };
  std::unordered_map<std::string, int64_t> applied;  // DedupKey(source, id) -> timestamp ms
  int64_t newest_ms = INT64_MIN;                      // newest timestamp seen (the window's clock)
  int64_t oldest_ms = INT64_MAX;                      // <= every timestamp in `applied`
  std::vector<Chunk> chunks;                          // persisted chunks
  uint64_t next_seq = 0;
  // Not yet persisted: remembered ids, and chunks whose ids have all expired.
  std::vector<std::pair<std::string, int64_t>> pending;
  std::vector<uint64_t> expired;
  friend bool operator==(const DedupMemory& a, const DedupMemory& b) {
    return a.applied == b.applied && a.newest_ms == b.newest_ms && a.chunks == b.chunks &&
           a.next_seq == b.next_seq && a.pending == b.pending && a.expired == b.expired;
  }
};
std::string DedupKey(std::string_view source, std::string_view id);

struct EmployeeState {
  bool known = false;  // some event has been applied (the employee "has state")
  std::optional<MasterData> master;
  // Keyed by (completed_on, course): the replacement key, ordered so one year is one range.
  std::map<std::pair<Date, std::string>, TrainingRecord> training;
  std::map<MonthIndex, ActivityMonth> activity;
  DedupMemory dedup;  // persisted separately from the rest (see codec.h)
  friend bool operator==(const EmployeeState&, const EmployeeState&) = default;
};

// Dedup (events.md rule 2): true if (source, id) was applied to this employee within
// `window_ms` of Kafka message time. Otherwise remembers it (in `pending`) and returns false.
// Entries older than the window, relative to the newest timestamp seen, are forgotten
// (amortised O(1) per event); chunks left with no live id go to `expired`.
bool CheckDuplicateAndRemember(DedupMemory& memory, const Envelope& envelope, int64_t timestamp_ms,
                               int64_t window_ms);

struct ApplyEffect {
  MonthIndex month = kNoMonth;  // the data month this event belongs to, if it has one
};

// Applies an accepted, non-duplicate event. Adds the change of this employee's contribution
// to the agency counters into *delta. Cost depends only on what the event touches (a master
// data change touches everything of this one employee).
ApplyEffect Apply(const Event& event, EmployeeState& state, KpiTable* delta);

// This employee's whole contribution to the counters (for tests and rebuilds).
void Contribution(const EmployeeState& state, KpiTable* out);

}  // namespace kinerja::processors
