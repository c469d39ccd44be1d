// Resources and operations, with the kinerja binary on the real broker of this ctest run:
// SIGTERM in the middle of a large backlog, a full disk and a read-only file system under the
// state directory, state directories that are not Kinerja states or are damaged, and a state
// directory of another topic or partition count. The full and read-only disks are small tmpfs
// mounts made by the test: it runs as root, as ops/test.sh does (ops/setup.sh needs root too).
#include <catch2/catch.hpp>

#include <librdkafka/rdkafka.h>
#include <rocksdb/db.h>
#include <sys/mount.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "kinerja_cli.h"
#include "support.h"

using namespace kinerja::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// `kinerja simulate` into the test's topic: `events` events of `employees` employees.
void Simulate(const TestTopics& t, int employees, int events, int seed = 42) {
  std::string out;
  const int rc =
      RunCommand({KinerjaBinary(), "simulate", "--brokers", t.brokers, "--topic", t.events,
                  "--employees", std::to_string(employees), "--agencies", "4", "--days", "365",
                  "--max-events", std::to_string(events), "--seed", std::to_string(seed)},
                 &out);
  INFO(out);
  REQUIRE(rc == 0);
}

std::vector<std::string> WithArgs(std::vector<std::string> args,
                                  const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// A tmpfs mounted at `path` for the life of the object (unmounted, lazily if it is busy).
class Tmpfs {
 public:
  Tmpfs(const std::string& path, const std::string& size) : path_(path) {
    fs::create_directories(path);
    const std::string options = "size=" + size + ",mode=0755";
    if (::mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      throw std::runtime_error("mounting a tmpfs at " + path + " failed (" + std::strerror(errno) +
                               "): this test needs root (CAP_SYS_ADMIN), as ops/test.sh has");
    }
  }
  ~Tmpfs() {
    if (::umount2(path_.c_str(), 0) != 0) ::umount2(path_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  // Remounts it read-only or read-write again (its files stay).
  void SetReadOnly(bool read_only) {
    const unsigned long flags =
        MS_REMOUNT | (read_only ? static_cast<unsigned long>(MS_RDONLY) : 0UL);
    const int rc = ::mount("tmpfs", path_.c_str(), "tmpfs", flags, nullptr);
    INFO("remount " << path_ << ": " << std::strerror(errno));
    REQUIRE(rc == 0);
  }

 private:
  std::string path_;
};

// Every file under `root`: size, modification time and content; refusing a directory must leave
// all of them as they were.
using Tree = std::map<std::string, std::tuple<uintmax_t, fs::file_time_type, std::string>>;
Tree Snapshot(const std::string& root) {
  Tree out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const bool file = e.is_regular_file();
    out[fs::relative(e.path(), root).string()] = {file ? e.file_size() : 0,
                                                  fs::last_write_time(e.path()),
                                                  file ? ReadFile(e.path().string()) : ""};
  }
  return out;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
  REQUIRE(f.good());
}

std::string FileEndingWith(const std::string& dir, const std::string& suffix) {
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() > suffix.size() && name.ends_with(suffix)) return e.path().string();
  }
  return "";
}

// Grows `topic` to `partitions` partitions (Kafka's CreatePartitions; keys then map elsewhere).
void AddPartitions(const std::string& brokers, const std::string& topic, int partitions) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  REQUIRE(rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err) ==
          RD_KAFKA_CONF_OK);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  REQUIRE(rk != nullptr);
  rd_kafka_NewPartitions_t* np =
      rd_kafka_NewPartitions_new(topic.c_str(), static_cast<size_t>(partitions), err, sizeof err);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreatePartitions(rk, &np, 1, nullptr, queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 30000);
  REQUIRE(ev != nullptr);
  const rd_kafka_CreatePartitions_result_t* result = rd_kafka_event_CreatePartitions_result(ev);
  REQUIRE(result != nullptr);
  size_t n = 0;
  const rd_kafka_topic_result_t** topics = rd_kafka_CreatePartitions_result_topics(result, &n);
  REQUIRE(n == 1);
  const rd_kafka_resp_err_t code = rd_kafka_topic_result_error(topics[0]);
  INFO(rd_kafka_err2str(code));
  CHECK(code == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewPartitions_destroy(np);
  rd_kafka_destroy(rk);
}

}  // namespace

