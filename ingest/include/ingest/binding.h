// The CloudEvents Kafka protocol binding on the producing side: an NDJSON line turned into the
// Kafka message that `kinerja publish` sends and `kinerja validate` checks (docs/events.md,
// "Content modes" and "NDJSON lines").
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "ingest/message.h"

namespace kinerja::ingest {

enum class ContentMode : uint8_t {
  kStructured,  // the value is the whole event; header content-type: application/cloudevents+json
  kBinary       // ce_ headers carry the attributes, content-type the data's type; the value is data
};
std::optional<ContentMode> ParseContentMode(std::string_view name);  // "structured", "binary"

// Turns NDJSON lines into messages. Not thread-safe (it reuses a parser).
class MessageBuilder {
 public:
  explicit MessageBuilder(ContentMode mode);
  ~MessageBuilder();
  MessageBuilder(const MessageBuilder&) = delete;
  MessageBuilder& operator=(const MessageBuilder&) = delete;

  // One line:
  //  - a message record, an object with members "headers" ([[name, value], ...], a value a
  //    string or null) and "value" (a string is the value's text as is, null a null value,
  //    other JSON its compact text), and optionally "key" (a string or null): exactly that
  //    message, whatever the mode;
  //  - anything else is an event in structured JSON, keyed by its `partitionkey` extension when
  //    it has one (the CloudEvents partitioning extension, as the SDKs do), else by its `subject`
  //    (when a string), and sent in this builder's mode. Binary mode maps each top-level member
  //    but `data` and `partitionkey` to a ce_<name> header (`datacontenttype` to content-type)
  //    holding the string, or the compact JSON of a non-string; `data` becomes the value (null
  //    when absent). A line that is not a
  //    JSON object is sent as it is, without headers, for the pipeline to dead-letter.
  // An error only for a message record that cannot be read (names the member).
  Result<OwnedMessage> Build(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Views of an owned message's headers, for the decoder (valid while `message` lives).
std::vector<MessageHeader> HeaderViews(const OwnedMessage& message);

}  // namespace kinerja::ingest
