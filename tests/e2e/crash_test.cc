// End to end, crash anywhere: `kinerja run` SIGKILLed in every phase of its loop, its broker
// SIGKILLed mid-run, its dead-letter topic deleted mid-run. After each, restarts must end with
// the KPIs of a clean run of the same binary over the same topic (the reference), and the
// durable outcome totals (`kinerja kpis --progress`) must count every message of the topic
// exactly once: applied + duplicate + dead-lettered == next offset == the topic's end offset,
// partition by partition.
//
// Kills are placed with the test-only phase file (KINERJA_TEST_PHASE_FILE, app/README.md): the
// test polls the record until it shows the wanted phase, then sends SIGKILL; once the process
// is gone it reads the record again, and that, the phase the process died in, is what is
// counted (the page cache outlives the process).
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <set>

#include "ingest/kafka.h"
#include "kinerja_cli.h"
#include "simulator/simulator.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int64_t Sum(const std::vector<int64_t>& v) {
  int64_t n = 0;
  for (int64_t x : v) n += x;
  return n;
}

// A simulated event made invalid, for the dead-letter topic: its type is unknown.
constexpr std::string_view kRejectMarker = "\"type\":\"kinerja.crash-test.";

struct Published {
  uint64_t sent = 0, rejects = 0;
  std::map<std::string, uint64_t> types;  // simulated events by type
};

// Produces the simulation's events number [from, to) to `topic`, keyed by employee; after
// every `reject_every`-th of them (0: never) also a copy with an unknown type (same key, so
// same partition).
Published PublishSimulated(const std::string& brokers, const std::string& topic,
                           const simulator::SimulatorOptions& options, uint64_t from = 0,
                           uint64_t to = UINT64_MAX, uint64_t reject_every = 0) {
  auto producer = ingest::KafkaProducer::Create({brokers, "crash-test", {}});
  REQUIRE(producer.ok());
  Published p;
  uint64_t index = 0;
  Status error;
  simulator::Simulate(options, [&](std::string_view key, std::string_view json) {
    const uint64_t i = index++;
    if (i < from) return true;
    if (i >= to) return false;
    const auto type = json.find("\"type\":\"");
    if (type != std::string_view::npos) {
      const auto begin = type + 8;
      p.types[std::string(json.substr(begin, json.find('"', begin) - begin))]++;
    }
    error = (*producer)->Send(topic, key, json);
    p.sent += error.ok();
    if (error.ok() && reject_every > 0 && (i + 1) % reject_every == 0 &&
        type != std::string_view::npos) {
      std::string bad(json);
      bad.replace(type, 8 + std::string_view("kinerja.").size(), kRejectMarker);
      error = (*producer)->Send(topic, key, bad);
      p.sent += error.ok();
      p.rejects += error.ok();
    }
    return error.ok();
  });
  REQUIRE(error.ok());
  REQUIRE((*producer)->Flush(std::chrono::minutes(2)).ok());
  REQUIRE((*producer)->failed() == 0);
  return p;
}

// Creates `dlq` beside the existing events topic of `t` (create-topics leaves that one as is).
void CreateDeadLetterTopic(const TestTopics& t, const std::string& dlq) {
  std::string out;
  const int rc = RunCommand({KinerjaBinary(), "create-topics", "--brokers", t.brokers, "--topic",
                             t.events, "--dlq-topic", dlq},
                            &out);
  INFO(out);
  REQUIRE(rc == 0);
  REQUIRE(WaitFor([&] { return TopicExists(t.brokers, dlq); }, seconds(30)));
}

using Position = std::pair<int32_t, int64_t>;  // (partition, offset) of an events message

// Where the dead letters of `dlq` come from (their kinerja.source.* headers), with repeats.
std::multiset<Position> DeadLetterSources(const std::string& brokers, const std::string& dlq) {
  std::multiset<Position> out;
  for (const auto& m : ReadTopic(brokers, dlq)) {
    out.insert({std::stoi(m.headers.at("kinerja.source.partition")),
                std::stoll(m.headers.at("kinerja.source.offset"))});
  }
  return out;
}

