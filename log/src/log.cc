#include "log/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace kinerja::log {
namespace {

// KINERJA_LOG_LEVEL, when set to a level's name, else info (`kinerja run --log-level` and the
// tests set it; an invalid value is refused by the command line, not here).
Level InitialLevel() {
  const char* env = std::getenv("KINERJA_LOG_LEVEL");
  if (env == nullptr) return Level::kInfo;
  return ParseLevel(env).value_or(Level::kInfo);
}

std::atomic<Level> g_level{InitialLevel()};
std::mutex g_sink_mu;
Sink& SinkRef() {
  static Sink sink;
  return sink;
}

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\x%02x", static_cast<unsigned>(c));
          out->append(esc);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::optional<Level> ParseLevel(std::string_view name) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError, Level::kOff}) {
    if (name == LevelName(l)) return l;
  }
  return std::nullopt;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      break;
  }
  return "off";
}

void SetLevel(Level level) { g_level.store(level); }

bool Enabled(Level level) { return level != Level::kOff && level >= g_level.load(); }

void SetSink(Sink sink) {
  std::lock_guard lock(g_sink_mu);
  SinkRef() = std::move(sink);
}

std::string FormatLine(int64_t unix_ms, Level level, std::string_view component,
                       std::string_view message) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[96];  // room for any int the format could print
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  std::string line = "ts=";
  line.append(ts).append(" level=").append(LevelName(level)).append(" component=");
  line.append(component).append(" msg=");
  AppendQuoted(&line, message);
  return line;
}

void Write(Level level, std::string_view component, std::string_view message) {
  if (!Enabled(level)) return;
  const std::string line = FormatLine(NowUnixMs(), level, component, message);
  std::lock_guard lock(g_sink_mu);
  if (SinkRef()) {
    SinkRef()(line);
    return;
  }
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

bool RateLimited::Write(Level level, std::string_view component, std::string_view message,
                        Clock::time_point now) {
  if (!Enabled(level)) return false;
  uint64_t suppressed = 0;
  {
    std::lock_guard lock(mu_);
    if (written_in_window_ == 0 || now - window_start_ >= period_) {
      window_start_ = now;
      written_in_window_ = 0;
    }
    if (written_in_window_ >= burst_) {
      ++suppressed_;
      return false;
    }
    ++written_in_window_;
    suppressed = suppressed_;
    suppressed_ = 0;
  }
  if (suppressed == 0) {
    log::Write(level, component, message);
  } else {
    log::Write(level, component,
               std::string(message) + " (" + std::to_string(suppressed) +
                   " similar lines suppressed before this one)");
  }
  return true;
}

}  // namespace kinerja::log
