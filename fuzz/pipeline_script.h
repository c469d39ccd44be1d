// The input of the pipeline target (fuzz/README.md, "Pipeline scripts"): NDJSON lines, each
// published as `kinerja publish` would send it, interleaved with operator actions (run batches,
// restart, crash on a commit, revoke and assign partitions, move the Kafka clock).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ingest/memory.h"

namespace kinerja::fuzz {

inline constexpr int32_t kScriptPartitions = 3;

struct ScriptMessage {
  int32_t partition = 0;
  ingest::MemorySource::Record record;
};

struct ScriptOp {
  enum Kind { kMessage, kRun, kRestart, kCrash, kRevoke, kAssign, kBatch, kCache };
  Kind kind = kMessage;
  int64_t arg = 0;  // kMessage: index in Script::messages; kRun: batches; kRevoke, kAssign:
                    // partition; kBatch: messages per batch; kCache: employees cached
};

struct Script {
  std::vector<ScriptMessage> messages;  // in the order they are produced
  std::vector<ScriptOp> ops;
  int64_t dedup_window_ms = 7LL * 24 * 3600 * 1000;  // docs/events.md rule 2
};

// One line at a time:
//   ~run N       N batches (1-16; RunOnce each)          ~restart    a new process, same store
//   ~crash       the next commit fails, then a restart   ~revoke P   ~assign P   (P mod 3)
//   ~t+S ~t-S    move the Kafka clock by S seconds        ~t=MS       set it (ms; -1: none)
//   ~p N         the next message goes to partition N mod 3 (else a hash of its key)
//   ~batch N     messages per batch from the next process on (1-64)
//   ~cache N     employees cached from the next process on (0-16; evicted after commits)
//   ~window H    the dedup window in hours for the whole script (0-400)
//   b<line>      <line> published in binary content mode
//   <line>       published in structured content mode (a message record: as written)
// Empty lines, unknown actions and records that cannot be read are skipped; at most 256
// messages are kept.
Script ParseScript(std::string_view input);

}  // namespace kinerja::fuzz
