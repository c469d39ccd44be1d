#include "keys.h"

namespace kinerja::storage::keys {

std::string Prefix(int32_t partition) {
  std::string k(2, '\0');
  k[0] = static_cast<char>((partition >> 8) & 0xFF);
  k[1] = static_cast<char>(partition & 0xFF);
  return k;
}

std::string Make(int32_t partition, char kind, std::string_view suffix) {
  std::string k = Prefix(partition);
  k.push_back(kind);
  k.append(suffix);
  return k;
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  return end;
}

std::string EncodeInt64(int64_t v) {
  std::string b(8, '\0');
  auto u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i) {
    b[static_cast<size_t>(i)] = static_cast<char>(u & 0xFF);
    u >>= 8;
  }
  return b;
}

std::optional<int64_t> DecodeInt64(std::string_view b) {
  if (b.size() != 8) return std::nullopt;
  uint64_t u = 0;
  for (char c : b) u = (u << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(u);
}

std::string EncodeIdentity(const StateIdentity& identity) {
  return EncodeInt64(identity.partitions) + identity.topic;
}

std::optional<StateIdentity> DecodeIdentity(std::string_view b) {
  if (b.size() < 8) return std::nullopt;
  const auto partitions = DecodeInt64(b.substr(0, 8));
  if (!partitions || *partitions <= 0 || *partitions > kMaxPartition + 1) return std::nullopt;
  return StateIdentity{std::string(b.substr(8)), static_cast<int32_t>(*partitions)};
}

std::optional<Parsed> Parse(std::string_view key) {
  if (key.size() < 3 || static_cast<uint8_t>(key[0]) == 0xFF) return std::nullopt;
  const int32_t p = (static_cast<uint8_t>(key[0]) << 8) | static_cast<uint8_t>(key[1]);
  return Parsed{p, key[2], key.substr(3)};
}

}  // namespace kinerja::storage::keys
