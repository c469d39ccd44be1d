// The pipeline when resources run out or the operator stops it: a stop in the middle of a large
// batch, a store whose writes fail (a full disk, a read-only directory) or whose reads fail.
// Each time the durable state must stay exact, and a restart over it must end where a run that
// never failed ends.
#include <catch2/catch.hpp>

#include <functional>
#include <map>

#include "ingest/memory.h"
#include "pipeline/pipeline.h"
#include "recorders.h"
#include "simulator/simulator.h"
#include "state/codec.h"
#include "storage/forwarding_store.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::pipeline;

namespace {

// A Kafka timestamp in December 2026: the simulated year's dates are not in its future.
constexpr int64_t kTs = 1'798'697'600'000;
constexpr int32_t kPartitions = 3;

// A simulated stream, already split into partitions by key.
using Log = std::vector<std::vector<std::pair<std::string, std::string>>>;

const Log& Traffic() {
  static const Log log = [] {
    simulator::SimulatorOptions o;
    o.employees = 60;
    o.agencies = 4;
    o.days = 120;
    o.duplicate_rate = 0.02;
    Log l(kPartitions);
    simulator::Simulate(o, [&](std::string_view key, std::string_view json) {
      l[std::hash<std::string_view>{}(key) % kPartitions].emplace_back(key, json);
      return true;
    });
    return l;
  }();
  return log;
}

size_t TotalMessages() {
  size_t n = 0;
  for (const auto& p : Traffic()) n += p.size();
  return n;
}

void Fill(ingest::MemorySource& src) {
  for (int32_t p = 0; p < kPartitions; ++p) {
    for (const auto& [key, value] : Traffic()[static_cast<size_t>(p)]) {
      src.Append(p, {key, value, kTs});
    }
  }
}

std::map<std::string, int64_t> Counters(const Pipeline& pipe) {
  std::map<std::string, int64_t> out;
  for (const auto& [key, value] : pipe.Snapshot().counters) {
    out[state::EncodeKpiKey(key)] = value;
  }
  return out;
}

// Drains everything currently in the source.
void Drain(Pipeline& pipe) {
  bool idle = false;
  for (int i = 0; i < 10000 && !idle; ++i) REQUIRE(pipe.RunOnce(&idle).ok());
  REQUIRE(idle);
}

// The counters of a run over the whole stream that nothing disturbed.
const std::map<std::string, int64_t>& Reference() {
  static const std::map<std::string, int64_t> counters = [] {
    auto store = storage::NewMemoryStateStore();
    ingest::MemorySource src(kPartitions);
    Fill(src);
    ingest::MemoryDeadLetters dlq;
    NullProbe probe;
    Pipeline pipe({}, &src, &dlq, store.get(), &probe);
    Drain(pipe);
    return Counters(pipe);
  }();
  return counters;
}

// The sum of the partitions' committed offsets: the messages the durable state has passed.
int64_t DurableOffsets(storage::StateStore& store) {
  int64_t sum = 0;
  for (int32_t p = 0; p < kPartitions; ++p) {
    auto snap = store.LoadPartition(p);
    REQUIRE(snap.ok());
    sum += snap->next_offset.value_or(0);
  }
  return sum;
}

// A restart: a new pipeline over `store` and the whole stream; returns its counters.
std::map<std::string, int64_t> Restart(storage::StateStore* store, const std::string& topic = "") {
  ingest::MemorySource src(kPartitions);
  Fill(src);
  ingest::MemoryDeadLetters dlq;
  NullProbe probe;
  PipelineOptions options;
  options.topic = topic;
  Pipeline pipe(options, &src, &dlq, store, &probe);
  Drain(pipe);
  CHECK(DurableOffsets(*store) == static_cast<int64_t>(TotalMessages()));
  return Counters(pipe);
}

// The in-memory store, with hooks before reads and commits (a hook's error is returned instead
// of doing the call, as a failing disk would).
class Twin : public storage::ForwardingStateStore {
 public:
  explicit Twin(storage::StateStore* inner) : ForwardingStateStore(inner) {}
  std::function<Status()> before_read = [] { return Status::OK(); };
  std::function<Status()> before_commit = [] { return Status::OK(); };
  int reads = 0, commits = 0, failed_commits = 0;

