// The framing of one Kafka message in a fuzz input (fuzz/README.md, "Message framing"): a few
// lines that set the key, the headers and the Kafka timestamp, then `V:` and the value, so that
// libFuzzer reaches both CloudEvents content modes, null keys and values, repeated headers and
// the future-date rule from plain text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/message.h"

namespace kinerja::fuzz {

// A message as a Kafka consumer would hand it to the decoder.
struct FramedMessage {
  ingest::OwnedMessage message;
  int64_t timestamp_ms = -1;  // negative: unknown
};

// Line by line, until a `V:` line:
//   K:<bytes>       the key (the last K or S line wins; without one the key is null)
//   S               the key is the event's subject (the ce_subject header, else the JSON
//                   value's "subject"), as kinerja publish keys it; null when there is none
//   H:<name>=<val>  a header (names cannot hold '='); H:<name> without '=' has a null value
//   T:<ms>          the Kafka timestamp in ms (decimal, may be negative)
//   V:<rest>        the value: every byte after "V:" to the end of the input
// Any other line is ignored. Without a V line the value is null.
FramedMessage ParseFrame(std::string_view input);

// The event subject a producer keying by subject would use: the first ce_subject header with a
// value, else the string member "subject" of the value parsed as JSON.
std::optional<std::string> SubjectOf(const ingest::OwnedMessage& message);

}  // namespace kinerja::fuzz
