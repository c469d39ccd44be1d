// Where events come from and where rejects go: narrow interfaces so the pipeline is tested with
// in-memory twins (memory.h) and run with Kafka (kafka.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/message.h"

namespace kinerja::ingest {

// Told about partition ownership changes. Called on the polling thread, inside Poll.
class PartitionListener {
 public:
  virtual ~PartitionListener() = default;
  // Newly owned partitions. Returns, per partition in order, the offset to resume from
  // (std::nullopt: the earliest offset). An error stops the source (Poll returns it).
  virtual Result<std::vector<std::optional<int64_t>>> OnAssigned(
      const std::vector<int32_t>& partitions) = 0;
  // Partitions about to be taken away; their in-flight work must be committed or dropped now.
  virtual Status OnRevoked(const std::vector<int32_t>& partitions) = 0;
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  virtual void SetListener(PartitionListener* listener) = 0;
  // Appends up to `max` messages to *out, waiting at most `timeout` for the first one.
  // Rebalance callbacks run inside Poll. A returned error is fatal for the source.
  virtual Status Poll(std::vector<Message>* out, size_t max, std::chrono::milliseconds timeout) = 0;
  // Publishes consumed progress to Kafka for outside lag tools (best effort, asynchronous).
  virtual void ReportProgress(const std::vector<PartitionOffset>& offsets) = 0;
  // The last known high watermark of an owned partition.
  virtual std::optional<int64_t> HighWatermark(int32_t partition) = 0;
  // The current end offset of every partition of the topic, indexed by partition.
  virtual Result<std::vector<int64_t>> QueryEndOffsets(std::chrono::milliseconds timeout) = 0;
  // Leaves the consumer group (revoking every partition through the listener).
  virtual Status Close() = 0;
};

// A rejected message on its way to the dead-letter topic.
class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;
  // Queues the message unchanged, with the reason headers of docs/events.md.
  virtual Status Send(const Message& message, std::string_view reason, std::string_view detail) = 0;
  // Waits until everything sent so far is durably stored; an error means some may be lost, so
  // the caller must not commit the offsets of those messages.
  virtual Status Flush(std::chrono::milliseconds timeout) = 0;
};

}  // namespace kinerja::ingest
