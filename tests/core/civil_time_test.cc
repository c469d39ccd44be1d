#include <catch2/catch.hpp>

#include "core/civil_time.h"
#include "core/event.h"

using namespace kinerja;

TEST_CASE("RFC 3339 instants keep their UTC time and written offset") {
  auto t = ParseRfc3339("2026-03-14T09:30:00+08:00");
  REQUIRE(t);
  // 2026-03-14T01:30:00Z: 20526 days after the epoch.
  CHECK(t->unix_seconds == 20526LL * 86400 + 1 * 3600 + 30 * 60);
  CHECK(t->offset_minutes == 480);
  CHECK(ParseRfc3339("2026-03-14T09:30:00.123456Z"));
  CHECK(ParseRfc3339("2026-03-14t09:30:00z"));
  CHECK(ParseRfc3339("2026-03-14T09:30:00-03:30")->offset_minutes == -210);
}

TEST_CASE("RFC 3339 rejects what the contract forbids") {
  for (const char* bad :
       {"2026-03-14T09:30:00",   // no offset
        "2026-03-14 09:30:00Z",  // no T
        "2026-02-29T00:00:00Z",  // not a leap year
        "1999-12-31T23:59:59Z",  // year below 2000
        "2101-01-01T00:00:00Z",  // year above 2100
        "2026-03-14T24:00:00Z", "2026-03-14T09:60:00Z", "2026-03-14T09:30:00+0800",
        "2026-03-14T09:30:00.Z", "2026-3-14T09:30:00Z", ""}) {
    INFO(bad);
    CHECK_FALSE(ParseRfc3339(bad));
  }
}

TEST_CASE("local month of an instant follows the offset across a month boundary") {
  // 2026-03-31T17:30:00Z is 1 April in WITA (UTC+8) and WIT (UTC+9) but 31 March... in WIB it
  // is 2026-04-01T00:30 too. Use 16:30Z: WIB 23:30 (March), WITA 00:30 (April).
  auto t = ParseRfc3339("2026-03-31T16:30:00Z");
  REQUIRE(t);
  CHECK(FormatMonth(LocalMonth(t->unix_seconds, UtcOffsetMinutes(TimeZone::kJakarta))) ==
        "2026-03");
  CHECK(FormatMonth(LocalMonth(t->unix_seconds, UtcOffsetMinutes(TimeZone::kMakassar))) ==
        "2026-04");
  CHECK(FormatMonth(LocalMonth(t->unix_seconds, UtcOffsetMinutes(TimeZone::kJayapura))) ==
        "2026-04");
  CHECK(FormatMonth(LocalMonth(t->unix_seconds, UtcOffsetMinutes(TimeZone::kPontianak))) ==
        "2026-03");
}

TEST_CASE("dates and months parse strictly") {
  CHECK(ParseDate("2024-02-29"));
  CHECK_FALSE(ParseDate("2026-02-29"));
  CHECK_FALSE(ParseDate("2026-13-01"));
  CHECK_FALSE(ParseDate("2026-1-01"));
  CHECK(FormatMonth(*ParseMonth("2026-03")) == "2026-03");
  CHECK_FALSE(ParseMonth("2026-00"));
  CHECK(CivilFromDays(DaysFromCivil(2000, 2, 29)) == Date{2000, 2, 29});
}

TEST_CASE("NIP rules") {
  std::string why;
  auto nip = ParseNip("198609262015051001", &why);
  REQUIRE(nip);
  CHECK(FormatNip(*nip) == "198609262015051001");
  CHECK_FALSE(ParseNip("19860926201505100", &why));    // 17 digits
  CHECK_FALSE(ParseNip("1986092620150510011", &why));  // 19 digits
  CHECK_FALSE(ParseNip("19860926201505300A", &why));
  CHECK_FALSE(ParseNip("198602302015051001", &why));  // 30 February
  CHECK_FALSE(ParseNip("193912312015051001", &why));  // born 1939
  CHECK_FALSE(ParseNip("201301012015051001", &why));  // born 2013
  CHECK_FALSE(ParseNip("198609262015053001", &why));  // digit 15 is 3
  CHECK(why.find("digit 15") != std::string::npos);
  CHECK(ParseNip("194001012015052999"));
}
