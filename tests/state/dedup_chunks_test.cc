// The dedup memory persisted as chunks (state/codec.h): written per batch, read back the way the
// pipeline reads them, deleted once expired.
#include <catch2/catch.hpp>

#include "dedup_check.h"
#include "processors/employee.h"
#include "state/codec.h"

using namespace kinerja;
using namespace kinerja::processors;
using kinerja::testing::IsDuplicate;
using kinerja::testing::Remembered;
using namespace kinerja::state;

namespace {

constexpr Nip kNip = 198609262015051001ULL;

}  // namespace

TEST_CASE("dedup chunks are written per batch and deleted once all their ids expired") {
  DedupMemory m;
  constexpr int64_t kWindow = 100;
  auto env = [](const char* id) {
    return Envelope{id, "A1", EventType::kActivityLogged, kNip, {}};
  };
  std::vector<EntityWrite> writes;
  CHECK_FALSE(IsDuplicate(m, env("a"), 0, kWindow));
  CHECK_FALSE(IsDuplicate(m, env("b"), 10, kWindow));
  FlushDedup(kNip, m, &writes);  // batch 1: one chunk with both ids
  REQUIRE(writes.size() == 1);
  CHECK(writes[0].key == DedupChunkKey(kNip, 0));
  CHECK(writes[0].value);
  CHECK_FALSE(IsDuplicate(m, env("c"), 50, kWindow));
  writes.clear();
  FlushDedup(kNip, m, &writes);  // batch 2
  REQUIRE(writes.size() == 1);
  CHECK(writes[0].key == DedupChunkKey(kNip, 1));
  // At 111 "a" (0) and "b" (10) have expired: chunk 0 goes, chunk 1 ("c" at 50) stays.
  CHECK_FALSE(IsDuplicate(m, env("d"), 111, kWindow));
  writes.clear();
  FlushDedup(kNip, m, &writes);
  REQUIRE(writes.size() == 2);
  CHECK(writes[0].key == DedupChunkKey(kNip, 0));
  CHECK_FALSE(writes[0].value);
  CHECK(writes[1].key == DedupChunkKey(kNip, 2));
  CHECK(m.applied.size() == 2);
}

TEST_CASE("dedup: reloaded, an id applied twice (in two chunks) keeps its later time") {
  EmployeeState s;
  s.known = true;
  constexpr int64_t kWindow = 100;
  auto env = [](const char* id) {
    return Envelope{id, "A1", EventType::kActivityLogged, kNip, {}};
  };
  std::vector<EntityWrite> writes;
  REQUIRE_FALSE(IsDuplicate(s.dedup, env("a"), 0, kWindow));
  REQUIRE_FALSE(IsDuplicate(s.dedup, env("x"), 95, kWindow));
  FlushDedup(kNip, s.dedup, &writes);  // chunk 0: a@0, x@95 (alive while x is)
  REQUIRE_FALSE(IsDuplicate(s.dedup, env("a"), 150, kWindow));  // a again
  FlushDedup(kNip, s.dedup, &writes);                           // chunk 1: a@150
  std::string core;
  EncodeEmployeeCore(s, &core);
  // Read back the way the pipeline does: the core, then the chunks it lists as live.
  EmployeeState back;
  REQUIRE(AbsorbEmployeeEntity(EmployeeCoreKey(kNip).substr(8), core, &back).ok());
  const std::vector<std::string> keys = DedupChunksToRead(kNip, back, kWindow, 150);
  CHECK(keys == std::vector<std::string>{DedupChunkKey(kNip, 0), DedupChunkKey(kNip, 1)});
  for (const auto& w : writes) REQUIRE(AbsorbEmployeeEntity(w.key.substr(8), *w.value, &back).ok());
  CHECK(Remembered(back.dedup, "A1", "a") == 150);
  // Reloaded, only fingerprints are in memory: a match needs the full ids of the chunks.
  CHECK(CheckDuplicateAndRemember(back.dedup, env("a"), 200, kWindow) == DedupCheck::kNeedIds);
  CHECK(back.dedup.pending.empty());  // nothing remembered yet
  for (const auto& key : DedupChunksToRead(kNip, back, kWindow, 200)) {
    for (const auto& w : writes) {
      if (w.key == key) REQUIRE(AbsorbDedupChunkIds(*w.value, &back.dedup).ok());
    }
  }
  CHECK(IsDuplicate(back.dedup, env("a"), 200, kWindow));
  // For an event at 196 or later, x (95) is out of the window: chunk 0 is not read at all ...
  EmployeeState later;
  REQUIRE(AbsorbEmployeeEntity(EmployeeCoreKey(kNip).substr(8), core, &later).ok());
  CHECK(DedupChunksToRead(kNip, later, kWindow, 195).size() == 2);
  CHECK(DedupChunksToRead(kNip, later, kWindow, 196) ==
        std::vector<std::string>{DedupChunkKey(kNip, 1)});
  CHECK(DedupChunksToRead(kNip, later, kWindow, 251).empty());
  // ... and that event's sweep deletes it from the store, unread.
  CHECK_FALSE(IsDuplicate(later.dedup, env("y"), 197, kWindow));
  CHECK(later.dedup.expired == std::vector<uint64_t>{0});
}

TEST_CASE("dedup: a fingerprint match whose full id is not stored is no duplicate") {
  // Two ids with one fingerprint: made here by remembering a fingerprint without its id.
  DedupMemory m;
  constexpr int64_t kWindow = 100;
  Envelope x{"x", "A1", EventType::kActivityLogged, kNip, {}};
  m.applied.Remember(DedupFingerprint(DedupKey("A1", "x")), 50);
  m.chunks.push_back({0, 50});  // "stored" (under the same fingerprint: another id)
  m.newest_ms = 50;
  CHECK(CheckDuplicateAndRemember(m, x, 60, kWindow) == DedupCheck::kNeedIds);
  m.stored_ids.emplace();  // the chunk's full ids: another id only
  (*m.stored_ids)[DedupKey("A1", "other")] = 50;
  CHECK_FALSE(IsDuplicate(m, x, 60, kWindow));
  CHECK(m.pending.size() == 1);
  // Now it is applied: a second copy is a duplicate (found among this batch's full ids).
  CHECK(IsDuplicate(m, x, 70, kWindow));
  // Flushed, the full ids are dropped again (they are read for one batch only).
  std::vector<EntityWrite> writes;
  FlushDedup(kNip, m, &writes);
  CHECK_FALSE(m.stored_ids);
}
