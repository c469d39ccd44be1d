// Which directories the RocksDB store accepts as a state, and how it refuses the others: a
// directory that holds something else, a RocksDB database that is not a Kinerja state or is of
// another state format, and damaged files. A refused directory is never reset and never
// changed: it is opened read-only (or not at all) until it has been accepted.
#include <catch2/catch.hpp>

#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "storage/state_store.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::storage;
namespace fs = std::filesystem;

namespace {

// The format the tests store under (Kinerja passes state::kFormatVersion).
constexpr const char* kTestFormat = "kinerja-test-1";

// Every file and directory under `root`: its size, modification time and content.
struct Entry {
  uintmax_t size = 0;
  fs::file_time_type mtime;
  std::string content;
  friend bool operator==(const Entry&, const Entry&) = default;
};
std::map<std::string, Entry> Snapshot(const std::string& root) {
  std::map<std::string, Entry> out;
  if (!fs::is_directory(root)) {
    out["."] = {fs::file_size(root), fs::last_write_time(root), testing::ReadFile(root)};
    return out;
  }
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    Entry entry;
    entry.mtime = fs::last_write_time(e.path());
    if (e.is_regular_file()) {
      entry.size = e.file_size();
      entry.content = testing::ReadFile(e.path().string());
    }
    out[fs::relative(e.path(), root).string()] = entry;
  }
  return out;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
}

// A state with a few committed batches, closed; `compact`: its data moved into SST files.
void MakeState(const std::string& path, bool compact) {
  {
    auto store = OpenRocksDbStateStore({path, kTestFormat});
    REQUIRE(store.ok());
    for (int64_t b = 0; b < 20; ++b) {
      WriteSet w;
      for (int i = 0; i < 50; ++i) {
        w.entities.push_back({1, "emp-" + std::to_string(b * 50 + i), std::string(200, 'x')});
      }
      w.counters.push_back({1, "employees", b + 1});
      w.progress.push_back({1, (b + 1) * 50, "meta"});
      REQUIRE((*store)->Commit(w).ok());
    }
  }
  if (compact) REQUIRE(CompactRocksDbState({path, kTestFormat}).ok());
}

std::vector<std::string> FilesEndingWith(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Opening `path` read-write and read-only both fail with `code`, a message naming the
// directory and containing `why`, and leave every file as it was.
void CheckRefused(const std::string& path, Status::Code code, const std::string& why) {
  const auto before = Snapshot(path);
  for (bool read_only : {false, true}) {
    INFO((read_only ? "read-only" : "read-write") << " open of " << path);
    RocksDbOptions o{path, kTestFormat};
    o.read_only = read_only;
    auto store = OpenRocksDbStateStore(o);
    REQUIRE_FALSE(store.ok());
    INFO(store.status().ToString());
    CHECK(store.status().code() == code);
    CHECK(store.status().message().find("state directory " + path) != std::string::npos);
    CHECK(store.status().message().find(why) != std::string::npos);
  }
  CHECK(Snapshot(path) == before);
}

}  // namespace

TEST_CASE("a new path, an empty directory or a file system's root become a state") {
  testing::TempDir dir;
  fs::create_directories(dir / "empty");
  fs::create_directories(dir / "volume/lost+found");
  for (const char* name : {"new", "empty", "volume"}) {
    INFO(name);
    const std::string path = dir / name;
    {
      auto store = OpenRocksDbStateStore({path, kTestFormat});
      REQUIRE(store.ok());
      WriteSet w;
      w.progress.push_back({0, 7, "m"});
      REQUIRE((*store)->Commit(w).ok());
    }
    RocksDbOptions ro{path, kTestFormat};
    ro.read_only = true;
    auto reader = OpenRocksDbStateStore(ro);
    REQUIRE(reader.ok());
    auto p0 = (*reader)->LoadPartition(0);
    REQUIRE(p0.ok());
    CHECK(p0->next_offset == std::optional<int64_t>(7));
  }
  CHECK(fs::is_directory(dir / "volume/lost+found"));
}

TEST_CASE("reading a missing or empty directory's KPIs fails naming it and creates nothing") {
  testing::TempDir dir;
  fs::create_directories(dir / "empty");
  for (const char* name : {"missing", "empty"}) {
    const std::string path = dir / name;
    RocksDbOptions ro{path, kTestFormat};
    ro.read_only = true;
    auto store = OpenRocksDbStateStore(ro);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Status::Code::kNotFound);
    CHECK(store.status().message() ==
          "state directory " + path + " holds no Kinerja state (it " +
              (std::string(name) == "missing" ? "does not exist" : "is empty") + ")");
  }
  CHECK_FALSE(fs::exists(dir / "missing"));
  CHECK(fs::is_empty(dir / "empty"));
}

