// Test-only (app/README.md, "Test-only hooks"): when KINERJA_TEST_PHASE_FILE names a file,
// `kinerja run` keeps in it the phase its pipeline is in (pipeline/phase.h), so that a crash
// test can kill the process in a chosen phase and read, after the kill, where it died.
#pragma once

#include <cstdint>
#include <memory>

#include "core/status.h"
#include "pipeline/phase.h"

namespace kinerja::app {

// The file holds one fixed-size record, rewritten in place (pwrite at offset 0, no fsync: the
// test reads it through the page cache, which outlives a killed process):
//   "<phase> <changes> <committed>\n", padded with spaces to kRecordBytes,
// where <phase> is pipeline::PhaseName, <changes> counts the records written and <committed>
// the messages the pipeline has committed in this process.
class PhaseFile : public pipeline::PhaseObserver {
 public:
  static constexpr size_t kRecordBytes = 64;

  // nullptr when KINERJA_TEST_PHASE_FILE is unset or empty; fails when the file cannot be
  // created.
  static Result<std::unique_ptr<PhaseFile>> FromEnvironment();
  ~PhaseFile() override;
  PhaseFile(const PhaseFile&) = delete;
  PhaseFile& operator=(const PhaseFile&) = delete;

  void Enter(pipeline::Phase phase, uint64_t committed_messages) override;

 private:
  explicit PhaseFile(int fd) : fd_(fd) {}

  int fd_;
  uint64_t changes_ = 0;
};

}  // namespace kinerja::app
