// Calendar arithmetic for the event contract: dates, months, RFC 3339 instants and the four
// Indonesian time zones (fixed offsets; Indonesia has no daylight saving).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kinerja {

// Years allowed anywhere in the contract (docs/events.md).
inline constexpr int kMinYear = 2000;
inline constexpr int kMaxYear = 2100;

struct Date {
  int16_t year = 0;
  int8_t month = 0;  // 1..12
  int8_t day = 0;    // 1..31
  friend auto operator<=>(const Date&, const Date&) = default;
};

// A calendar month as a dense index: year * 12 + (month - 1). Orders and subtracts naturally.
using MonthIndex = int32_t;
inline MonthIndex ToMonthIndex(int year, int month) { return year * 12 + (month - 1); }
inline MonthIndex ToMonthIndex(const Date& d) { return ToMonthIndex(d.year, d.month); }
inline int YearOf(MonthIndex m) { return m / 12; }
inline int MonthOf(MonthIndex m) { return m % 12 + 1; }
std::string FormatMonth(MonthIndex m);  // "2026-03"
std::string FormatDate(const Date& d);  // "2026-03-14"

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);
// Days since 1970-01-01 (proleptic Gregorian) and back.
int64_t DaysFromCivil(int year, int month, int day);
Date CivilFromDays(int64_t days);

// Strict "YYYY-MM-DD": a real calendar date with year in [min_year, max_year].
std::optional<Date> ParseDate(std::string_view s, int min_year = kMinYear, int max_year = kMaxYear);
// Strict "YYYY-MM" with year in [kMinYear, kMaxYear].
std::optional<MonthIndex> ParseMonth(std::string_view s);

// An instant as written in an RFC 3339 timestamp: the UTC time and the offset it was written in.
struct Instant {
  int64_t unix_seconds = 0;
  int16_t offset_minutes = 0;  // e.g. +480 for "+08:00"
  friend bool operator==(const Instant&, const Instant&) = default;
};
// RFC 3339 date-time with a mandatory offset ("Z" or "±hh:mm"), optional fraction (ignored);
// the local year must be in [kMinYear, kMaxYear].
std::optional<Instant> ParseRfc3339(std::string_view s);
// The local calendar month of an instant at a fixed UTC offset.
MonthIndex LocalMonth(int64_t unix_seconds, int offset_minutes);

enum class TimeZone : uint8_t { kJakarta, kPontianak, kMakassar, kJayapura };
std::optional<TimeZone> ParseTimeZone(std::string_view s);
std::string_view TimeZoneName(TimeZone tz);
int UtcOffsetMinutes(TimeZone tz);

}  // namespace kinerja
