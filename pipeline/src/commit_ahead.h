// Runs a batch's store commit on a third thread while the pipeline applies the next batch: the
// RocksDB write (and the write-ahead log) overlaps decoding and applying. At most one commit is
// in flight; without a thread, Start runs the commit at once.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/status.h"

namespace kinerja::pipeline {

class CommitAhead {
 public:
  explicit CommitAhead(bool threaded);
  ~CommitAhead();  // waits for the commit in flight, then joins the thread
  CommitAhead(const CommitAhead&) = delete;
  CommitAhead& operator=(const CommitAhead&) = delete;

  // Starts `commit`. The one started before must have been waited for (Wait).
  void Start(std::function<Status()> commit);
  // Whether a commit was started and not yet waited for.
  bool pending() const { return pending_; }
  // Waits for the commit started last and returns its status (OK when none is pending).
  Status Wait();

 private:
  void Work();

  const bool threaded_;
  bool pending_ = false;  // the caller's thread only
  std::mutex mu_;
  std::condition_variable cv_;
  std::function<Status()> work_;  // guarded by mu_; set by Start, cleared by the thread
  std::optional<Status> result_;  // guarded by mu_; set by the thread, taken by Wait
  bool quit_ = false;             // guarded by mu_
  std::thread thread_;            // last: starts once everything above exists
};

}  // namespace kinerja::pipeline