// Checks that the durable outcome totals of `doc` (kpis --progress) count every message of a
// fresh topic with end offsets `ends` exactly once.
void CheckEveryMessageCountedOnce(const json& doc, const std::vector<int64_t>& ends) {
  std::map<int64_t, json> parts;
  for (const auto& p : doc.at("partitions")) parts[p.at("partition").get<int64_t>()] = p;
  int64_t counted = 0;
  for (size_t p = 0; p < ends.size(); ++p) {
    INFO("partition " << p);
    if (ends[p] == 0) {
      CHECK(parts.count(static_cast<int64_t>(p)) == 0);
      continue;
    }
    REQUIRE(parts.count(static_cast<int64_t>(p)) == 1);
    const json& e = parts[static_cast<int64_t>(p)];
    const int64_t sum = e.at("applied").get<int64_t>() + e.at("duplicate").get<int64_t>() +
                        e.at("dead_lettered").get<int64_t>();
    CHECK(e.at("next_offset").get<int64_t>() == ends[p]);
    CHECK(sum == ends[p]);
    counted += sum;
  }
  CHECK(parts.size() <= ends.size());
  CHECK(counted == Sum(ends));
}

// The final state against the reference: every KPI value for value, and the same outcome
// totals partition by partition.
void CheckAgainstReference(const json& actual, const json& reference,
                           const std::vector<int64_t>& ends) {
  REQUIRE(reference.at("kpis").size() > 20);
  CHECK(actual.at("kpis").size() == reference.at("kpis").size());
  CHECK(actual.at("kpis") == reference.at("kpis"));
  CHECK(actual.at("partitions") == reference.at("partitions"));
  CheckEveryMessageCountedOnce(reference, ends);
  CheckEveryMessageCountedOnce(actual, ends);
}

// The phases a kill must have landed in (pipeline/phase.h): mid-batch, mid-write (inside the
// RocksDB commit), during a rebalance (partitions being assigned and their state loaded),
// during shutdown (after SIGTERM, before exit).
const std::vector<std::string> kKillPhases = {"batch", "commit", "rebalance", "shutdown"};

// `kinerja run` over one state directory, again and again, each run SIGKILLed in a phase.
class CrashSequence {
 public:
  CrashSequence(TestTopics topics, std::string state, std::string work,
                std::vector<std::string> extra)
      : topics_(std::move(topics)),
        state_(std::move(state)),
        work_(std::move(work)),
        extra_(std::move(extra)) {}

  // Starts a run (a new group id each: the offsets live in the state directory, and a killed
  // member would hold its partitions until its session times out).
  std::unique_ptr<Process> Start() {
    const int n = runs_++;
    phase_file_ = work_ + "/phase-" + std::to_string(n);
    log_ = work_ + "/run-" + std::to_string(n) + ".log";
    auto args = RunArgs(topics_, state_, "g-crash-" + std::to_string(n));
    args.insert(args.end(), extra_.begin(), extra_.end());
    ScopedEnv env("KINERJA_TEST_PHASE_FILE", phase_file_);
    return std::make_unique<Process>(args, log_);
  }

  std::optional<PhaseRecord> Record() const { return ReadPhaseFile(phase_file_); }
  const std::string& log() const { return log_; }

  // Polls the current run's record (every millisecond) until `wanted` holds.
  void WaitUntil(Process& run, const std::function<bool(const PhaseRecord&)>& wanted,
                 std::chrono::milliseconds timeout, const std::string& what) {
    bool exited = false;
    const bool ok = WaitFor(
        [&] {
          auto r = Record();
          if (r && wanted(*r)) return true;
          exited = run.Wait(milliseconds(0)).has_value();
          return exited;
        },
        timeout, milliseconds(1));
    if (!ok || exited) {
      const auto last = Record();
      FAIL("run " << runs_ - 1 << ": " << (exited ? "exited" : "timed out") << " waiting for "
                  << what << " (last phase: "
                  << (last ? last->phase + ", " + std::to_string(last->committed) + " committed"
                           : std::string("none"))
                  << "); log:\n"
                  << ReadFile(log_));
    }
  }

  // SIGKILLs the run and counts the phase it died in.
  void Kill(Process& run) {
    run.Signal(SIGKILL);
    const auto code = run.Wait(seconds(30));
    REQUIRE(code);
    if (*code != 128 + SIGKILL) {
      FAIL("run " << runs_ - 1 << " exited with " << *code << " before the kill; log:\n"
                  << ReadFile(log_));
    }
    const auto r = Record();
    REQUIRE(r);
    died_in_[r->phase]++;
    ++kills_;
  }

