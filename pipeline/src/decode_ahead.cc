#include "decode_ahead.h"

#include <pthread.h>

#include <chrono>

namespace kinerja::pipeline {
namespace {

// The thread publishes progress every this many messages (one futex wake at most each time).
constexpr size_t kPublishEvery = 64;

}  // namespace

DecodeAhead::DecodeAhead(bool threaded) : threaded_(threaded) {
  if (threaded_) thread_ = std::thread([this] { Work(); });
}

DecodeAhead::~DecodeAhead() {
  if (!threaded_) return;
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  cancel_.store(true);
  cv_.notify_all();
  thread_.join();
}

ingest::DecodeResult DecodeAhead::DecodeOne(ingest::Decoder& decoder, size_t i) const {
  const ingest::Message& m = messages_[i];
  return decoder.Decode(m.key, m.value, m.headers, m.timestamp_ms);
}

void DecodeAhead::Start(std::span<const ingest::Message> messages) {
  messages_ = messages;
  results_.resize(messages.size());
  ready_.store(0);
  if (!threaded_ || messages.empty()) return;
  {
    std::lock_guard lock(mu_);
    cancel_.store(false);
    ++started_;
  }
  cv_.notify_all();
}

ingest::DecodeResult& DecodeAhead::Get(size_t i) {
  if (!threaded_) {
    results_[i] = DecodeOne(inline_decoder_, i);
    return results_[i];
  }
  size_t ready = ready_.load(std::memory_order_acquire);
  if (ready <= i) {
    const auto t0 = std::chrono::steady_clock::now();
    while (ready <= i) {
      ready_.wait(ready, std::memory_order_acquire);
      ready = ready_.load(std::memory_order_acquire);
    }
    waited_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return results_[i];
}

void DecodeAhead::Finish() {
  if (threaded_ && !messages_.empty()) {
    cancel_.store(true);
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return finished_ == started_; });
  }
  messages_ = {};
}

void DecodeAhead::Work() {
  pthread_setname_np(pthread_self(), "kinerja-decode");  // as top -H and perf show it
  ingest::Decoder decoder;  // this thread's own (a Decoder is not thread-safe)
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return quit_ || started_ != finished_; });
    if (quit_) return;
    lock.unlock();
    const size_t n = messages_.size();
    for (size_t i = 0; i < n && !cancel_.load(std::memory_order_relaxed); ++i) {
      results_[i] = DecodeOne(decoder, i);
      if ((i + 1) % kPublishEvery == 0 || i + 1 == n) {
        ready_.store(i + 1, std::memory_order_release);
        ready_.notify_one();
      }
    }
    lock.lock();
    finished_ = started_;
    cv_.notify_all();
  }
}

}  // namespace kinerja::pipeline
