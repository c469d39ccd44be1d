#include "core/civil_time.h"

#include <array>
#include <cstdio>

namespace kinerja {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2));
  return Date{static_cast<int16_t>(y), static_cast<int8_t>(m), static_cast<int8_t>(d)};
}

std::string FormatMonth(MonthIndex m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", YearOf(m), MonthOf(m));
  return buf;
}

std::string FormatDate(const Date& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::optional<Date> ParseDate(std::string_view s, int min_year, int max_year) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, &y) ||
      !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) {
    return std::nullopt;
  }
  if (y < min_year || y > max_year || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return std::nullopt;
  }
  return Date{static_cast<int16_t>(y), static_cast<int8_t>(m), static_cast<int8_t>(d)};
}

std::optional<MonthIndex> ParseMonth(std::string_view s) {
  int y, m;
  if (s.size() != 7 || s[4] != '-' || !Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m))
    return std::nullopt;
  if (y < kMinYear || y > kMaxYear || m < 1 || m > 12) return std::nullopt;
  return ToMonthIndex(y, m);
}

std::optional<Instant> ParseRfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)
  auto date = ParseDate(s.substr(0, 10), kMinYear, kMaxYear);
  if (!date || s.size() < 20) return std::nullopt;
  if (s[10] != 'T' && s[10] != 't') return std::nullopt;
  int hh, mi, ss;
  if (!Digits(s, 11, 2, &hh) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &ss)) {
    return std::nullopt;
  }
  // RFC 3339 allows second 60 (leap second); it counts as the last second of the minute here.
  if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;
  size_t pos = 19;
  if (s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    if (pos + 1 != s.size()) return std::nullopt;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (pos + 6 != s.size() || !Digits(s, pos + 1, 2, &oh) || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const int64_t local = DaysFromCivil(date->year, date->month, date->day) * 86400 + hh * 3600 +
                        mi * 60 + (ss == 60 ? 59 : ss);
  return Instant{local - offset * 60, static_cast<int16_t>(offset)};
}

MonthIndex LocalMonth(int64_t unix_seconds, int offset_minutes) {
  const int64_t local = unix_seconds + offset_minutes * 60;
  const int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  return ToMonthIndex(CivilFromDays(days));
}

namespace {
constexpr std::array<std::string_view, 4> kTzNames = {"Asia/Jakarta", "Asia/Pontianak",
                                                      "Asia/Makassar", "Asia/Jayapura"};
}

std::optional<TimeZone> ParseTimeZone(std::string_view s) {
  for (size_t i = 0; i < kTzNames.size(); ++i) {
    if (s == kTzNames[i]) return static_cast<TimeZone>(i);
  }
  return std::nullopt;
}

std::string_view TimeZoneName(TimeZone tz) { return kTzNames[static_cast<size_t>(tz)]; }

int UtcOffsetMinutes(TimeZone tz) {
  switch (tz) {
    case TimeZone::kJakarta:
    case TimeZone::kPontianak:
      return 7 * 60;
    case TimeZone::kMakassar:
      return 8 * 60;
    case TimeZone::kJayapura:
      return 9 * 60;
  }
  return 7 * 60;
}

}  // namespace kinerja
