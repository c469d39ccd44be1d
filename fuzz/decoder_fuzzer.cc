// libFuzzer target: one Kafka message (fuzz/frame.h) through the decoder, as the pipeline reads
// it, and its value as an NDJSON line through `kinerja validate`'s path (MessageBuilder, then
// the decoder) in both content modes. Invariants: fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "contract_checks.h"
#include "frame.h"
#include "fuzz_check.h"
#include "ingest/binding.h"
#include "ingest/decoder.h"

namespace kinerja::fuzz {
namespace {

size_t Bytes(const ingest::OwnedMessage& m) {
  size_t n = m.value ? m.value->size() : 0;
  for (const ingest::Header& h : m.headers) n += h.name.size() + (h.value ? h.value->size() : 0);
  return n;
}

// `kinerja validate --content-mode MODE` on one line: the message `kinerja publish` would send.
std::optional<FramedMessage> Published(ingest::ContentMode mode, std::string_view line,
                                       int64_t timestamp_ms) {
  ingest::MessageBuilder builder(mode);
  Result<ingest::OwnedMessage> built = builder.Build(line);
  if (!built.ok()) return std::nullopt;  // a message record that cannot be read
  return FramedMessage{std::move(built.value()), timestamp_ms};
}

// An event that structured mode accepts is the same event in binary mode, where each attribute
// is a header (docs/events.md, "Content modes": the same contract in both modes).
void CheckValidatePath(ingest::Decoder& decoder, std::string_view line, int64_t timestamp_ms) {
  auto structured = Published(ingest::ContentMode::kStructured, line, timestamp_ms);
  auto binary = Published(ingest::ContentMode::kBinary, line, timestamp_ms);
  FUZZ_CHECK(structured.has_value() == binary.has_value(), "records are read in both modes");
  if (!structured) return;
  const ingest::DecodeResult s = DecodeFramed(decoder, *structured);
  const ingest::DecodeResult b = DecodeFramed(decoder, *binary);
  CheckDecodeResult(*structured, s);
  CheckDecodeResult(*binary, b);
  // (A message record is sent as written in either mode: the same message, trivially.)
  // (An accepted event has no member name twice: docs/events.md makes that malformed_json.)
  if (std::holds_alternative<Event>(s) && Bytes(binary->message) <= ingest::kMaxEventBytes) {
    FUZZ_CHECK(SameResult(s, b), "binary mode gives " + Describe(b));
  }
}

}  // namespace
}  // namespace kinerja::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kinerja::fuzz;
  static kinerja::ingest::Decoder decoder;  // reused, as the pipeline reuses its one
  const FramedMessage framed =
      ParseFrame(std::string_view(reinterpret_cast<const char*>(data), size));
  const kinerja::ingest::DecodeResult first = DecodeFramed(decoder, framed);
  CheckDecodeResult(framed, first);
  static const bool verbose = std::getenv("KINERJA_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "decoded: %s\n", Describe(first).c_str());
  // The decoder keeps buffers between messages but no meaning: the same message, same result.
  const kinerja::ingest::DecodeResult again = DecodeFramed(decoder, framed);
  FUZZ_CHECK(SameResult(first, again), Describe(first) + " then " + Describe(again));
  if (framed.message.value) CheckValidatePath(decoder, *framed.message.value, framed.timestamp_ms);
  return 0;
}
