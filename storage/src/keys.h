// Key layout shared by both stores. Every key starts with the partition (2 bytes, big endian),
// then a kind byte:
//   [p]'E'<entity key>  entity bytes        [p]'C'<counter key>  int64 (8 bytes, big endian)
//   [p]'O'              next offset (int64)  [p]'M'              metadata bytes
//   [p]'T'              outcome totals: applied, duplicates, dead-lettered (3 x int64)
//   "\xff\xff" "format"  the state's format version (RocksDbOptions::format; Kinerja's is
//                        state::kFormatVersion, which this layout is part of)
//   "\xff\xff" "identity"  the events topic and its partition count: EncodeIdentity
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/state_store.h"

namespace kinerja::storage::keys {

inline constexpr char kEntity = 'E';
inline constexpr char kCounter = 'C';
inline constexpr char kOffset = 'O';
inline constexpr char kMeta = 'M';
inline constexpr char kOutcomes = 'T';
inline constexpr int32_t kMaxPartition = 0xFFFE;
inline constexpr std::string_view kFormatKey =
    "\xff\xff"
    "format";

inline constexpr std::string_view kIdentityKey =
    "\xff\xff"
    "identity";

std::string Prefix(int32_t partition);
std::string Make(int32_t partition, char kind, std::string_view suffix = {});
// The first key after every key that starts with `prefix` (exclusive scan bound); empty when
// there is none (a prefix of 0xFF bytes only).
std::string PrefixEnd(std::string_view prefix);
std::string EncodeInt64(int64_t v);
std::optional<int64_t> DecodeInt64(std::string_view b);
// The partition count (int64) followed by the topic's name.
std::string EncodeIdentity(const StateIdentity& identity);
std::optional<StateIdentity> DecodeIdentity(std::string_view b);

struct Parsed {
  int32_t partition;
  char kind;
  std::string_view suffix;
};
std::optional<Parsed> Parse(std::string_view key);

}  // namespace kinerja::storage::keys
