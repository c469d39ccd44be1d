// The same contract checked on both stores: RocksDB and its in-memory twin.
#include <catch2/catch.hpp>

#include <filesystem>

#include "storage/state_store.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::storage;

namespace {

// The format the tests store under (Kinerja passes state::kFormatVersion).
constexpr const char* kTestFormat = "kinerja-test-1";

// The entity stored exactly at `key`, read both ways (point read and prefix scan), which must
// agree; or nullopt.
std::optional<std::string> EntityAt(StateStore& store, int32_t partition, const std::string& key) {
  std::optional<std::string> scanned;
  REQUIRE(store
              .ScanEntities(partition, key,
                            [&](std::string_view suffix, std::string_view value) {
                              if (suffix.empty()) scanned = std::string(value);
                              return Status::OK();
                            })
              .ok());
  std::vector<std::optional<std::string>> got;
  REQUIRE(store.GetEntities(partition, {key}, &got).ok());
  REQUIRE(got.size() == 1);
  CHECK(got[0] == scanned);
  return got[0];
}

std::vector<std::string> Suffixes(StateStore& store, int32_t partition, const std::string& prefix) {
  std::vector<std::string> suffixes;
  REQUIRE(store
              .ScanEntities(partition, prefix,
                            [&](std::string_view k, std::string_view) {
                              suffixes.emplace_back(k);
                              return Status::OK();
                            })
              .ok());
  return suffixes;
}

void CheckContract(StateStore& store) {
  auto empty = store.LoadPartition(3);
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->next_offset);
  CHECK(empty->counters.empty());
  CHECK(empty->outcomes == OutcomeTotals{});

  WriteSet w;
  w.entities.push_back({3, "emp-1", "state-1"});
  w.entities.push_back({4, "emp-1", "other-partition"});
  w.counters.push_back({3, "c1", 5});
  w.counters.push_back({3, "c2", -2});
  w.progress.push_back({3, 100, "meta-3", {70, 20, 10}});
  REQUIRE(store.Commit(w).ok());

  auto p3 = store.LoadPartition(3);
  REQUIRE(p3.ok());
  CHECK(p3->next_offset == 100);
  CHECK(p3->meta == "meta-3");
  // The outcome totals come back with the offset they were written with.
  CHECK(p3->outcomes == OutcomeTotals{70, 20, 10});
  CHECK(p3->outcomes.sum() == 100);
  REQUIRE(p3->counters.size() == 2);
  CHECK(p3->counters[0] == std::pair<std::string, int64_t>{"c1", 5});
  CHECK(p3->counters[1] == std::pair<std::string, int64_t>{"c2", -2});
  CHECK(EntityAt(store, 3, "emp-1") == std::optional<std::string>("state-1"));
  CHECK(EntityAt(store, 4, "emp-1") == std::optional<std::string>("other-partition"));
  CHECK_FALSE(EntityAt(store, 5, "emp-1"));

  // Prefix scans see only their own entities; an entity can be deleted.
  WriteSet w1;
  w1.entities.push_back({3, "emp-1d-a", "x"});
  w1.entities.push_back({3, "emp-2", "y"});
  REQUIRE(store.Commit(w1).ok());
  CHECK(Suffixes(store, 3, "emp-1") == std::vector<std::string>{"", "d-a"});

  // Several point reads at once, in the order asked, absent keys as nullopt.
  std::vector<std::optional<std::string>> got;
  REQUIRE(store.GetEntities(3, {"emp-2", "nobody", "emp-1", "emp-1d-a"}, &got).ok());
  CHECK(got == std::vector<std::optional<std::string>>{"y", std::nullopt, "state-1", "x"});
  REQUIRE(store.GetEntities(3, {}, &got).ok());
  CHECK(got.empty());

  // Prefix ends: a prefix ending in 0xFF bytes, the next prefix and the next partition.
  WriteSet edges;
  edges.entities.push_back({3, "k\xff", "a"});
  edges.entities.push_back({3, "k\xff\xff\x01", "b"});
  edges.entities.push_back({3, "l", "c"});
  edges.entities.push_back({4, "k\xff", "d"});
  REQUIRE(store.Commit(edges).ok());
  CHECK(Suffixes(store, 3, "k\xff") == std::vector<std::string>{"", "\xff\x01"});
  CHECK(Suffixes(store, 3, "k") == std::vector<std::string>{"\xff", "\xff\xff\x01"});
  CHECK(Suffixes(store, 4, "k\xff") == std::vector<std::string>{""});
  CHECK(Suffixes(store, 3, "\xff\xff").empty());
  WriteSet del;
  del.entities.push_back({3, "emp-1d-a", std::nullopt});
  REQUIRE(store.Commit(del).ok());
  CHECK_FALSE(EntityAt(store, 3, "emp-1d-a"));
  CHECK(EntityAt(store, 3, "emp-1") == std::optional<std::string>("state-1"));