  // One run, killed in `target` once it has committed `quota` messages (rebalance: as soon as
  // its partitions are being assigned, which happens once, at the start).
  void KillIn(const std::string& target, uint64_t quota) {
    const auto t0 = Clock::now();
    auto run = Start();
    if (target == "rebalance") {
      // Missed when the assignment is quicker than the polling: then the kill lands in the
      // first batch, and is counted there.
      WaitUntil(
          *run,
          [](const PhaseRecord& r) {
            return r.phase == "rebalance" || r.phase == "batch" || r.phase == "commit";
          },
          seconds(120), "the partitions' assignment");
    } else if (target == "shutdown") {
      WaitUntil(
          *run, [&](const PhaseRecord& r) { return r.phase == "batch" && r.committed >= quota; },
          seconds(240), "a batch after " + std::to_string(quota) + " committed messages");
      run->Signal(SIGTERM);
      bool exited = false;
      const bool reached = WaitFor(
          [&] {
            auto r = Record();
            if (r && r->phase == "shutdown") return true;
            exited = run->Wait(milliseconds(0)).has_value();
            return exited;
          },
          seconds(60), milliseconds(1));
      if (exited) {  // stopped cleanly before the kill: a SIGTERM that worked, not a kill
        CHECK(*run->Wait(milliseconds(0)) == 0);
        ++clean_stops_;
        return;
      }
      if (!reached) FAIL("no shutdown phase within 60 s of SIGTERM; log:\n" << ReadFile(log_));
    } else {
      WaitUntil(
          *run, [&](const PhaseRecord& r) { return r.phase == target && r.committed >= quota; },
          seconds(240), target + " after " + std::to_string(quota) + " committed messages");
    }
    Kill(*run);
    seconds_by_target_[target] += SecondsSince(t0);
    runs_by_target_[target]++;
  }

  bool Missing(const std::string& phase) const { return died_in_.count(phase) == 0; }
  int kills() const { return kills_; }

  std::string Summary() const {
    std::string s = std::to_string(kills_) + " kills (";
    bool first = true;
    for (const auto& [phase, n] : died_in_) {
      s += (first ? "" : ", ") + phase + " " + std::to_string(n);
      first = false;
    }
    s += "), " + std::to_string(clean_stops_) + " clean stops, " + std::to_string(runs_) + " runs";
    if (runs_by_target_.empty()) return s;
    s += " (mean seconds from start to kill:";
    for (const auto& [target, n] : runs_by_target_) {
      char mean[32];
      std::snprintf(mean, sizeof mean, " %.1f", seconds_by_target_.at(target) / n);
      s += " " + target + mean;
    }
    return s + ")";
  }

 private:
  TestTopics topics_;
  std::string state_, work_;
  std::vector<std::string> extra_;
  std::string phase_file_, log_;
  int runs_ = 0, kills_ = 0, clean_stops_ = 0;
  std::map<std::string, int> died_in_;
  std::map<std::string, int> runs_by_target_;  // KillIn's, by the phase aimed at
  std::map<std::string, double> seconds_by_target_;
};

}  // namespace

