// Decodes a batch's messages on a second thread while the pipeline applies them, in order, on
// its own: decoding (JSON parsing, validation) and applying overlap, one core each. Without a
// thread, each message is decoded when it is asked for.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "ingest/decoder.h"

namespace kinerja::pipeline {

class DecodeAhead {
 public:
  explicit DecodeAhead(bool threaded);
  ~DecodeAhead();  // stops and joins the thread
  DecodeAhead(const DecodeAhead&) = delete;
  DecodeAhead& operator=(const DecodeAhead&) = delete;

  // Starts on a batch. The messages (and the buffers they view) must stay until Finish.
  void Start(std::span<const ingest::Message> messages);
  // Message i of the batch, decoded: waits until it is. Call in order of i.
  ingest::DecodeResult& Get(size_t i);
  // Ends the batch: the thread stops decoding (whatever is left) and lets go of the messages.
  void Finish();
  // Seconds Get has waited for the thread, in total.
  double waited_seconds() const { return waited_seconds_; }

 private:
  void Work();
  ingest::DecodeResult DecodeOne(ingest::Decoder& decoder, size_t i) const;

  const bool threaded_;
  std::span<const ingest::Message> messages_;
  std::vector<ingest::DecodeResult> results_;
  ingest::Decoder inline_decoder_;  // without a thread
  std::atomic<size_t> ready_{0};    // results_[0, ready_) are decoded
  std::atomic<bool> cancel_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t started_ = 0;   // batches started; guarded by mu_
  uint64_t finished_ = 0;  // batches the thread is done with; guarded by mu_
  bool quit_ = false;      // guarded by mu_
  double waited_seconds_ = 0;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace kinerja::pipeline
