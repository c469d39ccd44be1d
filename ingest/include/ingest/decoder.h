// Decoding and validation of one Kafka message against the event contract v1 (docs/events.md).
// Pure CPU work, no I/O. Not thread-safe: use one Decoder per thread (it reuses its buffers).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/event.h"
#include "ingest/message.h"

namespace kinerja::ingest {

// Rejection reasons, in precedence order: when a message has several faults the first wins.
enum class RejectReason : uint8_t {
  kTooLarge,
  kMalformedJson,
  kInvalidEnvelope,
  kUnknownType,
  kInvalidNip,
  kKeyMismatch,
  kInvalidData,
};
inline constexpr size_t kRejectReasonCount = 7;
std::string_view RejectReasonName(RejectReason r);  // "invalid_nip", as in the DLQ header

inline constexpr size_t kMaxEventBytes = 65536;

struct Rejection {
  RejectReason reason;
  std::string detail;             // human text; never echoes personal data
  std::optional<EventType> type;  // the event type, when it was readable and known
  // The publishing agency's code (from a valid envelope `source`), when the message was read
  // that far; empty otherwise. Lets dead letters be counted per agency.
  std::string source;
};

using DecodeResult = std::variant<Event, Rejection>;

class Decoder {
 public:
  Decoder();
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // `key` and `value` are std::nullopt for a null Kafka key / value. The headers decide the
  // CloudEvents content mode (docs/events.md): structured (the value is the event) or binary
  // (ce_ headers carry the envelope, the value is `data`); without headers, structured.
  // `timestamp_ms` is the message's Kafka timestamp: no date of the event may lie in a later
  // month (in WIT; docs/events.md, "Dates in the future"); negative when unknown, and then
  // that rule is not checked.
  DecodeResult Decode(std::optional<std::string_view> key, std::optional<std::string_view> value,
                      std::span<const MessageHeader> headers = {}, int64_t timestamp_ms = -1);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kinerja::ingest
