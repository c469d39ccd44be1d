// Kafka messages as the rest of Kinerja sees them: consumed ones as views into the client's
// buffers, and owned ones for producing (tools, dead letters, tests).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kinerja::ingest {

// One Kafka header; a header may have a null value.
struct MessageHeader {
  std::string_view name;
  std::optional<std::string_view> value;
};

// One consumed message. Views stay valid until the next EventSource::Poll or Close.
struct Message {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  // Kafka message timestamp; -1 when the broker gave none
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::span<const MessageHeader> headers;  // in the order the producer wrote them
};

// An owned header, for producing.
struct Header {
  std::string name;
  std::optional<std::string> value;
};

// An owned message (without topic and partition), for producing.
struct OwnedMessage {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;
};

struct PartitionOffset {
  int32_t partition = 0;
  int64_t offset = 0;  // the next offset to consume
};

}  // namespace kinerja::ingest
