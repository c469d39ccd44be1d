// Agency KPI aggregates as a table of integer counters (docs/kpis.md). Every exported gauge is
// derived from this table; integers make add/subtract exact, so a gauge that should be 0 is 0.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/civil_time.h"
#include "core/event.h"
#include "processors/agency.h"

namespace kinerja::processors {

// What a counter counts. Stored in state: append only, never renumber.
enum class Kpi : uint8_t {
  kEmployees = 1,            // agency: active employees with master data
  kWithoutMasterData = 2,    // (no agency): employees with state but no master data
  kTrainingMinutes = 3,      // agency, year: training minutes (exported / 45 as JP)
  kTrainingBand = 4,         // agency, year, sub = JpBand (not kNone): employees in that band
  kActivityMinutes = 5,      // agency, month, sub = ActivityCategory
  kAdminHeavy = 6,           // agency, month: employees with administrative > substantive minutes
  kSkpEmployees = 7,         // agency, year: employees with an SKP for the year
  kSkpAchievement = 8,       // agency, year, sub = limb: sum of achievements (AchievementLimbs)
  kSkpTargetsMet = 9,        // agency, year: employees with every indicator at or above target
  kRealisasiReporting = 10,  // agency, month: employees with an SKP and >= 1 realisasi
  kRealisasiReports = 11,    // agency, month: (employee, indicator) pairs with a realisasi
  kRealisasiWithEvidence = 12,  // agency, month: of those, pairs with evidence
  kFeedbackEmployees = 13,      // agency, month: employees who received feedback
  kFeedbackGiven = 14,          // agency, month: feedback events received
  kPredikatYear = 15,           // agency, year, sub = Predikat: by the annual rating
  kPredikatMonth = 16,          // agency, month, sub = Predikat: by the periodic rating
  kTalentBox = 17,              // agency, year, sub = box 1..9
};
inline constexpr Kpi kLastKpi = Kpi::kTalentBox;

// An achievement (a double in [0, 1]) as exact binary fixed point, so agency sums add and
// subtract exactly whatever the magnitudes: limb k (the counter's `sub`) holds the bits of
// weight 2^(-32k) .. 2^(-32k-31), as an integer in [0, 2^32) (limb 0: the integer part). Every
// double in [0, 1] fits in limbs 0..36; a typical one touches two or three limbs, and a limb
// summed over 5.4M employees stays below 2^55. The sum is rendered from the limbs with a
// relative error below 1e-18, whatever the magnitude of the achievements.
inline constexpr int kAchievementLimbs = 37;
struct AchievementLimb {
  uint8_t limb = 0;
  int64_t value = 0;
};
// The non-zero limbs of `achievement` (clamped to [0, 1]); at most 3.
std::vector<AchievementLimb> AchievementLimbs(double achievement);
// The sum a set of limb totals represents (limbs[k] = total of limb k).
double AchievementFromLimbs(const std::array<int64_t, kAchievementLimbs>& limbs);

// Predikat from (hasil, perilaku) (docs/kpis.md matrix).
enum class Predikat : uint8_t { kSangatBaik, kBaik, kButuhPerbaikan, kKurang, kSangatKurang };
inline constexpr size_t kPredikatCount = 5;
Predikat PredikatOf(Expectation hasil, Expectation perilaku);
std::string_view PredikatLabel(Predikat p);  // "sangat_baik", ...
// Talent box 1..9 from potential and the annual rating's hasil (docs/kpis.md 9-box).
int TalentBox(Potential potential, Expectation hasil);

// JP bands decided on whole minutes: 450 min = 10 JP, 900 min = 20 JP.
enum class JpBand : uint8_t { kNone = 0, kLt10 = 1, k10To20 = 2, kGe20 = 3 };
JpBand BandOf(int64_t minutes);
std::string_view JpBandLabel(JpBand b);  // "0", "lt10", "10to20", "ge20"

struct KpiKey {
  Kpi kpi = Kpi::kEmployees;
  uint8_t sub = 0;
  int32_t period = 0;  // year, or MonthIndex for month-scoped counters; 0 when unused
  AgencyCode agency;   // empty for counters without an agency
  friend bool operator==(const KpiKey&, const KpiKey&) = default;
};

struct KpiKeyHash {
  size_t operator()(const KpiKey& k) const noexcept;
};

// Counter table; a counter that reaches 0 is erased, so the table holds only non-zero series.
// A table of changes can keep its zeros instead (kKeepZeros): an event adds and takes away
// mostly the same counters, and keeping the entry saves erasing and re-creating it. Adding a
// table adds its non-zero entries only.
class KpiTable {
 public:
  enum Zeros { kEraseZeros, kKeepZeros };
  explicit KpiTable(Zeros zeros = kEraseZeros) : keep_zeros_(zeros == kKeepZeros) {}
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
  bool keep_zeros_ = false;
};

// The newest month seen in the data (decides the export window); -1 when none.
inline constexpr MonthIndex kNoMonth = -1;

}  // namespace kinerja::processors
