// A flat hash map from 64-bit fingerprints to timestamps: the in-memory dedup index
// (employee.h, DedupMemory). 16 bytes a slot, no allocation per entry; a fingerprint match is
// only a candidate, which the caller confirms against the full ids (kept in the store).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace kinerja::processors {

// The fingerprint of a dedup key (DedupKey(source, id)): a 64-bit hash, never 0.
uint64_t DedupFingerprint(std::string_view key);

class FingerprintTable {
 public:
  // The newest timestamp remembered under `fp`, if any.
  std::optional<int64_t> Find(uint64_t fp) const;
  // Remembers `ts` under `fp`, keeping the newer timestamp when `fp` is there already (two ids
  // with one fingerprint share a slot: the newer time is a safe bound for both).
  void Remember(uint64_t fp, int64_t ts);
  // Drops every entry older than `horizon`; returns the oldest timestamp kept (INT64_MAX: none).
  int64_t DropOlderThan(int64_t horizon);
  size_t size() const { return size_; }
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot); }
  // Same fingerprints with the same timestamps, whatever the layout.
  friend bool operator==(const FingerprintTable& a, const FingerprintTable& b);

 private:
  struct Slot {
    uint64_t fp = 0;  // 0: empty
    int64_t ts = 0;
  };
  void Grow();
  size_t Probe(uint64_t fp) const;  // the slot holding fp, or the empty slot where it goes

  std::vector<Slot> slots_;  // a power of two, at most 3/4 full
  size_t size_ = 0;
};

}  // namespace kinerja::processors
