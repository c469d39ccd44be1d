// The hostile-input corpus (tests/corpus/hostile.ndjson, written by tests/corpus/hostile.py):
// Kafka messages with the reason docs/events.md gives for each, read back byte for byte.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ingest/message.h"

namespace kinerja::testing {

struct HostileCase {
  std::string name;    // e.g. "truncated/skp/40/structured"
  std::string reason;  // a rejection code, or "accepted" for the valid controls
  std::string detail;  // a substring the rejection's detail must contain (may be empty)
  int64_t timestamp_ms = 0;
  ingest::OwnedMessage message;
};

namespace hostile_internal {

inline std::string Base64Decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) continue;  // padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// A corpus blob: null, text, or {"b64": ...}.
inline std::optional<std::string> Blob(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  if (j.is_string()) return j.get<std::string>();
  return Base64Decode(j.at("b64").get<std::string>());
}

}  // namespace hostile_internal

inline std::vector<HostileCase> LoadHostileCorpus() {
  const std::string path = std::string(KINERJA_SOURCE_DIR) + "/tests/corpus/hostile.ndjson";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<HostileCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    HostileCase c;
    c.name = j.at("case").get<std::string>() + "/" + j.at("mode").get<std::string>();
    c.reason = j.at("reason").get<std::string>();
    c.detail = j.value("detail", "");
    c.timestamp_ms = j.at("timestamp_ms").get<int64_t>();
    c.message.key = hostile_internal::Blob(j.at("key"));
    c.message.value = hostile_internal::Blob(j.at("value"));
    for (const auto& h : j.at("headers")) {
      c.message.headers.push_back({h.at(0).get<std::string>(), hostile_internal::Blob(h.at(1))});
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace kinerja::testing
