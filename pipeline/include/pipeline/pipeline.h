// The consume -> decode -> apply -> commit loop (docs/architecture.md). One thread polls and
// applies; a second decodes ahead (DecodeAhead); a third writes a batch to the store while the
// next batch is applied (CommitAhead). Rebalance callbacks run inside EventSource::Poll,
// between batches, once the batch in flight is committed. The employees' state belongs to
// state::EmployeeRepository, the partitions' committed state to state::PartitionState.
//
// Exactly-once effect: a batch's employee states, counter values and next offsets go to the
// StateStore in one atomic Commit; on assignment each partition resumes at its stored offset,
// and a message below that offset is never applied again. A batch becomes visible (/metrics,
// offsets reported to Kafka) only once its commit has returned.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "ingest/decoder.h"
#include "ingest/source.h"
#include "pipeline/phase.h"
#include "pipeline/probe.h"
#include "processors/employee.h"
#include "processors/kpi.h"
#include "state/employees.h"
#include "state/partitions.h"
#include "storage/state_store.h"

namespace kinerja::pipeline {

class CommitAhead;
class DecodeAhead;

struct PipelineOptions {
  size_t max_batch_messages = 50000;
  std::chrono::milliseconds poll_timeout{100};
  int64_t dedup_window_ms = 7LL * 24 * 3600 * 1000;  // docs/events.md rule 2
  std::chrono::milliseconds dlq_flush_timeout{30000};
  // Replay mode: stop once every partition has reached the end offset it had at start.
  bool stop_at_end = false;
  // Employees kept in memory between batches (state::EmployeeCacheOptions). A batch that would
  // load more than the byte budget is committed early (and the rest applied as the next batch):
  // past the budget, consumption slows down, memory does not grow.
  size_t max_cache_bytes = 240ull << 20;
  size_t max_cached_employees = SIZE_MAX;
  // The events topic: with its partition count, the identity of the state
  // (storage::StateIdentity), checked at every assignment and stored with the first commit.
  std::string topic;
  // Decode a batch's messages on a second thread while applying them (two cores); false:
  // one thread does both.
  bool decode_thread = true;
  // Write a batch to the store on a third thread while the next batch is applied; false: the
  // pipeline's thread waits for each write.
  bool commit_thread = true;
  // Test-only: told where the pipeline is (pipeline/phase.h); nullptr in normal runs.
  PhaseObserver* phases = nullptr;
};

// The committed KPI counters of every owned partition, summed.
struct KpiSnapshot {
  processors::KpiTable counters;
  MonthIndex newest_month = processors::kNoMonth;
};

class Pipeline : public ingest::PartitionListener {
 public:
  Pipeline(PipelineOptions options, ingest::EventSource* source, ingest::DeadLetterSink* dlq,
           storage::StateStore* store, Probe* probe);
  ~Pipeline() override;

  // Runs until `stop` becomes true, until replay reaches the end (stop_at_end), or until a
  // fatal error (returned). `stop` is also checked between the messages of a batch: the
  // messages applied so far are committed, the rest of the batch is left to the next start
  // (a stop takes about one message's time plus one commit, however large the batch).
  Status Run(const std::atomic<bool>& stop);
  // Processes at most one batch (for tests) and waits for its commit, so that it is visible
  // when RunOnce returns. Sets *idle when nothing was consumed. The first
  // error is latched: every later call returns it and does nothing (the state in memory may be
  // ahead of the store; a new Pipeline over the same store resumes exactly).
  Status RunOnce(bool* idle = nullptr);

  // Thread-safe: the committed counters, for /metrics.
  KpiSnapshot Snapshot() const;

  Result<std::vector<std::optional<int64_t>>> OnAssigned(
      const std::vector<int32_t>& partitions) override;
  Status OnRevoked(const std::vector<int32_t>& partitions) override;

 private:
  struct Partition;
  struct Batch;
  struct InFlight;

  Status Step(bool* idle);  // polls, applies and starts committing one batch
  Status ProcessMessage(const ingest::Message& m, ingest::DecodeResult& decoded, Batch& batch);
  Status DeadLetter(const ingest::Message& m, const ingest::Rejection& rejection, Batch& batch);
  Status ApplyEvent(const ingest::Message& m, const Event& event, Partition& part, Batch& batch);
  // Waits for the batch in flight, then starts committing this one (at most one in flight).
  Status CommitBatch(Batch& batch);
  // Waits for the batch in flight, if any, and publishes it.
  Status Drain();
  void Evict();  // the employee cache down to its budget (but for the batch in flight)
  void Publish(const Batch& batch,
               const std::vector<std::pair<int32_t, state::PartitionChange>>& changes,
               double commit_seconds);
  void RefreshLag();
  Status Latch(Status status);  // keeps the first error; returns `status`
  Status CheckIdentity();       // the state's identity against the topic consumed
  bool ReachedEnd() const;
  void EnterPhase(Phase phase);     // tells options_.phases, if any; kShutdown stays
  void StoreWriting(bool writing);  // the commit thread: kCommit while the store write runs

  PipelineOptions options_;
  ingest::EventSource* source_;
  ingest::DeadLetterSink* dlq_;
  storage::StateStore* store_;
  Probe* probe_;
  std::unique_ptr<DecodeAhead> decode_;
  std::unique_ptr<InFlight> in_flight_;  // the batch being committed, if any
  std::unique_ptr<CommitAhead> commit_;  // after in_flight_: its thread reads it
  state::EmployeeRepository employees_;
  std::unordered_map<int32_t, std::unique_ptr<Partition>> partitions_;
  std::vector<ingest::Message> messages_;
  std::vector<int64_t> end_offsets_;  // replay target, when stop_at_end
  size_t batch_limit_ = 0;            // grows from 1,000 to max_batch_messages after a start
  bool caught_up_ = false;  // the last poll took fewer messages than it could: publish at once
  std::chrono::steady_clock::time_point last_lag_refresh_{};
  Status fatal_;  // the first error: no more work once set
  // Run's stop flag while it runs; set when a stop cut a batch short (no more work after it).
  const std::atomic<bool>* stop_ = nullptr;
  bool interrupted_ = false;
  // The state's identity, to store with the next commit (CheckIdentity).
  std::optional<storage::StateIdentity> new_identity_;
  std::mutex phase_mu_;              // the phase is told from the pipeline's and the commit thread
  Phase phase_ = Phase::kStarting;   // the pipeline thread's; guarded by phase_mu_
  bool store_writing_ = false;       // guarded by phase_mu_
  bool phase_moved_ = false;         // phase_ changed during the store write; guarded by phase_mu_
  uint64_t committed_messages_ = 0;  // published by this pipeline; guarded by phase_mu_
  // Where the time went (logged when Run ends): polling, applying, committing (building the
  // write set and waiting for the commit thread).
  double poll_seconds_ = 0;
  double apply_seconds_ = 0;
  double commit_seconds_ = 0;
  double commit_wait_seconds_ = 0;

  mutable std::mutex totals_mu_;
  processors::KpiTable totals_;                     // guarded by totals_mu_
  std::unordered_map<int32_t, MonthIndex> newest_;  // guarded by totals_mu_
};

}  // namespace kinerja::pipeline
