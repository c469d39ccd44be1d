// libFuzzer target: a script of published messages and operator actions (fuzz/pipeline_script.h)
// run through the pipeline over the in-memory twins, as tests/pipeline/ drive it: once with the
// script's restarts, crashes (a failed commit), rebalances, small batches and a small cache, and
// once from scratch in one batch. Invariants: fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "contract_checks.h"
#include "fuzz_check.h"
#include "ingest/memory.h"
#include "log/log.h"
#include "pipeline/pipeline.h"
#include "pipeline_script.h"
#include "state/codec.h"
#include "storage/forwarding_store.h"
#include "storage/state_store.h"

namespace kinerja::fuzz {
namespace {

using processors::KpiTable;

// Sums what the pipeline reports of its committed batches.
struct CountingProbe : pipeline::NullProbe {
  pipeline::BatchCounts totals;
  void BatchCommitted(const pipeline::BatchCounts& c, double, int64_t) override {
    for (size_t t = 0; t < c.events.size(); ++t) {
      for (size_t o = 0; o < c.events[t].size(); ++o) totals.events[t][o] += c.events[t][o];
    }
    for (size_t r = 0; r < c.dead_letters.size(); ++r) totals.dead_letters[r] += c.dead_letters[r];
    for (const auto& [agency, counts] : c.agencies) {
      pipeline::AgencyCounts& sum = totals.agencies[agency];
      sum.applied += counts.applied;
      sum.without_master_data += counts.without_master_data;
      for (size_t r = 0; r < counts.dead_letters.size(); ++r) {
        sum.dead_letters[r] += counts.dead_letters[r];
      }
    }
  }
};

bool SameTable(const KpiTable& a, const KpiTable& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [key, value] : a) {
    if (b.Get(key) != value) return false;
  }
  return true;
}

bool SameCounts(const pipeline::BatchCounts& a, const pipeline::BatchCounts& b) {
  return a.events == b.events && a.dead_letters == b.dead_letters && a.agencies == b.agencies;
}

// A store twin whose next commit fails once armed, as a full disk would fail it.
class CrashingStore : public storage::ForwardingStateStore {
 public:
  explicit CrashingStore(storage::StateStore* inner) : ForwardingStateStore(inner) {}
  void Arm() { armed_ = true; }
  void Reset() { armed_ = failed_ = false; }
  bool failed() const { return failed_; }

  Status Commit(const storage::WriteSet& writes) override {
    if (!armed_) return inner()->Commit(writes);
    armed_ = false;
    failed_ = true;
    return Status::IOError("fuzz: the armed commit fails");
  }

 private:
  bool armed_ = false;
  bool failed_ = false;
};

// The run with the script's actions: each "process" is a Pipeline over a fresh MemorySource
// holding every message published so far (Kafka keeps them), and over the same store.
class ScriptedRun {
 public:
  ScriptedRun(const Script& script, storage::StateStore* store);
  void Do(const ScriptOp& op);
  void Finish();  // assigns every partition and consumes everything
  // A process started over the finished store consumes nothing and shows the same counters.
  void CheckRestartIsIdle();
  const pipeline::KpiSnapshot snapshot() const { return pipe_->Snapshot(); }
  const CountingProbe& probe() const { return probe_; }
  const ingest::MemoryDeadLetters& dlq() const { return dlq_; }

 private:
  void Start();
  bool RunBatches(int64_t n);  // false when idle before n
  void Crash();
  void Drain();

