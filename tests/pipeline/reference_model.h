// The reference model of the differential tests: a deliberately simple recomputation of every
// public KPI series from a list of valid events, written here from docs/kpis.md and
// docs/events.md (no incremental tricks, no code shared with core/ or processors/), and a
// driver that runs the real pipeline over the same messages with restarts and rebalances.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/event.h"
#include "ingest/memory.h"
#include "kpi_series.h"
#include "support.h"

namespace kinerja::testing::ref {

// Kafka timestamps start here (2026-12-31, ms): the streams' dates (2024-12 .. 2026-03, years up
// to 2026) are never in their message's future.
constexpr int64_t kKafkaMs = 1'798'697'600'000;

// One valid event, in the terms of docs/events.md.
struct RefEvent {
  std::string nip, source, id,
      type;  // type: the middle word of the type name ("skp", "realisasi", ...)
  std::string agency, status, tz;         // employee
  int year = 0;                           // skp, potential
  std::vector<Ev::Indicator> indicators;  // skp
  std::string period;  // realisasi, evidence, rating ("YYYY-MM", or "YYYY" for a rating)
  std::string indicator, evidence;  // realisasi, evidence
  double value = 0;                 // realisasi
  int64_t utc_seconds = 0;          // feedback: the instant of `time`...
  int offset_minutes = 0;           // ...and the offset it is written in
  std::string hasil, perilaku;      // rating
  std::string potential;            // potential
  std::string course, date;         // training (completed_on), activity (date)
  int minutes = 0;                  // training, activity
  std::string category;             // activity
};

// Civil calendar (H. Hinnant's algorithms), written here so that the model shares no code with
// core/.
int64_t RefDaysFromCivil(int y, int m, int d);
void RefCivilFromDays(int64_t z, int* y, int* m, int* d);
std::string Month(int index);               // index = year * 12 + month - 1: "2026-03"
int MonthNumber(const std::string& month);  // "2026-03" -> index
// The local calendar month of an instant at a fixed offset.
std::string LocalMonthOf(int64_t utc_seconds, int offset_minutes);
// RFC 3339 with the given offset, e.g. "2026-04-01T00:30:00+08:00".
std::string RefFormatTime(int64_t utc_seconds, int offset_minutes);
int TzOffsetMinutes(const std::string& tz);
std::string Predikat(const std::string& hasil, const std::string& perilaku);
std::string TalentBox(const std::string& potential, const std::string& hasil);

// Replays the valid events (in per-employee order) into plain per-employee state, then
// computes every series of docs/kpis.md from scratch. A (source, id) seen before for the same
// employee is a duplicate (every Kafka timestamp of these tests is within the dedup window).
SeriesMap Reference(const std::vector<RefEvent>& events, int window_months = 13);

// The event as contract JSON.
std::string ToJson(const RefEvent& e);
// An accepted event in the model's terms.
RefEvent FromDecoded(const Event& ev);

using Log = std::vector<std::vector<std::pair<std::string, std::string>>>;

// Runs the pipeline over `log`, restarting (a new Pipeline over the same store, the log offered
// again from the start) and rebalancing at random points. Returns the rendered series, and the
// dead letters in `dead_letters` when given.
SeriesMap RunPipeline(const Log& log, std::mt19937& rng,
                      std::vector<ingest::MemoryDeadLetters::Entry>* dead_letters = nullptr);

}  // namespace kinerja::testing::ref