  Status GetEntities(int32_t p, const std::vector<std::string>& keys,
                     std::vector<std::optional<std::string>>* values) override {
    ++reads;
    KINERJA_RETURN_IF_ERROR(before_read());
    return inner()->GetEntities(p, keys, values);
  }
  Status ScanEntities(
      int32_t p, std::string_view prefix,
      const std::function<Status(std::string_view, std::string_view)>& fn) override {
    KINERJA_RETURN_IF_ERROR(before_read());
    return inner()->ScanEntities(p, prefix, fn);
  }
  Status Commit(const storage::WriteSet& w) override {
    if (Status st = before_commit(); !st.ok()) {
      ++failed_commits;
      return st;
    }
    ++commits;
    return inner()->Commit(w);
  }
};

}  // namespace

TEST_CASE("a stop in the middle of a large batch commits what was applied, the rest comes after") {
  // One batch could hold the whole stream; the stop comes while its employees are being read
  // (the store twin raises the flag at the 40th read, as SIGTERM would at any moment).
  REQUIRE(TotalMessages() > 5000);
  auto durable = storage::NewMemoryStateStore();
  Twin store(durable.get());
  std::atomic<bool> stop{false};
  store.before_read = [&] {
    if (store.reads == 40) stop.store(true);
    return Status::OK();
  };
  ingest::MemorySource src(kPartitions);
  Fill(src);
  ingest::MemoryDeadLetters dlq;
  NullProbe probe;
  PipelineOptions options;
  options.max_batch_messages = 1'000'000;
  {
    Pipeline pipe(options, &src, &dlq, &store, &probe);
    REQUIRE(pipe.Run(stop).ok());
    // One commit, of part of the batch: the messages before the stop, and only those.
    CHECK(store.commits == 1);
    const int64_t committed = DurableOffsets(*durable);
    CHECK(committed > 0);
    CHECK(committed < static_cast<int64_t>(TotalMessages()));
    // The interrupted pipeline does nothing more, even if asked to.
    const Status again = pipe.RunOnce();
    CHECK_FALSE(again.ok());
    CHECK(again.message() == "the pipeline was stopped in the middle of a batch");
    CHECK(DurableOffsets(*durable) == committed);
  }
  CHECK(Restart(durable.get()) == Reference());
}

TEST_CASE("a disk that fills up stops the pipeline with its error - freed, a restart is exact") {
  // Commits fail from the 4th on while the disk is full, as RocksDB fails them (ENOSPC).
  auto durable = storage::NewMemoryStateStore();
  Twin store(durable.get());
  bool full = false;
  store.before_commit = [&] {
    if (store.commits == 3) full = true;
    if (full) {
      return Status::IOError(
          "state directory /var/lib/kinerja: commit: IO error: No space left on device");
    }
    return Status::OK();
  };
  ingest::MemorySource src(kPartitions);
  Fill(src);
  ingest::MemoryDeadLetters dlq;
  NullProbe probe;
  PipelineOptions options;
  options.max_batch_messages = 500;
  testing::LogCapture logs;  // warnings and errors (unit tests log no info lines)
  {
    Pipeline pipe(options, &src, &dlq, &store, &probe);
    std::atomic<bool> stop{false};
    const Status st = pipe.Run(stop);
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == Status::Code::kIOError);
    CHECK(st.message().find("No space left on device") != std::string::npos);
    // It stopped at the first failed commit: three batches durable, nothing after them.
    CHECK(store.commits == 3);
    CHECK(store.failed_commits == 1);
    CHECK(DurableOffsets(*durable) == 3 * 500);
    CHECK(logs.With("stopped processing until a restart").size() == 1);
  }
  // Space freed: the restart ends exactly where an undisturbed run ends.
  full = false;
  store.before_commit = [] { return Status::OK(); };
  CHECK(Restart(&store) == Reference());
}

