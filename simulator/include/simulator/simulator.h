// Deterministic synthetic e-Kinerja traffic: the same options always give the same events in
// the same order. Pure: events are handed to a callback as (key, JSON) pairs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kinerja::simulator {

struct SimulatorOptions {
  uint64_t seed = 42;
  int employees = 1000;
  int agencies = 5;
  int year = 2026;
  int days = 365;           // days simulated from 1 January of `year` (at most that year's days)
  uint64_t max_events = 0;  // stop after this many events (0: no limit)
  double duplicate_rate = 0.002;  // publisher retries: the same event (same id) sent again
  // Daily activity logs are ~3/4 of all events; false leaves them out (tests of the other types).
  bool daily_activity = true;
};

// Returns false from the sink to stop early.
using EventSink = std::function<bool(std::string_view key, std::string_view json)>;

struct SimulationSummary {
  uint64_t events = 0;
  uint64_t duplicates = 0;
};

// All nine event types of contract v1, every event valid, with the realistic shape of a year
// (docs/architecture.md, "Domain facts"; README.md lists the rates): skewed agency sizes, all four
// time zones, master data first (a few weeks late for some), transfers and inactive periods; SKPs
// approved in January and a few revisions; monthly realisasi early the next month with evidence,
// corrections, late reports and ids not in the SKP; supervisors' feedback with gaps and some at
// month boundaries; monthly and annual ratings and a yearly potential (every predikat, most talent
// boxes); training reaching 20 JP late in the year; daily activity on working days, more
// administrative for pelaksana; and publisher retries. Each employee's events come in time
// order; employees interleave by day. Events are never dated after `year`.
SimulationSummary Simulate(const SimulatorOptions& options, const EventSink& sink);

// The agency code of agency index i ("AG001", ...).
std::string AgencyCode(int index);

}  // namespace kinerja::simulator
