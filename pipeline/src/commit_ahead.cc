#include "commit_ahead.h"

#include <pthread.h>

#include <utility>

namespace kinerja::pipeline {

CommitAhead::CommitAhead(bool threaded) : threaded_(threaded) {
  if (threaded_) thread_ = std::thread([this] { Work(); });
}

CommitAhead::~CommitAhead() {
  if (!threaded_) return;
  {
    std::lock_guard lock(mu_);
    quit_ = true;  // the thread finishes the commit it has, then exits
  }
  cv_.notify_all();
  thread_.join();
}

void CommitAhead::Start(std::function<Status()> commit) {
  pending_ = true;
  if (!threaded_) {
    result_ = commit();
    return;
  }
  {
    std::lock_guard lock(mu_);
    work_ = std::move(commit);
    result_.reset();
  }
  cv_.notify_all();
}

Status CommitAhead::Wait() {
  if (!pending_) return Status::OK();
  pending_ = false;
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return result_.has_value(); });
  Status status = std::move(*result_);
  result_.reset();
  return status;
}

void CommitAhead::Work() {
  pthread_setname_np(pthread_self(), "kinerja-commit");
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return quit_ || work_; });
    if (!work_) return;  // quit, nothing left to commit
    std::function<Status()> work = std::move(work_);
    work_ = nullptr;
    lock.unlock();
    Status status = work();
    lock.lock();
    result_ = std::move(status);
    cv_.notify_all();
  }
}

}  // namespace kinerja::pipeline