TEST_CASE("a read that fails (an I/O error in the state) stops the pipeline, nothing is lost") {
  auto durable = storage::NewMemoryStateStore();
  Twin store(durable.get());
  store.before_read = [&] {
    return store.reads > 100 ? Status::IOError("state directory /x: read: IO error: EIO")
                             : Status::OK();
  };
  ingest::MemorySource src(kPartitions);
  Fill(src);
  ingest::MemoryDeadLetters dlq;
  NullProbe probe;
  PipelineOptions options;
  options.max_batch_messages = 200;
  {
    Pipeline pipe(options, &src, &dlq, &store, &probe);
    std::atomic<bool> stop{false};
    const Status st = pipe.Run(stop);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message() == "state directory /x: read: IO error: EIO");
    CHECK(DurableOffsets(*durable) < static_cast<int64_t>(TotalMessages()));
  }
  store.before_read = [] { return Status::OK(); };
  CHECK(Restart(&store) == Reference());
}

TEST_CASE("a state belongs to its topic and partition count - any other is refused, naming both") {
  auto durable = storage::NewMemoryStateStore();
  ingest::MemoryDeadLetters dlq;
  NullProbe probe;
  PipelineOptions options;
  options.topic = "events-a";
  options.max_batch_messages = 1000;
  {
    ingest::MemorySource src(kPartitions);
    Fill(src);
    Pipeline pipe(options, &src, &dlq, durable.get(), &probe);
    REQUIRE(pipe.RunOnce().ok());  // one batch: the first commit stores the identity
  }
  auto identity = durable->LoadIdentity();
  REQUIRE(identity.ok());
  CHECK(*identity == std::optional<storage::StateIdentity>({"events-a", kPartitions}));
  const int64_t committed = DurableOffsets(*durable);
  REQUIRE(committed == 1000);

  // Another topic, or the same topic with another partition count: refused when the partitions
  // are assigned, before any is taken on; nothing more is committed.
  struct Case {
    std::string topic;
    int32_t partitions;
    std::string why;
  };
  for (const Case& c : {Case{"events-b", kPartitions,
                             "the state holds the offsets of topic 'events-a' (3 partitions), not "
                             "of topic 'events-b'"},
                        Case{"events-a", kPartitions + 1,
                             "the state holds the offsets of topic 'events-a' (3 partitions), and "
                             "the topic now has 4 partitions"}}) {
    INFO(c.topic << " with " << c.partitions << " partitions");
    ingest::MemorySource src(c.partitions);
    Fill(src);
    PipelineOptions other = options;
    other.topic = c.topic;
    Pipeline pipe(other, &src, &dlq, durable.get(), &probe);
    const Status st = pipe.RunOnce();
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == Status::Code::kInvalidArgument);
    CHECK(st.message().find(c.why) != std::string::npos);
    CHECK(pipe.Snapshot().counters.size() == 0);
    CHECK(DurableOffsets(*durable) == committed);
  }
  // The same topic and count go on where the state is (the group is not part of the identity:
  // the offsets live in the state).
  CHECK(Restart(durable.get(), "events-a") == Reference());
}

TEST_CASE("a state from before identities takes one on at its next commit") {
  auto durable = storage::NewMemoryStateStore();
  storage::WriteSet old;
  old.progress.push_back({0, 0, ""});
  REQUIRE(durable->Commit(old).ok());
  auto none = durable->LoadIdentity();
  REQUIRE(none.ok());
  CHECK_FALSE(*none);
  ingest::MemorySource src(kPartitions);
  Fill(src);
  ingest::MemoryDeadLetters dlq;
  NullProbe probe;
  PipelineOptions options;
  options.topic = "events-a";
  Pipeline pipe(options, &src, &dlq, durable.get(), &probe);
  Drain(pipe);
  auto identity = durable->LoadIdentity();
  REQUIRE(identity.ok());
  CHECK(*identity == std::optional<storage::StateIdentity>({"events-a", kPartitions}));
}
