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
  int days = 365;            // days simulated from 1 January of `year`
  uint64_t max_events = 0;   // stop after this many events (0: no limit)
  double duplicate_rate = 0.002;  // publisher retries: the same event (same id) sent again
};

// Returns false from the sink to stop early.
using EventSink = std::function<bool(std::string_view key, std::string_view json)>;

struct SimulationSummary {
  uint64_t events = 0;
  uint64_t duplicates = 0;
};

// Realistic shape (domain.md): agency sizes skewed (a few large ministries, many small
// regions), all four time zones, ~39% administrative staff (pelaksana) who log a higher
// administrative share, daily activity on working days, training through the year with most
// employees reaching 20 JP late in the year.
SimulationSummary Simulate(const SimulatorOptions& options, const EventSink& sink);

// The agency code of agency index i ("AG001", ...).
std::string AgencyCode(int index);

}  // namespace kinerja::simulator
