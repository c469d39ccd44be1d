#include "core/event.h"

#include <cstdio>

namespace kinerja {
namespace {

constexpr std::array<std::string_view, kEventTypeCount> kTypeNames = {
    "kinerja.employee.upserted.v1",  "kinerja.skp.approved.v1",
    "kinerja.realisasi.reported.v1", "kinerja.evidence.submitted.v1",
    "kinerja.feedback.given.v1",     "kinerja.rating.assigned.v1",
    "kinerja.potential.assessed.v1", "kinerja.training.completed.v1",
    "kinerja.activity.logged.v1",
};
constexpr std::array<std::string_view, 5> kPositions = {"jpt", "administrator", "pengawas",
                                                        "pelaksana", "fungsional"};
constexpr std::array<std::string_view, 2> kEmployments = {"pns", "pppk"};
constexpr std::array<std::string_view, 2> kModes = {"klasikal", "nonklasikal"};
constexpr std::array<std::string_view, 2> kCategories = {"administrative", "substantive"};
constexpr std::array<std::string_view, 2> kIndicatorKinds = {"utama", "tambahan"};
constexpr std::array<std::string_view, 7> kCoreValues = {"berorientasi_pelayanan",
                                                         "akuntabel",
                                                         "kompeten",
                                                         "harmonis",
                                                         "loyal",
                                                         "adaptif",
                                                         "kolaboratif"};
constexpr std::array<std::string_view, 3> kExpectations = {"di_atas", "sesuai", "di_bawah"};
constexpr std::array<std::string_view, 3> kPotentials = {"rendah", "menengah", "tinggi"};

template <class E, size_t N>
std::optional<E> Lookup(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Nip> ParseNip(std::string_view s, std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<Nip> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (s.size() != 18) return fail("must be exactly 18 digits");
  Nip v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return fail("must be exactly 18 digits");
    v = v * 10 + static_cast<Nip>(c - '0');
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int month = (s[4] - '0') * 10 + (s[5] - '0');
  const int day = (s[6] - '0') * 10 + (s[7] - '0');
  if (year < 1940 || year > 2012 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return fail("digits 1-8 must be a real birth date YYYYMMDD with year 1940-2012");
  }
  if (s[14] != '1' && s[14] != '2') return fail("digit 15 must be 1 (male) or 2 (female)");
  return v;
}

std::string FormatNip(Nip nip) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%018llu", static_cast<unsigned long long>(nip));
  return buf;
}

std::string_view EventTypeName(EventType t) { return kTypeNames[static_cast<size_t>(t)]; }
std::optional<EventType> ParseEventType(std::string_view s) {
  return Lookup<EventType>(kTypeNames, s);
}
std::optional<Position> ParsePosition(std::string_view s) {
  return Lookup<Position>(kPositions, s);
}
std::string_view PositionName(Position p) { return kPositions[static_cast<size_t>(p)]; }
std::optional<Employment> ParseEmployment(std::string_view s) {
  return Lookup<Employment>(kEmployments, s);
}
std::string_view EmploymentName(Employment e) { return kEmployments[static_cast<size_t>(e)]; }
std::optional<TrainingMode> ParseTrainingMode(std::string_view s) {
  return Lookup<TrainingMode>(kModes, s);
}
std::string_view TrainingModeName(TrainingMode m) { return kModes[static_cast<size_t>(m)]; }
std::optional<ActivityCategory> ParseActivityCategory(std::string_view s) {
  return Lookup<ActivityCategory>(kCategories, s);
}
std::string_view ActivityCategoryName(ActivityCategory c) {
  return kCategories[static_cast<size_t>(c)];
}

std::optional<IndicatorKind> ParseIndicatorKind(std::string_view s) {
  return Lookup<IndicatorKind>(kIndicatorKinds, s);
}
std::string_view IndicatorKindName(IndicatorKind k) {
  return kIndicatorKinds[static_cast<size_t>(k)];
}
std::optional<CoreValue> ParseCoreValue(std::string_view s) {
  return Lookup<CoreValue>(kCoreValues, s);
}
std::string_view CoreValueName(CoreValue v) { return kCoreValues[static_cast<size_t>(v)]; }
std::optional<Expectation> ParseExpectation(std::string_view s) {
  return Lookup<Expectation>(kExpectations, s);
}
std::string_view ExpectationName(Expectation e) { return kExpectations[static_cast<size_t>(e)]; }
std::optional<Potential> ParsePotential(std::string_view s) {
  return Lookup<Potential>(kPotentials, s);
}
std::string_view PotentialName(Potential p) { return kPotentials[static_cast<size_t>(p)]; }

bool IsAgencyCode(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace kinerja
