// The typed form of an accepted event (events.md, contract v1). The decoder in ingest/ produces
// it; processors consume it. Nothing here does I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/civil_time.h"

namespace kinerja {

// A NIP (or PPPK NI) is 18 ASCII digits; it fits a uint64 exactly (10^18 < 2^64).
using Nip = uint64_t;
// Parses and checks the NIP rules of events.md; the reason for a failure goes to *why.
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

std::optional<Position> ParsePosition(std::string_view s);
std::string_view PositionName(Position p);
std::optional<Employment> ParseEmployment(std::string_view s);
std::string_view EmploymentName(Employment e);
std::optional<TrainingMode> ParseTrainingMode(std::string_view s);
std::string_view TrainingModeName(TrainingMode m);
std::optional<ActivityCategory> ParseActivityCategory(std::string_view s);
std::string_view ActivityCategoryName(ActivityCategory c);

// Agency codes: [A-Za-z0-9_-]{1,32} (events.md, `source`).
bool IsAgencyCode(std::string_view s);

struct Envelope {
  std::string id;      // 1..128 code points
  std::string source;  // the agency code from "/agencies/<code>"
  EventType type = EventType::kEmployeeUpserted;
  Nip subject = 0;
  Instant time;
};

struct EmployeeUpserted {
  std::string agency;
  std::string unit;  // personal-ish organisational detail: stored, never exported
  TimeZone tz = TimeZone::kJakarta;
  Position position = Position::kPelaksana;
  Employment employment = Employment::kPns;
  std::optional<Nip> supervisor;
  bool active = true;
};

struct TrainingCompleted {
  std::string course;
  Date completed_on;
  int32_t minutes = 0;
  TrainingMode mode = TrainingMode::kKlasikal;
};

struct ActivityLogged {
  Date date;
  int32_t minutes = 0;
  ActivityCategory category = ActivityCategory::kAdministrative;
};

using EventData = std::variant<EmployeeUpserted, TrainingCompleted, ActivityLogged>;

struct Event {
  Envelope envelope;
  EventData data;
};

}  // namespace kinerja