TEST_CASE(
    "crash anywhere: a million events, kinerja run SIGKILLed 20+ times in every phase: "
    "nothing counted twice, nothing missed") {
  const auto t0 = Clock::now();
  TestTopics t = CreateTopicsForTest("crash", 16);
  TestTopics ref = t;
  ref.dlq = t.dlq + ".reference";
  CreateDeadLetterTopic(t, ref.dlq);
  // A year of 1,600 employees: ~1.05M events of all nine types (0.2% deliberate duplicates),
  // plus an invalid copy of every 5,000th event for the dead-letter topic.
  simulator::SimulatorOptions o;
  o.employees = 1600;
  o.agencies = 7;
  const Published pub = PublishSimulated(t.brokers, t.events, o, 0, UINT64_MAX, 5000);
  const std::vector<int64_t> ends = EndOffsets(t.brokers, t.events);
  const int64_t messages = Sum(ends);
  REQUIRE(pub.types.size() == 9);
  REQUIRE(messages == static_cast<int64_t>(pub.sent));
  REQUIRE(messages - static_cast<int64_t>(pub.rejects) >= 1000000);
  const double publish_seconds = SecondsSince(t0);

  TempDir dir;
  // The reference, a clean replay of the same topic, runs beside the crash sequence.
  Process reference(StopAtEndArgs(ref, dir / "reference", "g-reference"), dir / "reference.log");

  const auto crash_t0 = Clock::now();
  CrashSequence crashes(t, dir / "state", dir.path().string(), {"--batch-size", "5000"});
  // 20 runs killed in turn mid-batch, mid-write, during shutdown, during the assignment; the
  // first three kinds only after a share of the stream each, so that the kills spread over it.
  constexpr int kPlanned = 20;
  const std::vector<std::string> order = {"batch", "commit", "shutdown", "rebalance"};
  const uint64_t quota = static_cast<uint64_t>(messages) / (kPlanned * 3 / 4 + 3);
  for (int i = 0; i < kPlanned; ++i) crashes.KillIn(order[i % order.size()], quota);
  // A phase no kill has reached yet gets a few more tries.
  for (int extra = 0; extra < 12; ++extra) {
    auto missing = std::find_if(kKillPhases.begin(), kKillPhases.end(),
                                [&](const std::string& p) { return crashes.Missing(p); });
    if (missing == kKillPhases.end()) break;
    crashes.KillIn(*missing, quota / 4);
  }
  std::string out;
  REQUIRE(ReplayToEnd(t, dir / "state", "g-crash-final", &out) == 0);
  const double crash_seconds = SecondsSince(crash_t0);

  const bool reference_was_done = reference.Wait(milliseconds(0)).has_value();
  const auto code = reference.Wait(std::chrono::minutes(10));
  REQUIRE(code);
  INFO(ReadFile(dir / "reference.log"));
  REQUIRE(*code == 0);
  const double wait_for_reference = SecondsSince(crash_t0) - crash_seconds;

  CheckAgainstReference(ReadKpis(dir / "state", true), ReadKpis(dir / "reference", true), ends);
  // Every dead letter stored at least once, and nothing else.
  const auto reference_dead = DeadLetterSources(t.brokers, ref.dlq);
  const auto dead = DeadLetterSources(t.brokers, t.dlq);
  CHECK(std::set<Position>(reference_dead.begin(), reference_dead.end()).size() ==
        reference_dead.size());
  CHECK(reference_dead.size() >= pub.rejects);
  CHECK(std::set<Position>(dead.begin(), dead.end()) ==
        std::set<Position>(reference_dead.begin(), reference_dead.end()));

  INFO(crashes.Summary());
  CHECK(crashes.kills() >= 20);
  for (const auto& phase : kKillPhases) {
    INFO("kills in phase " << phase);
    CHECK_FALSE(crashes.Missing(phase));
  }
  std::cout << "crash_test: kinerja run killed: " << messages << " messages (" << pub.rejects
            << " made invalid), " << crashes.Summary() << "; " << reference_dead.size()
            << " dead letters, stored " << dead.size() << " times; publish " << publish_seconds
            << " s, crash sequence " << crash_seconds << " s, reference alongside ("
            << (reference_was_done ? "done by then"
                                   : "then waited for " + std::to_string(wait_for_reference) + " s")
            << "), case " << SecondsSince(t0) << " s" << std::endl;
}