TEST_CASE("SIGTERM in the middle of a large backlog: exit 0 within 10 s, then nothing lost") {
  // 300k events on 8 partitions: seconds of work however fast the machine; with
  // --batch-size 1000000 a batch is everything the consumer's queue holds (up to 163,840
  // messages with the default memory budget).
  TestTopics t = CreateTopicsForTest("sigterm", 8);
  Simulate(t, 2000, 300000);
  TempDir dir;
  REQUIRE(ReplayToEnd(t, dir / "reference", "g-ref") == 0);
  const json reference = ReadKpis(dir / "reference");
  REQUIRE(reference["kpis"].size() > 50);

  for (const std::string batch : {"1000000", "50000"}) {
    INFO("--batch-size " << batch);
    const std::string state = dir / ("state-" + batch);
    const std::string log = dir / ("run-" + batch + ".log");
    Process run(WithArgs(RunArgs(t, state, "g-term-" + batch), {"--batch-size", batch}), log);
    int port = 0;
    REQUIRE(WaitFor([&] { return (port = AnnouncedMetricsPort(ReadFile(log))) > 0; },
                    std::chrono::seconds(30)));
    // After the first committed batch: the next one is being assembled and applied.
    REQUIRE(WaitFor(
        [&] {
          auto body = HttpGet(port, "/metrics");
          return body && SumSamples(*body, "kinerja_events_total{") > 0;
        },
        std::chrono::seconds(60)));
    const auto asked = std::chrono::steady_clock::now();
    run.Signal(SIGTERM);
    const auto code = run.Wait(std::chrono::seconds(60));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count();
    const std::string out = ReadFile(log);
    INFO(out);
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(seconds < 10.0);  // the bound README.md documents
    CHECK(out.find("stopped cleanly") != std::string::npos);
    WARN("--batch-size " << batch << ": SIGTERM to exit " << seconds << " s"
                         << (out.find("stopping in the middle of a batch") != std::string::npos
                                 ? " (in the middle of a batch)"
                                 : ""));
    // What it applied is committed, and the rest comes exactly once after a restart.
    REQUIRE(ReplayToEnd(t, state, "g-resume-" + batch) == 0);
    CHECK(ReadKpis(state) == reference);
  }
}

TEST_CASE(
    "a full disk: run exits 1 naming the state dir and the cause - freed, a restart is exact") {
  TestTopics t = CreateTopicsForTest("full", 4);
  Simulate(t, 40, 20000);
  TempDir dir;
  REQUIRE(ReplayToEnd(t, dir / "reference", "g-ref") == 0);
  const json reference = ReadKpis(dir / "reference");

  // 16 MiB, all but about 1 MiB taken by a filler file; the run writes ~1.7 MB of state log
  // with batches of 200 messages.
  Tmpfs disk(dir / "disk", "16m");
  WriteBytes(dir / "disk/filler", std::string(15 << 20, 'f'));
  const std::string state = dir / "disk/state";
  std::string out;
  const int rc = RunCommand(
      WithArgs(RunArgs(t, state, "g-full"), {"--stop-at-end", "--batch-size", "200"}), &out);
  INFO(out);
  CHECK(rc == 1);
  CHECK(out.find("level=error component=run msg=\"I/O error: state directory " + state +
                 ": commit: IO error: No space left on device") != std::string::npos);
  CHECK(out.find("stopped cleanly") == std::string::npos);
  // What was committed before the disk filled is there, and readable.
  const json partial = ReadKpis(state);
  CHECK_FALSE(partial["kpis"].empty());
  CHECK(partial != reference);

  // Space freed: the restart (another group: the offsets are in the state) ends exactly where
  // a run on an ample disk ends.
  fs::remove(dir / "disk/filler");
  REQUIRE(ReplayToEnd(t, state, "g-full-2", &out) == 0);
  CHECK(ReadKpis(state) == reference);
}

