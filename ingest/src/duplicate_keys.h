// Duplicate object keys: RFC 8259 leaves their meaning open (parsers keep the first, the last,
// or fail), so the same bytes could mean two different events to two readers. The decoder
// refuses them anywhere in a document (docs/events.md, "Readings of the contract").
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>

namespace kinerja::ingest::internal {

// The path of the first key that appears twice in one object, anywhere in `root`, as
// `data.indicators[0].id` (keys after JSON unescaping); nullopt if every object's keys are
// distinct. A key that does not read as a plain name (it could hold personal data, control
// characters or be long) is shown as "(a name not shown)".
std::optional<std::string> FindDuplicateKey(simdjson::dom::element root);

}  // namespace kinerja::ingest::internal
