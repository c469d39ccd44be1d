// Where the pipeline is, for crash tests: `kinerja run` records it in a file when the test-only
// variable KINERJA_TEST_PHASE_FILE is set (app/README.md, "Test-only hooks"), so that a test
// can kill the process in a chosen phase and know where it died. Without an observer the
// pipeline only tests a null pointer per phase change.
#pragma once

#include <cstdint>
#include <string_view>

namespace kinerja::pipeline {

enum class Phase : uint8_t {
  kStarting,         // before the pipeline runs (set by the caller)
  kPolling,          // waiting for messages (between batches)
  kBatch,            // decoding and applying a batch, nothing of it committed yet
  kDeadLetterFlush,  // waiting for the batch's dead letters to be stored
  kCommit,           // the batch's atomic state write (StateStore::Commit)
  kCommitted,        // after the write: making the batch visible (metrics, progress to Kafka)
  kRebalance,        // partitions being assigned (their state loaded) or revoked
  kShutdown,         // stopping (a signal, or the end of a replay): kept until the process exits
};

// The name a phase file holds: "starting", "polling", "batch", "dlq-flush", "commit",
// "committed", "rebalance", "shutdown".
std::string_view PhaseName(Phase phase);

class PhaseObserver {
 public:
  virtual ~PhaseObserver() = default;
  // Called on the pipeline's thread at every change. `committed_messages`: the messages this
  // pipeline has committed so far (their outcomes are durable).
  virtual void Enter(Phase phase, uint64_t committed_messages) = 0;
};

}  // namespace kinerja::pipeline
