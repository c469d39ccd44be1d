// The typed form of an accepted event (docs/events.md, contract v1). The decoder in ingest/
// produces it; processors consume it. Nothing here does I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/civil_time.h"

namespace kinerja {

// A NIP (or PPPK NI) is 18 ASCII digits; it fits a uint64 exactly (10^18 < 2^64).
using Nip = uint64_t;
// Parses and checks the NIP rules of docs/events.md; the reason for a failure goes to *why.
std::optional<Nip> ParseNip(std::string_view s, std::string* why = nullptr);
std::string FormatNip(Nip nip);

enum class EventType : uint8_t {
  kEmployeeUpserted,
  kSkpApproved,
  kRealisasiReported,
  kEvidenceSubmitted,
  kFeedbackGiven,
  kRatingAssigned,
  kPotentialAssessed,
  kTrainingCompleted,
  kActivityLogged,
};
inline constexpr size_t kEventTypeCount = 9;
std::string_view EventTypeName(EventType t);  // "kinerja.employee.upserted.v1"
std::optional<EventType> ParseEventType(std::string_view s);

enum class Position : uint8_t { kJpt, kAdministrator, kPengawas, kPelaksana, kFungsional };
enum class Employment : uint8_t { kPns, kPppk };
enum class TrainingMode : uint8_t { kKlasikal, kNonklasikal };
enum class ActivityCategory : uint8_t { kAdministrative, kSubstantive };
enum class IndicatorKind : uint8_t { kUtama, kTambahan };
// The seven BerAKHLAK core values, as feedback.given `value`.
enum class CoreValue : uint8_t {
  kBerorientasiPelayanan,
  kAkuntabel,
  kKompeten,
  kHarmonis,
  kLoyal,
  kAdaptif,
  kKolaboratif,
};
// A rating against expectations (hasil and perilaku): above, meets, below.
enum class Expectation : uint8_t { kDiAtas, kSesuai, kDiBawah };
enum class Potential : uint8_t { kRendah, kMenengah, kTinggi };

std::optional<Position> ParsePosition(std::string_view s);
std::string_view PositionName(Position p);
std::optional<Employment> ParseEmployment(std::string_view s);
std::string_view EmploymentName(Employment e);
std::optional<TrainingMode> ParseTrainingMode(std::string_view s);
std::string_view TrainingModeName(TrainingMode m);
std::optional<ActivityCategory> ParseActivityCategory(std::string_view s);
std::string_view ActivityCategoryName(ActivityCategory c);
std::optional<IndicatorKind> ParseIndicatorKind(std::string_view s);
std::string_view IndicatorKindName(IndicatorKind k);
std::optional<CoreValue> ParseCoreValue(std::string_view s);
std::string_view CoreValueName(CoreValue v);
std::optional<Expectation> ParseExpectation(std::string_view s);
std::string_view ExpectationName(Expectation e);
std::optional<Potential> ParsePotential(std::string_view s);
std::string_view PotentialName(Potential p);

// Agency codes: [A-Za-z0-9_-]{1,32} (docs/events.md, `source`).
bool IsAgencyCode(std::string_view s);

struct Envelope {
  std::string id;      // 1..128 code points
  std::string source;  // the agency code from "/agencies/<code>"
  EventType type = EventType::kEmployeeUpserted;
  Nip subject = 0;
  Instant time;
  friend bool operator==(const Envelope&, const Envelope&) = default;
};

struct EmployeeUpserted {
  std::string agency;
  std::string unit;  // personal-ish organisational detail: stored, never exported
  TimeZone tz = TimeZone::kJakarta;
  Position position = Position::kPelaksana;
  Employment employment = Employment::kPns;
  std::optional<Nip> supervisor;
  bool active = true;
  friend bool operator==(const EmployeeUpserted&, const EmployeeUpserted&) = default;
};

struct SkpIndicator {
  std::string id;  // 1..64 code points, unique within the SKP
  IndicatorKind kind = IndicatorKind::kUtama;
  double target = 0;  // > 0
  std::string unit;   // free text, e.g. "dokumen"
  friend bool operator==(const SkpIndicator&, const SkpIndicator&) = default;
};

struct SkpApproved {
  int16_t year = 0;
  std::vector<SkpIndicator> indicators;  // 1..50
  friend bool operator==(const SkpApproved&, const SkpApproved&) = default;
};

struct RealisasiReported {
  MonthIndex period = 0;
  std::string indicator;
  double value = 0;  // >= 0
  friend bool operator==(const RealisasiReported&, const RealisasiReported&) = default;
};

struct EvidenceSubmitted {
  MonthIndex period = 0;
  std::string indicator;
  std::string evidence;  // 1..128 code points
  friend bool operator==(const EvidenceSubmitted&, const EvidenceSubmitted&) = default;
};

struct FeedbackGiven {
  Nip giver = 0;
  std::optional<CoreValue> value;
  // `note` is validated and then dropped: never stored or exported (docs/events.md).
  friend bool operator==(const FeedbackGiven&, const FeedbackGiven&) = default;
};

// A rating period: a month (periodic evaluation) or a year (the annual one).
struct RatingPeriod {
  bool monthly = false;
  int32_t value = 0;  // MonthIndex when monthly, else the year
  friend auto operator<=>(const RatingPeriod&, const RatingPeriod&) = default;
};

struct RatingAssigned {
  RatingPeriod period;
  Expectation hasil = Expectation::kSesuai;
  Expectation perilaku = Expectation::kSesuai;
  Nip rater = 0;
  friend bool operator==(const RatingAssigned&, const RatingAssigned&) = default;
};

struct PotentialAssessed {
  int16_t year = 0;
  Potential potential = Potential::kMenengah;
  friend bool operator==(const PotentialAssessed&, const PotentialAssessed&) = default;
};

struct TrainingCompleted {
  std::string course;
  Date completed_on;
  int32_t minutes = 0;
  TrainingMode mode = TrainingMode::kKlasikal;
  friend bool operator==(const TrainingCompleted&, const TrainingCompleted&) = default;
};

struct ActivityLogged {
  Date date;
  int32_t minutes = 0;
  ActivityCategory category = ActivityCategory::kAdministrative;
  friend bool operator==(const ActivityLogged&, const ActivityLogged&) = default;
};

// In EventType order.
using EventData =
    std::variant<EmployeeUpserted, SkpApproved, RealisasiReported, EvidenceSubmitted, FeedbackGiven,
                 RatingAssigned, PotentialAssessed, TrainingCompleted, ActivityLogged>;

struct Event {
  Envelope envelope;
  EventData data;
  friend bool operator==(const Event&, const Event&) = default;
};

}  // namespace kinerja
