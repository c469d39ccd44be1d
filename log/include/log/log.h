// Operational log lines: one line per record in logfmt (`ts=… level=… component=… msg="…"`),
// on stderr unless a sink is set, filtered by a process-wide level.
//
// What goes in a message: codes, counts, topic and partition numbers, broker addresses. Never
// an event's content (NIPs, names, notes): a log line cannot know who reads it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kinerja::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

// "debug", "info", "warn", "error" or "off"; nullopt for anything else.
std::optional<Level> ParseLevel(std::string_view name);
std::string_view LevelName(Level level);

// The initial level is KINERJA_LOG_LEVEL's when that names a level, else kInfo.
void SetLevel(Level level);
bool Enabled(Level level);

// Where finished lines go (without the newline); an empty function restores stderr. For tests
// and for embedding; set it before other threads log.
using Sink = std::function<void(std::string_view line)>;
void SetSink(Sink sink);

void Write(Level level, std::string_view component, std::string_view message);

// The logfmt line for one record at `unix_ms` (exposed for tests).
std::string FormatLine(int64_t unix_ms, Level level, std::string_view component,
                       std::string_view message);

// One call site's budget: at most `burst` lines per `period`; the rest are counted, and the
// first line let through afterwards says how many were suppressed. Thread-safe.
class RateLimited {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimited(int burst, Clock::duration period) : burst_(burst), period_(period) {}

  // Returns whether the line was written (false: suppressed, or below the level).
  bool Write(Level level, std::string_view component, std::string_view message,
             Clock::time_point now = Clock::now());

 private:
  const int burst_;
  const Clock::duration period_;
  std::mutex mu_;
  Clock::time_point window_start_{};
  int written_in_window_ = 0;
  uint64_t suppressed_ = 0;
};

}  // namespace kinerja::log