TEST_CASE(
    "crash anywhere: the broker SIGKILLed mid-run twice and restarted: the KPIs of a "
    "clean run, nothing lost or doubled") {
  const auto t0 = Clock::now();
  TempDir dir;
  LocalKafka kafka(dir / "kafka");  // this test's own: it is killed
  TestTopics t{kafka.brokers(), UniqueTopic("crash-broker"), ""};
  t.dlq = t.events + ".dlq";
  {
    std::string out;
    const int rc = RunCommand({KinerjaBinary(), "create-topics", "--brokers", t.brokers, "--topic",
                               t.events, "--dlq-topic", t.dlq, "--partitions", "8"},
                              &out);
    INFO(out);
    REQUIRE(rc == 0);
  }
  TestTopics ref = t;
  ref.dlq = t.dlq + ".reference";
  CreateDeadLetterTopic(t, ref.dlq);
  simulator::SimulatorOptions o;
  o.employees = 150;  // ~100k events of all nine types
  o.agencies = 5;
  const Published pub = PublishSimulated(t.brokers, t.events, o, 0, UINT64_MAX, 2000);
  const std::vector<int64_t> ends = EndOffsets(t.brokers, t.events);
  const int64_t messages = Sum(ends);
  REQUIRE(pub.types.size() == 9);
  REQUIRE(messages == static_cast<int64_t>(pub.sent));
  {
    std::string out;
    const int rc = ReplayToEnd(ref, dir / "reference", "g-reference", &out);
    INFO(out);
    REQUIRE(rc == 0);
  }
  const json reference = ReadKpis(dir / "reference", true);

  // A small fetch queue: Kinerja keeps fetching from the broker as it works, instead of
  // holding the whole topic after a second.
  CrashSequence runs(
      t, dir / "state", dir.path().string(),
      {"--batch-size", "2000", "--kafka-property", "queued.max.messages.kbytes=1024"});
  const uint64_t quarter = static_cast<uint64_t>(messages) / 4;
  auto first = runs.Start();
  runs.WaitUntil(
      *first, [&](const PhaseRecord& r) { return r.committed >= quarter; }, seconds(120),
      std::to_string(quarter) + " committed messages");
  kafka.Kill();
  // Kinerja waits for its broker: it polls again once what it had fetched is applied, or, when
  // that held a reject, it waits in the dead-letter flush (up to 30 s,
  // PipelineOptions::dlq_flush_timeout) before the offset may pass it. It is SIGKILLed
  // meanwhile, and a new instance starts while the broker is still down.
  runs.WaitUntil(
      *first, [](const PhaseRecord& r) { return r.phase == "polling" || r.phase == "dlq-flush"; },
      seconds(60), "polling or flushing dead letters while the broker is down");
  runs.Kill(*first);
  auto second = runs.Start();
  auto restart_t0 = Clock::now();
  kafka.Restart();
  const double first_restart = SecondsSince(restart_t0);
  runs.WaitUntil(
      *second, [&](const PhaseRecord& r) { return r.committed >= quarter; }, seconds(180),
      std::to_string(quarter) + " committed messages after the restart");
  kafka.Kill();  // again, under a live Kinerja
  restart_t0 = Clock::now();
  kafka.Restart();
  const double second_restart = SecondsSince(restart_t0);
  CHECK_FALSE(second->Wait(milliseconds(0)).has_value());
  const uint64_t before = runs.Record()->committed;
  runs.WaitUntil(
      *second, [&](const PhaseRecord& r) { return r.committed > before; }, seconds(180),
      "a commit after the second restart");
  second->Signal(SIGTERM);
  const auto code = second->Wait(seconds(60));
  REQUIRE(code);
  CHECK(*code == 0);

  std::string out;
  REQUIRE(ReplayToEnd(t, dir / "state", "g-broker-final", &out) == 0);
  CHECK(EndOffsets(t.brokers, t.events) == ends);  // the broker lost nothing either
  CheckAgainstReference(ReadKpis(dir / "state", true), reference, ends);
  // Every dead letter stored at least once, and nothing else.
  const auto reference_dead = DeadLetterSources(t.brokers, ref.dlq);
  const auto dead = DeadLetterSources(t.brokers, t.dlq);
  CHECK(reference_dead.size() >= pub.rejects);
  CHECK(std::set<Position>(dead.begin(), dead.end()) ==
        std::set<Position>(reference_dead.begin(), reference_dead.end()));
  std::cout << "crash_test: broker killed twice: " << messages << " messages (" << pub.rejects
            << " invalid), kinerja " << runs.Summary() << "; broker restarts " << first_restart
            << " s and " << second_restart << " s; case " << SecondsSince(t0) << " s" << std::endl;
}

