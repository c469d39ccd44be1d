#include "pipeline_script.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "ingest/binding.h"

namespace kinerja::fuzz {
namespace {

constexpr size_t kMaxMessages = 256;
constexpr int64_t kStartMs = 1'797'292'800'000;  // 2026-12-15T00:00Z: 2026 dates are past
constexpr int64_t kLastMs = 4'102'444'800'000;   // 2100-01-01T00:00Z

int64_t Number(std::string_view s, int64_t fallback) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : fallback;
}

int32_t PartitionOf(int64_t n) { return static_cast<int32_t>((n % 3 + 3) % 3); }

// FNV-1a of the key: a fixed stand-in for the producers' murmur2 (any fixed hash keeps an
// employee in one partition, which is all the pipeline relies on).
int32_t PartitionOfKey(const std::optional<std::string>& key) {
  if (!key) return 0;
  uint32_t h = 2166136261u;
  for (unsigned char c : *key) h = (h ^ c) * 16777619u;
  return static_cast<int32_t>(h % kScriptPartitions);
}

class Parser {
 public:
  Script Parse(std::string_view input);

 private:
  void Action(std::string_view word, std::string_view arg);
  void Clock(std::string_view spec);
  void Message(std::string_view line);

  Script script_;
  int64_t clock_ms_ = kStartMs;
  std::optional<int32_t> next_partition_;
  ingest::MessageBuilder structured_{ingest::ContentMode::kStructured};
  ingest::MessageBuilder binary_{ingest::ContentMode::kBinary};
};

Script Parser::Parse(std::string_view input) {
  while (!input.empty()) {
    const size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (line.empty()) continue;
    if (line[0] != '~') {
      Message(line);
    } else if (line.substr(0, 2) == "~t") {
      Clock(line.substr(2));
    } else {
      const size_t space = line.find(' ');
      Action(line.substr(1, space - 1),
             space == std::string_view::npos ? "" : line.substr(space + 1));
    }
  }
  return std::move(script_);
}

void Parser::Action(std::string_view word, std::string_view arg) {
  const int64_t n = Number(arg, 1);
  auto op = [&](ScriptOp::Kind kind, int64_t value) { script_.ops.push_back({kind, value}); };
  if (word == "run") op(ScriptOp::kRun, std::clamp<int64_t>(n, 1, 16));
  if (word == "restart") op(ScriptOp::kRestart, 0);
  if (word == "crash") op(ScriptOp::kCrash, 0);
  if (word == "revoke") op(ScriptOp::kRevoke, PartitionOf(n));
  if (word == "assign") op(ScriptOp::kAssign, PartitionOf(n));
  if (word == "batch") op(ScriptOp::kBatch, std::clamp<int64_t>(n, 1, 64));
  if (word == "cache") op(ScriptOp::kCache, std::clamp<int64_t>(n, 0, 16));
  if (word == "p") next_partition_ = PartitionOf(n);
  if (word == "window") script_.dedup_window_ms = std::clamp<int64_t>(n, 0, 400) * 3600 * 1000;
}

// "+S", "-S" (seconds) or "=MS".
void Parser::Clock(std::string_view spec) {
  if (spec.empty()) return;
  const int64_t n = std::clamp<int64_t>(Number(spec.substr(1), 0), -kLastMs, kLastMs);
  if (spec[0] == '=') clock_ms_ = n;
  if (spec[0] == '+') clock_ms_ += n * 1000;
  if (spec[0] == '-') clock_ms_ -= n * 1000;
  clock_ms_ = std::clamp<int64_t>(clock_ms_, -1, kLastMs);
}

void Parser::Message(std::string_view line) {
  if (script_.messages.size() >= kMaxMessages) return;
  const bool binary = line[0] == 'b';
  auto built = (binary ? binary_ : structured_).Build(binary ? line.substr(1) : line);
  if (!built.ok()) return;
  ingest::OwnedMessage& m = built.value();
  const int32_t partition = next_partition_.value_or(PartitionOfKey(m.key));
  next_partition_.reset();
  script_.ops.push_back({ScriptOp::kMessage, static_cast<int64_t>(script_.messages.size())});
  script_.messages.push_back(
      {partition, {std::move(m.key), std::move(m.value), clock_ms_, std::move(m.headers)}});
}

}  // namespace

Script ParseScript(std::string_view input) { return Parser().Parse(input); }

}  // namespace kinerja::fuzz
