// Agency KPI aggregates as a table of integer counters (kpis.md). Every exported gauge is derived
// from this table; integers make add/subtract exact, so a gauge that should be 0 is 0.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/civil_time.h"

namespace kinerja::processors {

// What a counter counts. Stored in state: append only, never renumber.
enum class Kpi : uint8_t {
  kEmployees = 1,           // agency: active employees with master data
  kWithoutMasterData = 2,   // (no agency): employees with state but no master data
  kTrainingMinutes = 3,     // agency, year: training minutes (exported / 45 as JP)
  kTrainingBand = 4,        // agency, year, sub = JpBand (not kNone): employees in that band
  kActivityMinutes = 5,     // agency, month, sub = ActivityCategory
  kAdminHeavy = 6,          // agency, month: employees with administrative > substantive minutes
};

// JP bands decided on whole minutes: 450 min = 10 JP, 900 min = 20 JP.
enum class JpBand : uint8_t { kNone = 0, kLt10 = 1, k10To20 = 2, kGe20 = 3 };
JpBand BandOf(int64_t minutes);
std::string_view JpBandLabel(JpBand b);  // "0", "lt10", "10to20", "ge20"

struct KpiKey {
  Kpi kpi = Kpi::kEmployees;
  uint8_t sub = 0;
  int32_t period = 0;  // year, or MonthIndex for month-scoped counters; 0 when unused
  std::string agency;  // empty for counters without an agency
  friend bool operator==(const KpiKey&, const KpiKey&) = default;
};

struct KpiKeyHash {
  size_t operator()(const KpiKey& k) const noexcept;
};

// Counter table; a counter that reaches 0 is erased, so the table holds only non-zero series.
class KpiTable {
 public:
  void Add(const KpiKey& key, int64_t delta);
  void AddAll(const KpiTable& other, int sign = 1);
  int64_t Get(const KpiKey& key) const;
  size_t size() const { return counters_.size(); }
  bool empty() const { return counters_.empty(); }
  void clear() { counters_.clear(); }
  auto begin() const { return counters_.begin(); }
  auto end() const { return counters_.end(); }

 private:
  std::unordered_map<KpiKey, int64_t, KpiKeyHash> counters_;
};

// Storage encoding of a key (stable, order-independent of the in-memory layout).
std::string EncodeKpiKey(const KpiKey& key);
std::optional<KpiKey> DecodeKpiKey(std::string_view bytes);

// The newest month seen in the data (decides the export window); -1 when none.
inline constexpr MonthIndex kNoMonth = -1;

}  // namespace kinerja::processors