TEST_CASE("a read-only state dir: run exits 1 naming it, kpis still reads it - writable, exact") {
  TestTopics t = CreateTopicsForTest("readonly", 4);
  Simulate(t, 40, 5000, 1);
  TempDir dir;
  Tmpfs disk(dir / "disk", "64m");
  const std::string state = dir / "disk/state";
  REQUIRE(ReplayToEnd(t, state, "g-ro-1") == 0);
  const json before = ReadKpis(state);
  Simulate(t, 40, 5000, 2);  // more events arrive meanwhile
  REQUIRE(ReplayToEnd(t, dir / "reference", "g-ref") == 0);
  const json reference = ReadKpis(dir / "reference");
  REQUIRE(reference != before);

  disk.SetReadOnly(true);
  const Tree tree = Snapshot(state);
  std::string out;
  const int rc = RunCommand(WithArgs(RunArgs(t, state, "g-ro-2"), {"--stop-at-end"}), &out);
  INFO(out);
  CHECK(rc == 1);
  CHECK(out.find("I/O error: state directory " + state + ": cannot open it (") !=
        std::string::npos);
  CHECK(out.find("Read-only file system") != std::string::npos);
  CHECK(Snapshot(state) == tree);
  CHECK(ReadKpis(state) == before);  // offline reads need no write

  disk.SetReadOnly(false);
  REQUIRE(ReplayToEnd(t, state, "g-ro-3") == 0);
  CHECK(ReadKpis(state) == reference);
}

TEST_CASE("run and kpis refuse a foreign, other-format or damaged state dir and leave it alone") {
  TestTopics t = CreateTopicsForTest("refused", 2);
  Simulate(t, 20, 2000);
  TempDir dir;
  // A state with SST files: replayed, then opened again (which flushes the recovered log).
  const std::string good = dir / "good";
  REQUIRE(ReplayToEnd(t, good, "g-good") == 0);
  REQUIRE(ReplayToEnd(t, good, "g-good-2") == 0);
  REQUIRE_FALSE(FileEndingWith(good, ".sst").empty());

  auto copy = [&](const std::string& name) {
    const std::string path = dir / name;
    fs::copy(good, path, fs::copy_options::recursive);
    return path;
  };
  struct Case {
    std::string path;
    int exit_code;
    std::string why;
  };
  std::vector<Case> cases;
  {
    const std::string home = dir / "home";
    fs::create_directories(home + "/photos");
    WriteBytes(home + "/notes.txt", "not a database");
    cases.push_back({home, 2, "is not empty and holds no Kinerja state (no RocksDB database"});
  }
  {
    const std::string old = copy("old-format");
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), old, &db).ok());
    REQUIRE(
        db->Put(rocksdb::WriteOptions(), std::string("\xff\xff", 2) + "format", "kinerja-state-0")
            .ok());
    REQUIRE(db->Close().ok());
    delete db;
    cases.push_back({old, 2, "has state format 'kinerja-state-0', this build reads"});
  }
  {
    const std::string current = copy("current-garbled");
    WriteBytes(current + "/CURRENT", "garbage\n");
    cases.push_back({current, 1, "is damaged ("});
  }
  {
    const std::string sst = copy("sst-truncated");
    const std::string file = FileEndingWith(sst, ".sst");
    const std::string bytes = ReadFile(file);
    WriteBytes(file, bytes.substr(0, bytes.size() / 3));
    cases.push_back({sst, 1, "is damaged ("});
  }
  for (const Case& c : cases) {
    INFO(c.path);
    const Tree tree = Snapshot(c.path);
    std::string out;
    CHECK(RunCommand(WithArgs(RunArgs(t, c.path, "g-refused"), {"--stop-at-end"}), &out) ==
          c.exit_code);
    CHECK(out.find("state directory " + c.path) != std::string::npos);
    CHECK(out.find(c.why) != std::string::npos);
    CHECK(out.find("consuming") == std::string::npos);  // refused before it consumed anything
    CHECK(RunCommand({KinerjaBinary(), "kpis", "--state-dir", c.path}, &out) == c.exit_code);
    CHECK(out.find("kinerja kpis: ") != std::string::npos);
    CHECK(out.find("state directory " + c.path) != std::string::npos);
    CHECK(out.find(c.why) != std::string::npos);
    CHECK(Snapshot(c.path) == tree);
  }
}

