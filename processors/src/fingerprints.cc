#include "processors/fingerprints.h"

#include <algorithm>
#include <climits>
#include <functional>

namespace kinerja::processors {
namespace {

// SplitMix64's finaliser: spreads the bits of a std::hash over the whole word.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t DedupFingerprint(std::string_view key) {
  const uint64_t h = Mix(std::hash<std::string_view>{}(key));
  return h == 0 ? 1 : h;
}

size_t FingerprintTable::Probe(uint64_t fp) const {
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(fp) & mask;
  while (slots_[i].fp != 0 && slots_[i].fp != fp) i = (i + 1) & mask;
  return i;
}

std::optional<int64_t> FingerprintTable::Find(uint64_t fp) const {
  if (size_ == 0) return std::nullopt;
  const Slot& s = slots_[Probe(fp)];
  if (s.fp == 0) return std::nullopt;
  return s.ts;
}

void FingerprintTable::Remember(uint64_t fp, int64_t ts) {
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
  Slot& s = slots_[Probe(fp)];
  if (s.fp == 0) {
    s = {fp, ts};
    ++size_;
  } else {
    s.ts = std::max(s.ts, ts);
  }
}

void FingerprintTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 8 : old.size() * 2, Slot{});
  for (const Slot& s : old) {
    if (s.fp != 0) slots_[Probe(s.fp)] = s;
  }
}

int64_t FingerprintTable::DropOlderThan(int64_t horizon) {
  int64_t oldest = INT64_MAX;
  std::vector<Slot> kept;
  kept.reserve(size_);
  for (const Slot& s : slots_) {
    if (s.fp == 0 || s.ts < horizon) continue;
    kept.push_back(s);
    oldest = std::min(oldest, s.ts);
  }
  // Rebuilt at the size the survivors need (a table shrinks when its window empties).
  size_t capacity = 8;
  while (kept.size() * 4 > capacity * 3) capacity *= 2;
  slots_.assign(kept.empty() ? 0 : capacity, Slot{});
  slots_.shrink_to_fit();
  size_ = kept.size();
  for (const Slot& s : kept) slots_[Probe(s.fp)] = s;
  return oldest;
}

bool operator==(const FingerprintTable& a, const FingerprintTable& b) {
  if (a.size_ != b.size_) return false;
  for (const auto& s : a.slots_) {
    if (s.fp == 0) continue;
    auto found = b.Find(s.fp);
    if (!found || *found != s.ts) return false;
  }
  return true;
}

}  // namespace kinerja::processors
