#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "log/log.h"

using namespace kinerja;

namespace {

// Captures lines for one test and restores stderr and the level afterwards.
struct Capture {
  std::vector<std::string> lines;
  Capture() {
    log::SetSink([this](std::string_view line) { lines.emplace_back(line); });
  }
  ~Capture() {
    log::SetSink(nullptr);
    log::SetLevel(log::Level::kInfo);
  }
};

}  // namespace

TEST_CASE("a log line is logfmt with a UTC timestamp, level, component and quoted message") {
  // 2026-12-02T07:40:13.045Z
  const int64_t ms = 1'796'197'213'045;
  CHECK(log::FormatLine(ms, log::Level::kWarn, "kafka", "broker down") ==
        "ts=2026-12-02T07:40:13.045Z level=warn component=kafka msg=\"broker down\"");
  // Quotes, backslashes and control characters cannot break the line or forge a field.
  CHECK(log::FormatLine(ms, log::Level::kError, "run", "a \"b\"\\c\nlevel=info\x01") ==
        "ts=2026-12-02T07:40:13.045Z level=error component=run "
        "msg=\"a \\\"b\\\"\\\\c\\nlevel=info\\x01\"");
}

TEST_CASE("levels parse by name and filter what is written") {
  CHECK(log::ParseLevel("debug") == log::Level::kDebug);
  CHECK(log::ParseLevel("warn") == log::Level::kWarn);
  CHECK(log::ParseLevel("off") == log::Level::kOff);
  CHECK_FALSE(log::ParseLevel("WARNING"));
  CHECK_FALSE(log::ParseLevel(""));

  Capture cap;
  log::SetLevel(log::Level::kWarn);
  log::Write(log::Level::kInfo, "run", "hidden");
  log::Write(log::Level::kWarn, "run", "shown");
  log::Write(log::Level::kError, "run", "shown too");
  REQUIRE(cap.lines.size() == 2);
  CHECK(cap.lines[0].find("level=warn component=run msg=\"shown\"") != std::string::npos);
  CHECK(cap.lines[1].find("level=error") != std::string::npos);

  log::SetLevel(log::Level::kOff);
  log::Write(log::Level::kError, "run", "nothing at off");
  CHECK(cap.lines.size() == 2);
}

TEST_CASE("a rate-limited site writes its burst per period and then says what it suppressed") {
  Capture cap;
  using namespace std::chrono_literals;
  log::RateLimited site(3, 10s);
  const auto t0 = log::RateLimited::Clock::time_point{} + 1h;
  int written = 0;
  for (int i = 0; i < 100; ++i) {
    written += site.Write(log::Level::kWarn, "kafka", "broker down", t0 + i * 10ms) ? 1 : 0;
  }
  CHECK(written == 3);
  REQUIRE(cap.lines.size() == 3);

  // The next period: the first line carries the count of the 97 that were dropped.
  CHECK(site.Write(log::Level::kWarn, "kafka", "broker down", t0 + 10s));
  REQUIRE(cap.lines.size() == 4);
  CHECK(cap.lines[3].find("broker down (97 similar lines suppressed before this one)") !=
        std::string::npos);
  CHECK(site.Write(log::Level::kWarn, "kafka", "broker down", t0 + 10s + 1ms));
  CHECK(cap.lines[4].find("suppressed") == std::string::npos);

  // Below the level nothing is written and nothing is counted as suppressed.
  log::SetLevel(log::Level::kError);
  CHECK_FALSE(site.Write(log::Level::kWarn, "kafka", "quiet", t0 + 30s));
  log::SetLevel(log::Level::kInfo);
  CHECK(site.Write(log::Level::kWarn, "kafka", "again", t0 + 40s));
  CHECK(cap.lines.back().find("msg=\"again\"") != std::string::npos);
}