  const Script& script_;
  CrashingStore store_;
  pipeline::PipelineOptions options_;
  CountingProbe probe_;
  ingest::MemoryDeadLetters dlq_;
  std::unique_ptr<ingest::MemorySource> source_;
  std::unique_ptr<pipeline::Pipeline> pipe_;
  size_t published_ = 0;       // messages of the script published so far
  bool polled_ = false;        // the process has polled (owns its partitions)
  std::set<int32_t> revoked_;  // partitions taken away from this process
};

ScriptedRun::ScriptedRun(const Script& script, storage::StateStore* store)
    : script_(script), store_(store) {
  options_.dedup_window_ms = script.dedup_window_ms;
  options_.max_batch_messages = 4;
  options_.max_cached_employees = 2;
  Start();
}

void ScriptedRun::Start() {
  pipe_.reset();
  source_ = std::make_unique<ingest::MemorySource>(kScriptPartitions);
  for (size_t i = 0; i < published_; ++i) {
    source_->Append(script_.messages[i].partition, script_.messages[i].record);
  }
  pipe_ = std::make_unique<pipeline::Pipeline>(options_, source_.get(), &dlq_, &store_, &probe_);
  polled_ = false;
  revoked_.clear();
}

bool ScriptedRun::RunBatches(int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    bool idle = false;
    const Status st = pipe_->RunOnce(&idle);
    FUZZ_CHECK(st.ok() || store_.failed(), "RunOnce failed: " + st.ToString());
    if (!st.ok()) return false;
    polled_ = true;
    if (idle) return false;
  }
  return true;
}

// The next commit fails: the error latches (later batches return it and do nothing), and the
// process is restarted over what the store holds.
void ScriptedRun::Crash() {
  store_.Arm();
  RunBatches(16);
  if (store_.failed()) {
    bool idle = false;
    FUZZ_CHECK(!pipe_->RunOnce(&idle).ok(), "a failed commit did not latch");
  }
  store_.Reset();
  Start();
}

void ScriptedRun::Do(const ScriptOp& op) {
  switch (op.kind) {
    case ScriptOp::kMessage: {
      const ScriptMessage& m = script_.messages[static_cast<size_t>(op.arg)];
      source_->Append(m.partition, m.record);
      ++published_;
      return;
    }
    case ScriptOp::kRun:
      RunBatches(op.arg);
      return;
    case ScriptOp::kRestart:
      Start();
      return;
    case ScriptOp::kCrash:
      Crash();
      return;
    case ScriptOp::kRevoke:
      if (polled_ && revoked_.insert(static_cast<int32_t>(op.arg)).second) {
        FUZZ_CHECK(source_->Revoke({static_cast<int32_t>(op.arg)}).ok(), "revoke");
      }
      return;
    case ScriptOp::kAssign:
      if (revoked_.erase(static_cast<int32_t>(op.arg)) > 0) {
        FUZZ_CHECK(source_->Assign({static_cast<int32_t>(op.arg)}).ok(), "assign");
      }
      return;
    case ScriptOp::kBatch:
      options_.max_batch_messages = static_cast<size_t>(op.arg);
      return;
    case ScriptOp::kCache:
      options_.max_cached_employees = static_cast<size_t>(op.arg);
      return;
  }
}

void ScriptedRun::Drain() {
  // Every batch that is not idle consumes a message: this ends.
  for (size_t i = 0; i <= script_.messages.size(); ++i) {
    if (!RunBatches(1)) return;
  }
  FUZZ_CHECK(false, "the pipeline did not drain");
}

void ScriptedRun::Finish() {
  for (int32_t p : std::set<int32_t>(revoked_)) Do({ScriptOp::kAssign, p});
  Drain();
}

void ScriptedRun::CheckRestartIsIdle() {
  const pipeline::KpiSnapshot before = snapshot();
  const pipeline::BatchCounts counted = probe_.totals;
  const size_t dead = dlq_.entries().size();
  Start();
  Drain();
  FUZZ_CHECK(SameCounts(counted, probe_.totals), "a restart applied messages again");
  FUZZ_CHECK(dead == dlq_.entries().size(), "a restart dead-lettered messages again");
  FUZZ_CHECK(SameTable(before.counters, snapshot().counters), "counters after a restart");
  FUZZ_CHECK(before.newest_month == snapshot().newest_month, "newest month after a restart");
}

// One employee's state as the store holds it, every entity absorbed (codec.h).
using Employees = std::map<std::pair<int32_t, Nip>, processors::EmployeeState>;

Nip NipOfKey(std::string_view key) {
  Nip nip = 0;
  for (size_t i = 0; i < 8; ++i) nip = nip << 8 | static_cast<unsigned char>(key[i]);
  return nip;
}

Employees ReadEmployees(storage::StateStore& store) {
  Employees employees;
  for (int32_t p = 0; p < kScriptPartitions; ++p) {
    const Status st = store.ScanEntities(p, "", [&](std::string_view key, std::string_view value) {
      FUZZ_CHECK(key.size() > 8, "an entity key without a NIP");
      return state::AbsorbEmployeeEntity(key.substr(8), value, &employees[{p, NipOfKey(key)}]);
    });
    FUZZ_CHECK(st.ok(), "reading the store: " + st.ToString());
  }
  return employees;
}

