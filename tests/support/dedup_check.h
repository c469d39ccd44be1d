// Dedup helpers shared by the processors and state tests (header-only: they link processors/).
#pragma once

#include <catch2/catch.hpp>

#include <optional>

#include "processors/employee.h"

namespace kinerja::testing {

// The dedup check of a memory whose ids are all at hand (in memory or read into stored_ids):
// true for a duplicate.
inline bool IsDuplicate(processors::DedupMemory& m, const Envelope& e, int64_t ts, int64_t window) {
  const processors::DedupCheck check = processors::CheckDuplicateAndRemember(m, e, ts, window);
  REQUIRE(check != processors::DedupCheck::kNeedIds);
  return check == processors::DedupCheck::kDuplicate;
}

// The timestamp the memory's fingerprints hold for (source, id), if any.
inline std::optional<int64_t> Remembered(const processors::DedupMemory& m, const char* source,
                                         const char* id) {
  return m.applied.Find(processors::DedupFingerprint(processors::DedupKey(source, id)));
}

}  // namespace kinerja::testing