TEST_CASE("a directory that holds other files is refused, not turned into a state") {
  testing::TempDir dir;
  const std::string path = dir / "home";
  fs::create_directories(path + "/docs");
  WriteBytes(path + "/notes.txt", "not a database");
  CheckRefused(path, Status::Code::kInvalidArgument,
               "is not empty and holds no Kinerja state (no RocksDB database; it holds 'docs', "
               "'notes.txt')");
  WriteBytes(dir / "file", "a file");
  CheckRefused(dir / "file", Status::Code::kInvalidArgument, "is not a directory");
}

TEST_CASE("a RocksDB database that is not a Kinerja state, or of another format, is refused") {
  testing::TempDir dir;
  auto raw_put = [](const std::string& path, const std::string& key, const std::string& value) {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(options, path, &db).ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), key, value).ok());
    REQUIRE(db->Close().ok());
    delete db;
  };
  raw_put(dir / "foreign", "user:42", "someone else's data");
  CheckRefused(dir / "foreign", Status::Code::kInvalidArgument,
               "is a RocksDB database but not a Kinerja state (no state format marker)");

  // A state of an older layout: the format marker (storage/src/keys.h) says so.
  MakeState(dir / "old", false);
  raw_put(dir / "old", std::string("\xff\xff", 2) + "format", "kinerja-state-0");
  CheckRefused(dir / "old", Status::Code::kInvalidArgument,
               "has state format 'kinerja-state-0', this build reads 'kinerja-test-1'");
}

TEST_CASE("opening a state without naming its format is refused, and creates nothing") {
  testing::TempDir dir;
  auto store = OpenRocksDbStateStore({dir / "state", ""});
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Status::Code::kInvalidArgument);
  CHECK(store.status().message().find("RocksDbOptions.format") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "state"));
}

TEST_CASE("an empty RocksDB database (a first start stopped before the marker) is taken on") {
  testing::TempDir dir;
  const std::string path = dir / "state";
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(options, path, &db).ok());
    REQUIRE(db->Close().ok());
    delete db;
  }
  RocksDbOptions ro{path, kTestFormat};
  ro.read_only = true;
  auto reader = OpenRocksDbStateStore(ro);
  REQUIRE_FALSE(reader.ok());
  CHECK(reader.status().message().find("holds no Kinerja state (an empty RocksDB database)") !=
        std::string::npos);
  auto store = OpenRocksDbStateStore({path, kTestFormat});
  REQUIRE(store.ok());
  store->reset();
  CHECK(OpenRocksDbStateStore(ro).ok());  // now marked as a state
}

TEST_CASE("damaged state files are refused at open, naming the directory, and left as found") {
  testing::TempDir dir;
  auto fresh = [&](const std::string& name, bool compact) {
    const std::string path = dir / name;
    MakeState(path, compact);
    return path;
  };
  const std::string damaged = "is damaged (";

  SECTION("CURRENT garbled") {
    const std::string path = fresh("current", false);
    WriteBytes(path + "/CURRENT", "\x01\x02garbage\n");
    CheckRefused(path, Status::Code::kCorruption, damaged);
  }
  SECTION("CURRENT names a MANIFEST that is not there") {
    const std::string path = fresh("current-missing", false);
    WriteBytes(path + "/CURRENT", "MANIFEST-999999\n");
    CheckRefused(path, Status::Code::kCorruption, damaged);
  }
  SECTION("CURRENT deleted") {
    const std::string path = fresh("no-current", false);
    fs::remove(path + "/CURRENT");
    CheckRefused(path, Status::Code::kCorruption,
                 "is damaged: it has a RocksDB MANIFEST but no CURRENT file");
  }
  SECTION("MANIFEST truncated") {
    const std::string path = fresh("manifest", true);
    std::string manifest;
    for (const auto& f : FilesEndingWith(path, "")) {
      if (fs::path(f).filename().string().rfind("MANIFEST-", 0) == 0) manifest = f;
    }
    REQUIRE_FALSE(manifest.empty());
    const std::string bytes = testing::ReadFile(manifest);
    REQUIRE(bytes.size() > 40);
    WriteBytes(manifest, bytes.substr(0, 30));
    CheckRefused(path, Status::Code::kCorruption, damaged);
  }
  SECTION("an SST file truncated") {
    const std::string path = fresh("sst-truncated", true);
    const auto ssts = FilesEndingWith(path, ".sst");
    REQUIRE_FALSE(ssts.empty());
    const std::string bytes = testing::ReadFile(ssts[0]);
    WriteBytes(ssts[0], bytes.substr(0, bytes.size() / 2));
    CheckRefused(path, Status::Code::kCorruption, damaged);
  }
  SECTION("an SST file's footer garbled") {
    const std::string path = fresh("sst-footer", true);
    const auto ssts = FilesEndingWith(path, ".sst");
    REQUIRE_FALSE(ssts.empty());
    std::string bytes = testing::ReadFile(ssts[0]);
    for (size_t i = bytes.size() - 48; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0x5a);
    WriteBytes(ssts[0], bytes);
    CheckRefused(path, Status::Code::kCorruption, damaged);
  }
}