KpiTable StoredCounters(storage::StateStore& store, int32_t p) {
  auto snap = store.LoadPartition(p);
  FUZZ_CHECK(snap.ok(), "LoadPartition: " + snap.status().ToString());
  KpiTable counters;
  for (const auto& [bytes, value] : snap->counters) {
    auto key = state::DecodeKpiKey(bytes);
    FUZZ_CHECK(key.has_value(), "a counter key that does not decode");
    FUZZ_CHECK(value > 0, "a stored counter <= 0: " + std::to_string(value));
    counters.Add(*key, value);
  }
  return counters;
}

// Each partition's stored counters are the sum of its employees' whole contributions,
// recomputed from their stored state (processors::Contribution); the pipeline's counters are
// the sum over partitions; every counter is positive (zeros are erased, none can go below).
void CheckCountersRecompute(storage::StateStore& store, const Employees& employees,
                            const pipeline::KpiSnapshot& snapshot) {
  std::vector<KpiTable> recomputed(kScriptPartitions);
  for (const auto& [who, state] : employees) {
    processors::Contribution(state, &recomputed[static_cast<size_t>(who.first)]);
  }
  KpiTable total;
  for (int32_t p = 0; p < kScriptPartitions; ++p) {
    const KpiTable stored = StoredCounters(store, p);
    FUZZ_CHECK(SameTable(stored, recomputed[static_cast<size_t>(p)]),
               "partition " + std::to_string(p) + ": counters differ from the recomputation");
    total.AddAll(stored);
  }
  FUZZ_CHECK(SameTable(total, snapshot.counters), "the pipeline's counters differ from the store");
  for (const auto& [key, value] : snapshot.counters) {
    FUZZ_CHECK(value > 0, "a counter <= 0: " + std::to_string(value));
  }
}

// The same state whatever the batching, caching, restarts and crashes (the dedup memory's
// chunks depend on the batches, and are compared through the outcomes instead).
void CheckSameEmployees(const Employees& a, const Employees& b) {
  FUZZ_CHECK(a.size() == b.size(), "a different set of employees");
  for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
    FUZZ_CHECK(x->first == y->first, "a different set of employees");
    const processors::EmployeeState& s = x->second;
    const processors::EmployeeState& t = y->second;
    FUZZ_CHECK(s.known == t.known && s.master == t.master && s.years == t.years,
               "employee " + FormatNip(x->first.second) + " differs between the runs");
  }
}

using DeadLetter = std::tuple<int32_t, int64_t, std::string, std::string>;

std::set<DeadLetter> DeadLetters(const ingest::MemoryDeadLetters& dlq) {
  std::set<DeadLetter> out;
  for (const auto& e : dlq.entries()) {
    out.insert({e.source.partition, e.source.offset, e.reason, e.detail});
  }
  return out;
}

// Every message once: applied, duplicate or dead-lettered, as a decoder of its own (kinerja
// validate's) judges it; each dead letter carries that decoder's reason and detail.
void CheckAccounting(const Script& script, const CountingProbe& probe,
                     const std::set<DeadLetter>& dead) {
  static ingest::Decoder decoder;
  std::vector<int64_t> next_offset(kScriptPartitions, 0);
  std::set<DeadLetter> expected;
  uint64_t accepted = 0;
  for (const ScriptMessage& m : script.messages) {
    const int64_t offset = next_offset[static_cast<size_t>(m.partition)]++;
    const FramedMessage framed{{m.record.key, m.record.value, m.record.headers},
                               m.record.timestamp_ms};
    const ingest::DecodeResult r = DecodeFramed(decoder, framed);
    CheckDecodeResult(framed, r);
    if (auto* rejection = std::get_if<ingest::Rejection>(&r)) {
      expected.insert({m.partition, offset,
                       std::string(ingest::RejectReasonName(rejection->reason)),
                       rejection->detail});
    } else {
      ++accepted;
    }
  }
  FUZZ_CHECK(dead == expected, "dead letters differ from the decoder's rejections");
  uint64_t applied = 0, duplicates = 0, dead_lettered = 0;
  for (const auto& type : probe.totals.events) {
    applied += type[static_cast<size_t>(pipeline::Outcome::kApplied)];
    duplicates += type[static_cast<size_t>(pipeline::Outcome::kDuplicate)];
    dead_lettered += type[static_cast<size_t>(pipeline::Outcome::kDeadLettered)];
  }
  FUZZ_CHECK(applied + duplicates == accepted, "accepted events not applied or counted once");
  FUZZ_CHECK(dead_lettered == expected.size(), "dead letters counted once each");
}

