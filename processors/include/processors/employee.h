// One employee's state and the pure function that applies an event to it, reporting the change
// it makes to the agency KPI counters (incremental view maintenance: subtract the old
// contribution of what the event touches, add the new one).
#pragma once

#include <map>
#include <optional>
#include <climits>
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
// Kafka timestamp of the applied copy. Kept exactly (full strings, no hashes), in memory as a
// hash map and on disk as one small entry per id beside the employee's state, so a batch
// writes only what changed.
struct DedupMemory {
  std::unordered_map<std::string, int64_t> applied;  // DedupKey(source, id) -> timestamp ms
  int64_t newest_ms = INT64_MIN;                      // newest timestamp seen
  int64_t oldest_ms = INT64_MAX;                      // <= every timestamp in `applied`
  friend bool operator==(const DedupMemory& a, const DedupMemory& b) { return a.applied == b.applied; }
};
std::string DedupKey(std::string_view source, std::string_view id);

// A change of the dedup memory to persist: remember `key` (timestamp set) or forget it.
struct DedupChange {
  std::string key;
  std::optional<int64_t> timestamp_ms;
};

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
// `window_ms` of Kafka message time. Otherwise remembers it and returns false. Entries older
// than the window (relative to the newest timestamp seen) are forgotten; amortised O(1) per
// event. Every change to persist is appended to *changes.
bool CheckDuplicateAndRemember(DedupMemory& memory, const Envelope& envelope, int64_t timestamp_ms,
                               int64_t window_ms, std::vector<DedupChange>* changes);

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