TEST_CASE("damage inside an SST data block is found when the block is read, naming the dir") {
  // Opening does not read every data block (that would read the whole state at every start);
  // each block's checksum is verified when it is read, so the damage stops the reader instead
  // of being misread.
  testing::TempDir dir;
  const std::string path = dir / "state";
  MakeState(path, true);
  const auto ssts = FilesEndingWith(path, ".sst");
  REQUIRE(ssts.size() == 1);
  std::string bytes = testing::ReadFile(ssts[0]);
  for (size_t i = 100; i < 400; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  WriteBytes(ssts[0], bytes);
  RocksDbOptions ro{path, kTestFormat};
  ro.read_only = true;
  auto store = OpenRocksDbStateStore(ro);
  REQUIRE(store.ok());
  std::vector<std::optional<std::string>> values;
  const Status st = (*store)->GetEntities(1, {"emp-0", "emp-1"}, &values);
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == Status::Code::kCorruption);
  CHECK(st.message().find("state directory " + path + ": read: Corruption") != std::string::npos);
}

TEST_CASE("a state directory in use by another process is refused naming it") {
  testing::TempDir dir;
  const std::string path = dir / "state";
  auto first = OpenRocksDbStateStore({path, kTestFormat});
  REQUIRE(first.ok());
  auto second = OpenRocksDbStateStore({path, kTestFormat});
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Status::Code::kIOError);
  CHECK(second.status().message().find("state directory " + path +
                                       " is in use by another process") != std::string::npos);
}

TEST_CASE("the state's identity is stored with a commit and read back after a reopen") {
  testing::TempDir dir;
  const std::string path = dir / "state";
  {
    auto store = OpenRocksDbStateStore({path, kTestFormat});
    REQUIRE(store.ok());
    auto none = (*store)->LoadIdentity();
    REQUIRE(none.ok());
    CHECK_FALSE(*none);
    WriteSet w;
    w.progress.push_back({0, 5, "m"});
    w.identity = StateIdentity{"kinerja.events.v1", 64};
    REQUIRE((*store)->Commit(w).ok());
  }
  RocksDbOptions ro{path, kTestFormat};
  ro.read_only = true;
  auto store = OpenRocksDbStateStore(ro);
  REQUIRE(store.ok());
  auto identity = (*store)->LoadIdentity();
  REQUIRE(identity.ok());
  CHECK(*identity == std::optional<StateIdentity>({"kinerja.events.v1", 64}));
  // Not a partition: offline reads list only partition 0.
  std::vector<int32_t> partitions;
  REQUIRE((*store)
              ->ForEachPartition([&](int32_t p, const PartitionSnapshot&) {
                partitions.push_back(p);
                return Status::OK();
              })
              .ok());
  CHECK(partitions == std::vector<int32_t>{0});

  CHECK(CheckIdentity(**identity, {"kinerja.events.v1", 64}).ok());
  CHECK(CheckIdentity(**identity, {"kinerja.events.v1", 0}).ok());  // count not known yet
  const Status topic = CheckIdentity(**identity, {"other.topic", 64});
  CHECK(topic.code() == Status::Code::kInvalidArgument);
  CHECK(topic.message().find("the state holds the offsets of topic 'kinerja.events.v1' (64 "
                             "partitions), not of topic 'other.topic'") == 0);
  const Status count = CheckIdentity(**identity, {"kinerja.events.v1", 96});
  CHECK(count.code() == Status::Code::kInvalidArgument);
  CHECK(count.message().find("and the topic now has 96 partitions") != std::string::npos);
}