TEST_CASE(
    "crash anywhere: the dead-letter topic deleted mid-run: no offset passes an "
    "undelivered reject, and after a restart every reject is stored") {
  const auto t0 = Clock::now();
  TestTopics t = CreateTopicsForTest("crash-dlq", 8);
  TestTopics ref = t;
  ref.dlq = t.dlq + ".reference";
  CreateDeadLetterTopic(t, ref.dlq);
  // A year of 40 employees (~26k events), in two halves, each with an invalid copy of every
  // 250th event.
  simulator::SimulatorOptions o;
  o.employees = 40;
  o.agencies = 3;
  constexpr uint64_t kHalf = 13000;
  const Published first = PublishSimulated(t.brokers, t.events, o, 0, kHalf, 250);
  const std::vector<int64_t> first_ends = EndOffsets(t.brokers, t.events);

  TempDir dir;
  CrashSequence runs(t, dir / "state", dir.path().string(), {"--batch-size", "1000"});
  auto run = runs.Start();
  runs.WaitUntil(
      *run, [&](const PhaseRecord& r) { return r.committed == first.sent; }, seconds(120),
      "the first half committed");
  const auto first_dead = DeadLetterSources(t.brokers, t.dlq);
  CHECK(first_dead.size() >= first.rejects);

  DeleteTopic(t.brokers, t.dlq);
  REQUIRE(WaitFor([&] { return !TopicExists(t.brokers, t.dlq); }, seconds(30)));
  const Published second = PublishSimulated(t.brokers, t.events, o, kHalf, UINT64_MAX, 250);
  std::set<std::string> types;
  for (const auto* half : {&first, &second}) {
    for (const auto& [type, n] : half->types) types.insert(type);
  }
  REQUIRE(types.size() == 9);
  // The first dead letter of the second half cannot be stored: the pipeline stops, exit 1.
  const auto code = run->Wait(seconds(120));
  REQUIRE(code);
  INFO(ReadFile(runs.log()));
  CHECK(*code == 1);
  CHECK(ReadFile(runs.log()).find("dead letters to topic " + t.dlq) != std::string::npos);

  // Which messages are rejected: those a clean run of the whole topic dead-letters (the
  // invalid copies, and any simulated event the decoder refuses, such as one dated after the
  // month of its Kafka timestamp when the clock is in the simulated year).
  const std::vector<int64_t> ends = EndOffsets(t.brokers, t.events);
  std::string out;
  REQUIRE(ReplayToEnd(ref, dir / "reference", "g-dlq-reference", &out) == 0);
  const auto reference_dead = DeadLetterSources(t.brokers, ref.dlq);
  const std::set<Position> rejects(reference_dead.begin(), reference_dead.end());
  CHECK(rejects.size() == reference_dead.size());  // a clean run stores each once
  std::set<Position> marked;
  for (const auto& m : ReadTopic(t.brokers, t.events)) {
    if (m.value && m.value->find(kRejectMarker) != std::string::npos) {
      marked.insert({m.partition, m.offset});
    }
  }
  REQUIRE(marked.size() == first.rejects + second.rejects);
  CHECK(std::includes(rejects.begin(), rejects.end(), marked.begin(), marked.end()));
  auto in_first_half = [&](const Position& r) {
    return r.second < first_ends[static_cast<size_t>(r.first)];
  };
  std::map<int32_t, int64_t> first_undelivered;  // by partition: its first reject after the
                                                 // topic was deleted (rejects are in order)
  for (const auto& r : rejects) {
    if (in_first_half(r)) {
      CHECK(first_dead.count(r) >= 1);  // stored before the topic was deleted
    } else if (!first_undelivered.count(r.first)) {
      first_undelivered[r.first] = r.second;
    }
  }
  REQUIRE_FALSE(first_undelivered.empty());
  // The committed offsets: past the first half, never past an undelivered reject.
  const json stopped = ReadKpis(dir / "state", true);
  for (const auto& p : stopped.at("partitions")) {
    const auto partition = p.at("partition").get<int32_t>();
    const auto next = p.at("next_offset").get<int64_t>();
    INFO("partition " << partition);
    CHECK(next >= first_ends[static_cast<size_t>(partition)]);
    if (first_undelivered.count(partition)) CHECK(next <= first_undelivered[partition]);
    CHECK(p.at("applied").get<int64_t>() + p.at("duplicate").get<int64_t>() +
              p.at("dead_lettered").get<int64_t>() ==
          next);
  }

  // The topic back, and a restart: it resumes at the undelivered rejects and stores them all.
  CreateDeadLetterTopic(t, t.dlq);
  REQUIRE(ReplayToEnd(t, dir / "state", "g-dlq-final", &out) == 0);
  CheckAgainstReference(ReadKpis(dir / "state", true), ReadKpis(dir / "reference", true), ends);
  const auto dead = DeadLetterSources(t.brokers, t.dlq);
  size_t resent = 0;
  for (const auto& r : rejects) {
    if (in_first_half(r)) continue;
    CHECK(dead.count(r) >= 1);  // at least once: repeats are allowed, a loss is not
    ++resent;
  }
  for (const auto& d : dead) CHECK(rejects.count(d) == 1);  // and nothing else
  std::cout << "crash_test: dead-letter topic deleted: " << Sum(ends) << " messages ("
            << rejects.size() << " invalid, " << resent
            << " after the deletion, all stored after the restart); case " << SecondsSince(t0)
            << " s" << std::endl;
}
