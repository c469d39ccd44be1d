#include "pipeline/pipeline.h"

#include <algorithm>
#include <set>

#include "commit_ahead.h"
#include "decode_ahead.h"
#include "log/log.h"

namespace kinerja::pipeline {
namespace {

// "0-3,7,9-10" for a log line.
std::string PartitionRanges(std::vector<int32_t> ps) {
  std::sort(ps.begin(), ps.end());
  std::string out;
  for (size_t i = 0; i < ps.size();) {
    size_t j = i;
    while (j + 1 < ps.size() && ps[j + 1] == ps[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(ps[i]);
    if (j > i) out += '-' + std::to_string(ps[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace

std::string_view PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kStarting:
      return "starting";
    case Phase::kPolling:
      return "polling";
    case Phase::kBatch:
      return "batch";
    case Phase::kDeadLetterFlush:
      return "dlq-flush";
    case Phase::kCommit:
      return "commit";
    case Phase::kCommitted:
      return "committed";
    case Phase::kRebalance:
      return "rebalance";
    case Phase::kShutdown:
      return "shutdown";
  }
  return "unknown";
}

using processors::EmployeeState;
using processors::KpiTable;

struct Pipeline::Partition {
  state::PartitionState committed;  // durable in the store
  int64_t next_offset = 0;          // next offset to apply (ahead while a batch runs)
};

struct Pipeline::Batch {
  BatchCounts counts;
  std::unordered_map<int32_t, KpiTable> deltas;  // kKeepZeros: entries may be 0
  std::unordered_map<int32_t, int64_t> next_offsets;
  std::unordered_map<int32_t, storage::OutcomeTotals> outcomes;  // of this batch, by partition
  std::unordered_map<int32_t, MonthIndex> newest;
  std::vector<int64_t> timestamps_ms;  // Kafka timestamps of the decoded events (event age)
  bool dead_lettered = false;
};

// A batch whose write set the commit thread is writing; published once the write returns.
struct Pipeline::InFlight {
  Batch batch;
  std::vector<std::pair<int32_t, state::PartitionChange>> changes;  // point into batch.deltas
  storage::WriteSet writes;
  double seconds = 0;  // the store write, as the commit thread measured it
};

namespace {

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, ingest::EventSource* source,
                   ingest::DeadLetterSink* dlq, storage::StateStore* store, Probe* probe)
    : options_(std::move(options)),
      source_(source),
      dlq_(dlq),
      store_(store),
      probe_(probe),
      decode_(std::make_unique<DecodeAhead>(options_.decode_thread)),
      commit_(std::make_unique<CommitAhead>(options_.commit_thread)),
      employees_(
          {options_.max_cache_bytes, options_.max_cached_employees, options_.dedup_window_ms},
          store) {
  source_->SetListener(this);
}

Pipeline::~Pipeline() { source_->SetListener(nullptr); }

Status Pipeline::Run(const std::atomic<bool>& stop) {
  if (options_.stop_at_end) {
    auto ends = source_->QueryEndOffsets(std::chrono::seconds(30));
    if (!ends.ok()) return ends.status();
    end_offsets_ = std::move(ends.value());
  }
  Status result;
  stop_ = &stop;  // also checked between a batch's messages: a stop waits for no whole batch
  while (!stop.load() && !interrupted_) {
    // Caught up (the last poll took all there was): the batch in flight is published before
    // waiting for more, so it shows at once. Behind: it is written while the next is applied.
    if (caught_up_) {
      result = Drain();
      if (!result.ok()) break;
    }
    if (options_.stop_at_end && ReachedEnd()) break;
    result = Step(nullptr);
    if (!result.ok()) break;
  }
  // The batch in flight is durable or failed either way: wait for it (and show it).
  if (Status drained = Drain(); result.ok()) result = drained;
  if (!result.ok()) result = Latch(std::move(result));
  stop_ = nullptr;
  char spent[320];
  std::snprintf(spent, sizeof spent,
                "time spent: polling %.1f s, applying %.1f s (%.1f s of it waiting for decoding), "
                "committing %.1f s (%.1f s of it waiting for the store write)",
                poll_seconds_, apply_seconds_, decode_->waited_seconds(), commit_seconds_,
                commit_wait_seconds_);
  log::Write(log::Level::kInfo, "pipeline", spent);
  EnterPhase(Phase::kShutdown);
  // Leave the group: every partition is revoked (nothing is pending after a RunOnce).
  Status closed = source_->Close();
  return result.ok() ? closed : result;
}

bool Pipeline::ReachedEnd() const {
  for (size_t p = 0; p < end_offsets_.size(); ++p) {
    if (end_offsets_[p] <= 0) continue;
    auto it = partitions_.find(static_cast<int32_t>(p));
    if (it == partitions_.end() ||
        it->second->committed.next_offset.value_or(0) < end_offsets_[p]) {
      return false;
    }
  }
  return true;
}

Status Pipeline::RunOnce(bool* idle) {
  if (Status st = Step(idle); !st.ok()) return st;
  if (Status st = Drain(); !st.ok()) return Latch(std::move(st));
  return Status::OK();
}

Status Pipeline::Step(bool* idle) {
  // After a failure the in-memory state (offsets, cache, counters) may be ahead of the store:
  // nothing more is done until a restart re-reads the durable state.
  if (!fatal_.ok()) return fatal_;
  // The rest of an interrupted batch was consumed and not applied: only a new pipeline, which
  // resumes at the committed offsets, may go on.
  if (interrupted_) return Status::Internal("the pipeline was stopped in the middle of a batch");
  employees_.BeginBatch();
  messages_.clear();
  EnterPhase(Phase::kPolling);
  const auto polling = std::chrono::steady_clock::now();
  // The first batches after a start are small and double up to the maximum: a cold cache makes
  // a full first batch slow, and a restarted instance should show fresh numbers at once.
  batch_limit_ = std::min(options_.max_batch_messages, std::max<size_t>(batch_limit_ * 2, 1000));
  if (Status st = source_->Poll(&messages_, batch_limit_, options_.poll_timeout); !st.ok()) {
    return Latch(std::move(st));
  }
  const auto applying = std::chrono::steady_clock::now();
  poll_seconds_ += std::chrono::duration<double>(applying - polling).count();
  if (idle) *idle = messages_.empty();
  caught_up_ = messages_.size() < batch_limit_;
  if (!messages_.empty()) EnterPhase(Phase::kBatch);
  // Decoded on the second thread while applied here; every return below ends the batch first
  // (the messages' buffers go at the next Poll or Close).
  decode_->Start(messages_);
  struct EndBatch {
    DecodeAhead& decode;
    ~EndBatch() { decode.Finish(); }
  } end_batch{*decode_};
  Batch batch;
  size_t applied = 0;
  for (size_t i = 0; i < messages_.size(); ++i) {
    const ingest::Message& m = messages_[i];
    // A stop asked for while a (large) batch is applied: what is applied so far is committed;
    // the rest is not, and the restart consumes it again from the committed offsets.
    if (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) {
      interrupted_ = true;
      log::Write(log::Level::kInfo, "pipeline",
                 "stopping in the middle of a batch: committing the " + std::to_string(applied) +
                     " messages applied, the other " + std::to_string(messages_.size() - applied) +
                     " are consumed again after a restart");
      break;
    }
    if (Status st = ProcessMessage(m, decode_->Get(i), batch); !st.ok()) {
      return Latch(std::move(st));
    }
    ++applied;
    if (employees_.OverBudget()) {
      // This batch has loaded more employees than the cache may hold: commit what is applied
      // and wait for it (which lets the cache evict), then apply the rest of the messages as the
      // next batch.
      if (Status st = CommitBatch(batch); !st.ok()) return Latch(std::move(st));
      if (Status st = Drain(); !st.ok()) return Latch(std::move(st));
      Evict();
      batch = Batch{};
      employees_.BeginBatch();
      EnterPhase(Phase::kBatch);
    }
  }
  const auto committing = std::chrono::steady_clock::now();
  apply_seconds_ += std::chrono::duration<double>(committing - applying).count();
  if (Status st = CommitBatch(batch); !st.ok()) return Latch(std::move(st));
  Evict();
  commit_seconds_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - committing).count();
  RefreshLag();
  return Status::OK();
}

Status Pipeline::Latch(Status status) {
  if (fatal_.ok()) {
    fatal_ = status;
    log::Write(log::Level::kError, "pipeline",
               "stopped processing until a restart: " + status.ToString());
  }
  return status;
}

// While the commit thread writes, the phase shown is kCommit: a kill then lands inside the
// store write whatever the pipeline's thread does. Its own phase shows once the write returns.
void Pipeline::EnterPhase(Phase phase) {
  if (options_.phases == nullptr) return;
  std::lock_guard lock(phase_mu_);
  if (phase_ == Phase::kShutdown) return;
  phase_ = phase;
  if (store_writing_) {
    phase_moved_ = true;
  } else {
    options_.phases->Enter(phase, committed_messages_);
  }
}

void Pipeline::StoreWriting(bool writing) {
  if (options_.phases == nullptr) return;
  std::lock_guard lock(phase_mu_);
  if (writing) {
    options_.phases->Enter(Phase::kCommit, committed_messages_);
  } else if (phase_moved_) {
    options_.phases->Enter(phase_, committed_messages_);
  }
  store_writing_ = writing;
  phase_moved_ = false;
}

// Every owned partition's lag, at most once a second: partitions with nothing to consume, or
// whose consumer is stuck before its first commit, show their lag too (not only those that
// just committed).
void Pipeline::RefreshLag() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_lag_refresh_ < std::chrono::seconds(1)) return;
  last_lag_refresh_ = now;
  for (const auto& [p, part] : partitions_) {
    if (auto hw = source_->HighWatermark(p)) {
      probe_->PartitionLag(p, std::max<int64_t>(0, *hw - part->committed.next_offset.value_or(0)));
    }
  }
}

Status Pipeline::ProcessMessage(const ingest::Message& m, ingest::DecodeResult& decoded,
                                Batch& batch) {
  auto pit = partitions_.find(m.partition);
  if (pit == partitions_.end()) return Status::OK();  // not ours (a stale fetch after a revoke)
  Partition& part = *pit->second;
  if (m.offset < part.next_offset) return Status::OK();  // already applied: never twice
  part.next_offset = m.offset + 1;
  batch.next_offsets[m.partition] = part.next_offset;
  if (auto* rejection = std::get_if<ingest::Rejection>(&decoded)) {
    return DeadLetter(m, *rejection, batch);
  }
  return ApplyEvent(m, std::get<Event>(decoded), part, batch);
}

Status Pipeline::DeadLetter(const ingest::Message& m, const ingest::Rejection& rejection,
                            Batch& batch) {
  KINERJA_RETURN_IF_ERROR(
      dlq_->Send(m, ingest::RejectReasonName(rejection.reason), rejection.detail));
  const size_t type = rejection.type ? static_cast<size_t>(*rejection.type) : kEventTypeCount;
  batch.counts.events[type][static_cast<size_t>(Outcome::kDeadLettered)]++;
  batch.outcomes[m.partition].dead_lettered++;
  batch.counts.dead_letters[static_cast<size_t>(rejection.reason)]++;
  if (!rejection.source.empty()) {
    batch.counts.agencies[rejection.source].dead_letters[static_cast<size_t>(rejection.reason)]++;
  }
  batch.dead_lettered = true;
  return Status::OK();
}

// Dedup, then the processors, on the employee's state (state::EmployeeRepository).
Status Pipeline::ApplyEvent(const ingest::Message& m, const Event& event, Partition& part,
                            Batch& batch) {
  const size_t type = static_cast<size_t>(event.envelope.type);
  const int64_t ts = m.timestamp_ms >= 0 ? m.timestamp_ms : event.envelope.time.unix_seconds * 1000;
  auto loaded = employees_.Get(m.partition, event.envelope.subject, ts);
  if (!loaded.ok()) return loaded.status();
  state::EmployeeRepository::Employee& employee = **loaded;
  EmployeeState& employee_state = state::EmployeeRepository::StateOf(employee);
  if (m.timestamp_ms >= 0) batch.timestamps_ms.push_back(m.timestamp_ms);
  processors::DedupCheck dedup = processors::CheckDuplicateAndRemember(
      employee_state.dedup, event.envelope, ts, options_.dedup_window_ms);
  if (dedup == processors::DedupCheck::kNeedIds) {
    // A fingerprint matched: read the full ids of the stored chunks, then the check is exact.
    // The batch in flight may hold one of those chunks: it must be in the store first.
    if (in_flight_) {
      KINERJA_RETURN_IF_ERROR(Drain());
      EnterPhase(Phase::kBatch);
    }
    KINERJA_RETURN_IF_ERROR(employees_.LoadDedupIds(employee, ts));
    dedup = processors::CheckDuplicateAndRemember(employee_state.dedup, event.envelope, ts,
                                                  options_.dedup_window_ms);
  }
  if (dedup == processors::DedupCheck::kDuplicate) {
    // Rare; the window's clock may have moved, so the core is written too.
    batch.counts.events[type][static_cast<size_t>(Outcome::kDuplicate)]++;
    batch.outcomes[m.partition].duplicates++;
    return Status::OK();
  }
  KINERJA_RETURN_IF_ERROR(
      employees_.LoadYears(employee, processors::YearsNeededBy(event, employee_state)));
  processors::ApplyEffect effect =
      processors::Apply(event, employee_state,
                        &batch.deltas.try_emplace(m.partition, KpiTable::kKeepZeros).first->second);
  if (effect.year_written) employees_.YearChanged(employee, *effect.year_written);
  if (effect.month != processors::kNoMonth) {
    MonthIndex& newest =
        batch.newest.try_emplace(m.partition, part.committed.newest_month).first->second;
    newest = std::max(newest, effect.month);
  }
  batch.counts.events[type][static_cast<size_t>(Outcome::kApplied)]++;
  batch.outcomes[m.partition].applied++;
  AgencyCounts& agency = batch.counts.agencies[event.envelope.source];
  agency.applied++;
  if (!employee_state.master) agency.without_master_data++;
  return Status::OK();
}

Status Pipeline::CommitBatch(Batch& batch) {
  if (batch.next_offsets.empty()) return Status::OK();
  // A dead letter must be stored before the offset that skips it is committed.
  if (batch.dead_lettered) {
    EnterPhase(Phase::kDeadLetterFlush);
    KINERJA_RETURN_IF_ERROR(dlq_->Flush(options_.dlq_flush_timeout));
  }
  // The partitions' committed state is what this batch's counters and totals add to.
  KINERJA_RETURN_IF_ERROR(Drain());
  auto flight = std::make_unique<InFlight>();
  flight->batch = std::move(batch);
  Batch& b = flight->batch;
  // Every message that moved an offset has exactly one outcome: the totals move with it.
  for (const auto& [p, offset] : b.next_offsets) {
    state::PartitionChange& change =
        flight->changes.emplace_back(p, state::PartitionChange{}).second;
    change.next_offset = offset;
    if (auto d = b.deltas.find(p); d != b.deltas.end()) change.counters = &d->second;
    auto newest = b.newest.find(p);
    change.newest_month =
        newest == b.newest.end() ? partitions_.at(p)->committed.newest_month : newest->second;
    if (auto o = b.outcomes.find(p); o != b.outcomes.end()) change.outcomes = o->second;
  }
  employees_.AppendWrites(&flight->writes);
  for (const auto& [p, change] : flight->changes) {
    state::AppendPartitionWrites(p, partitions_.at(p)->committed, change, &flight->writes);
  }
  flight->writes.identity = std::move(new_identity_);
  new_identity_.reset();
  in_flight_ = std::move(flight);
  commit_->Start([this, f = in_flight_.get()] {
    StoreWriting(true);
    const auto t0 = std::chrono::steady_clock::now();
    Status status = store_->Commit(f->writes);
    f->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    StoreWriting(false);
    return status;
  });
  return Status::OK();
}

void Pipeline::Evict() {
  employees_.Evict();  // keeps the employees in flight
  probe_->CacheSize(employees_.bytes(), employees_.employees());
}

Status Pipeline::Drain() {
  if (!in_flight_) return Status::OK();
  const auto t0 = std::chrono::steady_clock::now();
  Status status = commit_->Wait();
  commit_wait_seconds_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::unique_ptr<InFlight> done = std::move(in_flight_);
  KINERJA_RETURN_IF_ERROR(status);
  employees_.WritesDurable();
  Publish(done->batch, done->changes, done->seconds);
  return Status::OK();
}

// The batch is durable: its counters and offsets become what /metrics and Kafka see.
void Pipeline::Publish(const Batch& batch,
                       const std::vector<std::pair<int32_t, state::PartitionChange>>& changes,
                       double commit_seconds) {
  std::vector<ingest::PartitionOffset> progress;
  {
    std::lock_guard lock(totals_mu_);
    for (const auto& [p, change] : changes) {
      state::PartitionState& committed = partitions_.at(p)->committed;
      if (change.counters != nullptr) totals_.AddAll(*change.counters);
      state::ApplyPartitionChange(change, &committed);
      newest_[p] = committed.newest_month;
      progress.push_back({p, change.next_offset});
    }
  }
  uint64_t committed_before = 0;
  {
    std::lock_guard lock(phase_mu_);
    committed_before = committed_messages_;
    committed_messages_ += batch.counts.total();
  }
  if (committed_before == 0) {
    // The moment a (re)started instance is consuming again, for operators and bench/restart.sh.
    log::Write(log::Level::kInfo, "pipeline",
               "first batch committed: " + std::to_string(batch.counts.total()) + " messages");
  }
  EnterPhase(Phase::kCommitted);
  source_->ReportProgress(progress);
  const int64_t now_ms = NowUnixMs();
  probe_->BatchCommitted(batch.counts, commit_seconds, now_ms);
  probe_->EventAges(batch.timestamps_ms, now_ms);
  for (const auto& po : progress) {
    if (auto hw = source_->HighWatermark(po.partition)) {
      probe_->PartitionLag(po.partition, std::max<int64_t>(0, *hw - po.offset));
    }
  }
  probe_->StateSize(store_->ApproximateSizeBytes());
  probe_->StoreMemory(store_->MemoryBytes());
}

// Before any partition's state is taken on: a state built from another topic, or from this
// topic with another partition count, would hold employees where their events no longer land.
// A state without an identity (new, or older than identities) takes this one on at the next
// commit. When the partition count cannot be read now, the check waits for the next assignment.
Status Pipeline::CheckIdentity() {
  auto ends = source_->QueryEndOffsets(std::chrono::seconds(10));
  if (!ends.ok()) {
    log::Write(log::Level::kWarn, "pipeline",
               "could not read the partition count of topic " + options_.topic + " (" +
                   ends.status().ToString() + "); the state is checked at the next assignment");
    return Status::OK();
  }
  const storage::StateIdentity current{options_.topic, static_cast<int32_t>(ends->size())};
  auto stored = store_->LoadIdentity();
  if (!stored.ok()) return stored.status();
  if (*stored) return storage::CheckIdentity(**stored, current);
  new_identity_ = current;
  return Status::OK();
}

Result<std::vector<std::optional<int64_t>>> Pipeline::OnAssigned(const std::vector<int32_t>& ps) {
  if (!fatal_.ok()) return fatal_;  // take on no partition after a failure
  EnterPhase(Phase::kRebalance);
  if (Status st = Drain(); !st.ok()) return Latch(std::move(st));
  KINERJA_RETURN_IF_ERROR(CheckIdentity());
  std::vector<std::optional<int64_t>> offsets;
  std::set<std::string> agencies;  // with employees in these partitions
  for (int32_t p : ps) {
    auto loaded = state::LoadPartition(*store_, p);
    if (!loaded.ok()) return loaded.status();
    auto part = std::make_unique<Partition>();
    part->committed = std::move(*loaded);
    part->next_offset = part->committed.next_offset.value_or(0);
    offsets.push_back(part->committed.next_offset);
    {
      std::lock_guard lock(totals_mu_);
      totals_.AddAll(part->committed.counters);
      newest_[p] = part->committed.newest_month;
    }
    if (auto hw = source_->HighWatermark(p)) {
      probe_->PartitionLag(p, std::max<int64_t>(0, *hw - part->next_offset));
    }
    for (const auto& [key, value] : part->committed.counters) {
      if (key.kpi == processors::Kpi::kEmployees) agencies.insert(key.agency);
    }
    partitions_[p] = std::move(part);
  }
  probe_->Assignment(partitions_.size(), true);
  probe_->AgenciesKnown({agencies.begin(), agencies.end()});
  log::Write(log::Level::kInfo, "pipeline",
             "partitions assigned: " + PartitionRanges(ps) + " (now owning " +
                 std::to_string(partitions_.size()) + ")");
  EnterPhase(Phase::kPolling);  // back in Poll
  return offsets;
}

Status Pipeline::OnRevoked(const std::vector<int32_t>& ps) {
  // Called between batches: once the batch in flight is committed, everything applied is, so
  // the state can simply go.
  EnterPhase(Phase::kRebalance);
  if (Status st = Drain(); !st.ok()) return Latch(std::move(st));
  for (int32_t p : ps) {
    auto it = partitions_.find(p);
    if (it == partitions_.end()) continue;
    {
      std::lock_guard lock(totals_mu_);
      totals_.AddAll(it->second->committed.counters, -1);
      newest_.erase(p);
    }
    employees_.DropPartition(p);
    partitions_.erase(it);
    probe_->PartitionLag(p, std::nullopt);
  }
  probe_->Assignment(partitions_.size(), true);
  log::Write(log::Level::kInfo, "pipeline",
             "partitions revoked: " + PartitionRanges(ps) + " (now owning " +
                 std::to_string(partitions_.size()) + ")");
  EnterPhase(Phase::kPolling);  // back in Poll
  return Status::OK();
}

KpiSnapshot Pipeline::Snapshot() const {
  std::lock_guard lock(totals_mu_);
  KpiSnapshot snap;
  snap.counters = totals_;
  for (const auto& [p, m] : newest_) snap.newest_month = std::max(snap.newest_month, m);
  return snap;
}

}  // namespace kinerja::pipeline
