#include "frame.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>

namespace kinerja::fuzz {
namespace {

// The next line of `*rest` (without its '\n'), consumed.
std::string_view NextLine(std::string_view* rest) {
  const size_t end = rest->find('\n');
  const std::string_view line = rest->substr(0, end);
  rest->remove_prefix(end == std::string_view::npos ? rest->size() : end + 1);
  return line;
}

ingest::Header ParseHeader(std::string_view spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string_view::npos) return {std::string(spec), std::nullopt};
  return {std::string(spec.substr(0, eq)), std::string(spec.substr(eq + 1))};
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::string> SubjectOf(const ingest::OwnedMessage& message) {
  for (const ingest::Header& h : message.headers) {
    if (h.name == "ce_subject" && h.value) return h.value;
  }
  if (!message.value) return std::nullopt;
  simdjson::dom::parser parser;
  std::string_view subject;
  if (parser.parse(*message.value).at_key("subject").get_string().get(subject) !=
      simdjson::SUCCESS) {
    return std::nullopt;
  }
  return std::string(subject);
}

FramedMessage ParseFrame(std::string_view input) {
  FramedMessage framed;
  ingest::OwnedMessage& m = framed.message;
  bool key_is_subject = false;
  while (!input.empty()) {
    if (input.substr(0, 2) == "V:") {
      m.value = std::string(input.substr(2));
      break;
    }
    const std::string_view line = NextLine(&input);
    const std::string_view tag = line.substr(0, 2);
    const std::string_view rest = line.substr(std::min<size_t>(2, line.size()));
    if (tag == "K:") {
      m.key = std::string(rest);
      key_is_subject = false;
    } else if (line == "S") {
      key_is_subject = true;
    } else if (tag == "H:") {
      m.headers.push_back(ParseHeader(rest));
    } else if (tag == "T:") {
      if (auto ts = ParseInt(rest)) framed.timestamp_ms = *ts;
    }
  }
  if (key_is_subject) m.key = SubjectOf(m);
  return framed;
}

}  // namespace kinerja::fuzz
