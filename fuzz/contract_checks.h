// What every decode result must satisfy, checked cheaply and, where it can be, from the message
// itself rather than from the decoder's own helpers (docs/events.md; fuzz/README.md lists them).
#pragma once

#include "frame.h"
#include "ingest/decoder.h"

namespace kinerja::fuzz {

// Decodes `framed` as the pipeline does (the decoder's view of an owned message).
ingest::DecodeResult DecodeFramed(ingest::Decoder& decoder, const FramedMessage& framed);

// Aborts (FUZZ_CHECK) unless `result` is a valid decoding of `framed`: an accepted event meets
// the contract's rules and matches the key, headers and value it came from; a rejection has a
// reason consistent with the message, a detail, and no NIP in the detail.
void CheckDecodeResult(const FramedMessage& framed, const ingest::DecodeResult& result);

// Whether two results are the same (equal events, or the same reason, detail, type and source).
bool SameResult(const ingest::DecodeResult& a, const ingest::DecodeResult& b);

// A short description of a result for failure messages (reason and detail, or the type).
std::string Describe(const ingest::DecodeResult& result);

}  // namespace kinerja::fuzz