// From scratch: every message in one process, one batch, the default cache.
struct CleanRun {
  std::unique_ptr<storage::StateStore> store = storage::NewMemoryStateStore();
  CountingProbe probe;
  ingest::MemoryDeadLetters dlq;
  pipeline::KpiSnapshot snapshot;

  explicit CleanRun(const Script& script) {
    ingest::MemorySource source(kScriptPartitions);
    for (const ScriptMessage& m : script.messages) source.Append(m.partition, m.record);
    pipeline::PipelineOptions options;
    options.dedup_window_ms = script.dedup_window_ms;
    pipeline::Pipeline pipe(options, &source, &dlq, store.get(), &probe);
    bool idle = false;
    for (int i = 0; i < 3 && !idle; ++i) {
      const Status st = pipe.RunOnce(&idle);
      FUZZ_CHECK(st.ok(), "RunOnce failed: " + st.ToString());
    }
    FUZZ_CHECK(idle, "one batch did not take every message");
    snapshot = pipe.Snapshot();
  }
};

void Report(const Script& script, const CountingProbe& probe,
            const pipeline::KpiSnapshot& snapshot) {
  uint64_t outcomes[pipeline::kOutcomeCount] = {};
  for (const auto& type : probe.totals.events) {
    for (size_t o = 0; o < pipeline::kOutcomeCount; ++o) outcomes[o] += type[o];
  }
  std::fprintf(stderr,
               "script: %zu messages, %zu actions: %llu applied, %llu duplicates, %llu dead "
               "letters; %zu counters\n",
               script.messages.size(), script.ops.size() - script.messages.size(),
               static_cast<unsigned long long>(outcomes[0]),
               static_cast<unsigned long long>(outcomes[1]),
               static_cast<unsigned long long>(outcomes[2]), snapshot.counters.size());
}

void RunScript(const Script& script) {
  auto store = storage::NewMemoryStateStore();
  ScriptedRun scripted(script, store.get());
  for (const ScriptOp& op : script.ops) scripted.Do(op);
  scripted.Finish();
  const pipeline::KpiSnapshot snapshot = scripted.snapshot();
  const Employees employees = ReadEmployees(*store);
  CheckCountersRecompute(*store, employees, snapshot);

  CleanRun clean(script);
  const Employees clean_employees = ReadEmployees(*clean.store);
  CheckCountersRecompute(*clean.store, clean_employees, clean.snapshot);
  CheckAccounting(script, clean.probe, DeadLetters(clean.dlq));

  FUZZ_CHECK(SameTable(snapshot.counters, clean.snapshot.counters),
             "counters differ from a run from scratch");
  FUZZ_CHECK(snapshot.newest_month == clean.snapshot.newest_month, "newest month differs");
  CheckSameEmployees(employees, clean_employees);
  FUZZ_CHECK(SameCounts(scripted.probe().totals, clean.probe.totals),
             "outcomes differ from a run from scratch");
  FUZZ_CHECK(DeadLetters(scripted.dlq()) == DeadLetters(clean.dlq),
             "dead letters differ from a run from scratch");
  scripted.CheckRestartIsIdle();
  static const bool verbose = std::getenv("KINERJA_FUZZ_VERBOSE") != nullptr;
  if (verbose) Report(script, clean.probe, clean.snapshot);
}

}  // namespace
}  // namespace kinerja::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kinerja::log::SetLevel(kinerja::log::Level::kOff);  // assignments are logged at info
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kinerja::fuzz;
  RunScript(ParseScript(std::string_view(reinterpret_cast<const char*>(data), size)));
  return 0;
}