TEST_CASE("a state dir of another topic or partition count is refused naming both - any group") {
  TestTopics a = CreateTopicsForTest("ident-a", 2);
  TestTopics b = CreateTopicsForTest("ident-b", 2);
  Simulate(a, 20, 2000);
  TempDir dir;
  const std::string state = dir / "state";
  REQUIRE(ReplayToEnd(a, state, "g-a") == 0);
  const json kpis = ReadKpis(state);

  std::string out;
  CHECK(ReplayToEnd(b, state, "g-a", &out) == 2);
  CHECK(out.find("state directory " + state + ": the state holds the offsets of topic '" +
                 a.events + "' (2 partitions), not of topic '" + b.events + "'") !=
        std::string::npos);
  CHECK(ReadKpis(state) == kpis);

  // The group is not part of the state's identity: another one resumes it.
  CHECK(ReplayToEnd(a, state, "g-other", &out) == 0);
  CHECK(ReadKpis(state) == kpis);

  // Partitions added to the topic: employees' keys now map to other partitions.
  AddPartitions(a.brokers, a.events, 3);
  CHECK(ReplayToEnd(a, state, "g-a", &out) == 2);
  INFO(out);
  CHECK(out.find("the state holds the offsets of topic '" + a.events +
                 "' (2 partitions), and the topic now has 3 partitions") != std::string::npos);
  CHECK(ReadKpis(state) == kpis);
}

TEST_CASE("after a SIGKILL the restarted instance consumes again at once - static membership") {
  // Without a group.instance.id the restarted member would wait for the killed one's session
  // to time out (45 s) before the group gives it partitions again.
  TestTopics t = CreateTopicsForTest("static", 8);
  Simulate(t, 1000, 100000);
  TempDir dir;
  REQUIRE(ReplayToEnd(t, dir / "reference", "g-ref") == 0);
  const json reference = ReadKpis(dir / "reference");

  const std::string state = dir / "state";
  {
    Process run(RunArgs(t, state, "g-static"), dir / "first.log");
    REQUIRE(WaitFor(
        [&] {
          return ReadFile(dir / "first.log").find("first batch committed") != std::string::npos;
        },
        std::chrono::seconds(60)));
    run.Signal(SIGKILL);
    REQUIRE(run.Wait(std::chrono::seconds(10)).has_value());
  }
  const std::string first = ReadFile(dir / "first.log");
  INFO(first);
  CHECK(first.find("(static member kinerja-") != std::string::npos);

  const auto restarted = std::chrono::steady_clock::now();
  Process again(RunArgs(t, state, "g-static"), dir / "again.log");
  REQUIRE(WaitFor(
      [&] {
        return ReadFile(dir / "again.log").find("first batch committed") != std::string::npos;
      },
      std::chrono::seconds(60)));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - restarted).count();
  INFO(ReadFile(dir / "again.log"));
  CHECK(seconds < 10.0);  // the bound README.md documents; far below the 45 s session timeout
  WARN("restart after SIGKILL to the first batch committed: " << seconds << " s");
  again.Signal(SIGTERM);
  const auto code = again.Wait(std::chrono::seconds(60));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  // The rest, replayed under another group (the offsets are in the state; in "g-static" the
  // stopped static member holds its partitions until its session times out): exact.
  REQUIRE(ReplayToEnd(t, state, "g-static-rest") == 0);
  CHECK(ReadKpis(state) == reference);
}