  // A counter written as 0 disappears.
  WriteSet w2;
  w2.counters.push_back({3, "c1", 0});
  w2.progress.push_back({3, 150, "meta-3b", {110, 28, 12}});
  REQUIRE(store.Commit(w2).ok());
  p3 = store.LoadPartition(3);
  REQUIRE(p3->counters.size() == 1);
  CHECK(p3->counters[0].first == "c2");
  CHECK(p3->next_offset == 150);
  CHECK(p3->outcomes == OutcomeTotals{110, 28, 12});

  std::vector<int32_t> seen;
  REQUIRE(store
              .ForEachPartition([&](int32_t p, const PartitionSnapshot& s) {
                seen.push_back(p);
                if (p == 3) {
                  CHECK(s.counters.size() == 1);
                  CHECK(s.next_offset == 150);
                  CHECK(s.meta == "meta-3b");
                  CHECK(s.outcomes == OutcomeTotals{110, 28, 12});
                } else {
                  CHECK(s.outcomes == OutcomeTotals{});  // entities only, no progress
                }
                return Status::OK();
              })
              .ok());
  CHECK(seen == std::vector<int32_t>{3, 4});

  // The callback's first error stops the walk and comes back unchanged.
  seen.clear();
  Status stopped = store.ForEachPartition([&](int32_t p, const PartitionSnapshot&) {
    seen.push_back(p);
    return Status::Corruption("stop at " + std::to_string(p));
  });
  CHECK(stopped.code() == Status::Code::kCorruption);
  CHECK(stopped.message() == "stop at 3");
  CHECK(seen == std::vector<int32_t>{3});

  // Every call checks the partition range, LoadPartition included.
  CHECK(store.LoadPartition(-1).status().code() == Status::Code::kInvalidArgument);
  CHECK(store.LoadPartition(70000).status().code() == Status::Code::kInvalidArgument);
  std::vector<std::optional<std::string>> none;
  CHECK(store.GetEntities(-1, {"k"}, &none).code() == Status::Code::kInvalidArgument);
  CHECK(
      store.ScanEntities(70000, "", [](std::string_view, std::string_view) { return Status::OK(); })
          .code() == Status::Code::kInvalidArgument);

  WriteSet bad;
  bad.progress.push_back({70000, 1, ""});
  CHECK(store.Commit(bad).code() == Status::Code::kInvalidArgument);
}

}  // namespace

TEST_CASE("in-memory state store contract") {
  auto store = NewMemoryStateStore();
  CheckContract(*store);
}

TEST_CASE("RocksDB state store contract and it persists across reopen") {
  testing::TempDir dir;
  {
    auto store = OpenRocksDbStateStore({dir / "db", kTestFormat});
    REQUIRE(store.ok());
    CheckContract(**store);
  }
  // A full offline compaction keeps everything.
  REQUIRE(CompactRocksDbState({dir / "db", kTestFormat}).ok());
  auto again = OpenRocksDbStateStore({dir / "db", kTestFormat});
  REQUIRE(again.ok());
  CHECK(EntityAt(**again, 3, "emp-1") == std::optional<std::string>("state-1"));
  auto p3 = (*again)->LoadPartition(3);
  REQUIRE(p3.ok());
  CHECK(p3->next_offset == 150);
  CHECK(p3->outcomes == OutcomeTotals{110, 28, 12});
  (*again).reset();
  RocksDbOptions ro{dir / "db", kTestFormat};
  ro.read_only = true;
  auto reader = OpenRocksDbStateStore(ro);
  REQUIRE(reader.ok());
  CHECK(EntityAt(**reader, 3, "emp-1") == std::optional<std::string>("state-1"));
}

TEST_CASE("opening a directory without Kinerja state read-only fails with a clear error") {
  testing::TempDir dir;
  RocksDbOptions ro{dir / "missing", kTestFormat};
  ro.read_only = true;
  auto st = OpenRocksDbStateStore(ro);
  REQUIRE_FALSE(st.ok());
  CHECK(st.status().message().find(dir / "missing") != std::string::npos);
}

TEST_CASE("compacting a directory without state fails naming it and creates nothing") {
  testing::TempDir dir;
  const std::string path = dir / "missing";
  Status st = CompactRocksDbState({path, kTestFormat});
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find(path) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path));
}
