// A machine crash (power cut, kernel panic) loses what the operating system had not yet written
// of the RocksDB write-ahead log: commits are not fsynced one by one. Modelled here by cutting
// the WAL of a closed store at every point: whatever survives must be a whole prefix of the
// commits, state and offsets of every partition from the same commit, so that the restart
// replays from those offsets and the result is exact again.
#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/state_store.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::storage;
namespace fs = std::filesystem;

namespace {

// The format the tests store under (Kinerja passes state::kFormatVersion).
constexpr const char* kTestFormat = "kinerja-test-1";

constexpr int kCommits = 60;

// Commit k (0-based): partitions 0 and 1 both move to offset k + 1; partition 0's counter is
// k + 1 and its entity "employee" holds "state-k"; partition 1 gets an entity per commit.
WriteSet CommitNumber(int k) {
  WriteSet w;
  w.entities.push_back({0, "employee", "state-" + std::to_string(k)});
  w.entities.push_back({1, "employee-" + std::to_string(k), std::string(200, 'x')});
  w.counters.push_back({0, "kpi", k + 1});
  w.progress.push_back({0, k + 1, "meta"});
  w.progress.push_back({1, k + 1, "meta"});
  return w;
}

// The WAL files of a closed RocksDB directory (NNNNNN.log; "LOG" is RocksDB's info log).
std::vector<fs::path> WalFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log") out.push_back(e.path());
  }
  return out;
}

// How many commits the store holds, after checking they are one consistent prefix.
int SurvivingCommits(StateStore& store) {
  auto p0 = store.LoadPartition(0);
  auto p1 = store.LoadPartition(1);
  REQUIRE(p0.ok());
  REQUIRE(p1.ok());
  const int k = static_cast<int>(p0->next_offset.value_or(0));
  CHECK(p1->next_offset.value_or(0) == k);  // both partitions from the same commit
  if (k == 0) {
    CHECK(p0->counters.empty());
    return 0;
  }
  REQUIRE(p0->counters.size() == 1);
  CHECK(p0->counters[0].second == k);
  std::vector<std::optional<std::string>> got;
  REQUIRE(store.GetEntities(0, {"employee"}, &got).ok());
  CHECK(got[0] == "state-" + std::to_string(k - 1));
  int entities = 0;
  REQUIRE(store
              .ScanEntities(1, "employee-",
                            [&](std::string_view, std::string_view) {
                              ++entities;
                              return Status::OK();
                            })
              .ok());
  CHECK(entities == k);  // no entity of a commit that did not survive, none missing
  return k;
}

}  // namespace

TEST_CASE("a WAL cut anywhere, as a machine crash cuts it, leaves a whole prefix of the commits") {
  testing::TempDir dir;
  const fs::path original = dir / "state";
  {
    auto store = OpenRocksDbStateStore({original.string(), kTestFormat});
    REQUIRE(store.ok());
    for (int k = 0; k < kCommits; ++k) REQUIRE((*store)->Commit(CommitNumber(k)).ok());
  }
  const auto wals = WalFiles(original);
  REQUIRE(wals.size() == 1);  // everything is still in the log, nothing in table files
  const auto wal_size = fs::file_size(wals[0]);
  REQUIRE(wal_size > kCommits * 200);

  int previous = -1;
  int distinct = 0;
  for (uintmax_t cut = 0; cut <= wal_size; cut += std::max<uintmax_t>(1, wal_size / 97)) {
    INFO("WAL cut at byte " << cut << " of " << wal_size);
    const fs::path copy = dir / ("cut-" + std::to_string(cut));
    fs::copy(original, copy);
    fs::resize_file(copy / wals[0].filename(), cut);
    auto store = OpenRocksDbStateStore({copy.string(), kTestFormat});
    REQUIRE(store.ok());
    const int k = SurvivingCommits(**store);
    CHECK(k >= previous);  // a longer log never holds fewer commits
    if (k != previous) ++distinct;
    previous = k;
    store->reset();
    fs::remove_all(copy);
  }
  CHECK(distinct > 20);  // the cuts really landed between and inside many commits
  auto whole = OpenRocksDbStateStore({original.string(), kTestFormat});
  REQUIRE(whole.ok());
  CHECK(SurvivingCommits(**whole) == kCommits);
}
