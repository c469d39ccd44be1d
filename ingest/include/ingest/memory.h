// In-memory twins of EventSource and DeadLetterSink, for fast deterministic tests.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ingest/source.h"

namespace kinerja::ingest {

// A topic held in memory. Owns every partition; `Append` adds messages at any time.
class MemorySource : public EventSource {
 public:
  struct Record {
    std::optional<std::string> key;
    std::optional<std::string> value;
    int64_t timestamp_ms = 0;
    std::vector<Header> headers = {};
  };

  explicit MemorySource(int32_t partitions);
  // Returns the offset given to the record.
  int64_t Append(int32_t partition, Record record);
  int32_t partitions() const { return static_cast<int32_t>(log_.size()); }
  // Simulates losing and regaining ownership (a rebalance), calling the listener.
  Status Revoke(const std::vector<int32_t>& partitions);
  Status Assign(const std::vector<int32_t>& partitions);

  void SetListener(PartitionListener* listener) override { listener_ = listener; }
  Status Poll(std::vector<Message>* out, size_t max, std::chrono::milliseconds timeout) override;
  void ReportProgress(const std::vector<PartitionOffset>& offsets) override;
  // Unknown (nullopt) until the partition has been polled after its assignment.
  std::optional<int64_t> HighWatermark(int32_t partition) override;
  Result<std::vector<int64_t>> QueryEndOffsets(std::chrono::milliseconds timeout) override;
  Status Close() override;

  const std::map<int32_t, int64_t>& reported() const { return reported_; }

 private:
  PartitionListener* listener_ = nullptr;
  std::vector<std::vector<Record>> log_;
  std::map<int32_t, int64_t> position_;  // owned partitions -> next offset to hand out
  std::map<int32_t, int64_t> reported_;
  // Owned partitions polled since their assignment: as with Kafka, whose client learns a high
  // watermark from fetch responses, HighWatermark is unknown before that.
  std::set<int32_t> fetched_;
  std::vector<MessageHeader> headers_;  // the last Poll's headers (views into the records)
  bool started_ = false;
  int32_t next_partition_ = 0;  // round-robin across partitions, like a fetcher would
};

class MemoryDeadLetters : public DeadLetterSink {
 public:
  struct Entry {
    Message source;  // views into the source's storage (headers not valid after the next Poll)
    std::optional<std::string> key, value;
    std::vector<Header> headers;  // the original message's, copied
    std::string reason, detail;
  };
  Status Send(const Message& message, std::string_view reason, std::string_view detail) override;
  Status Flush(std::chrono::milliseconds) override { return Status::OK(); }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace kinerja::ingest
