// The hostile-input corpus through the decoder: every message gets the reason docs/events.md
// gives for it (the corpus says which, written by hand), in both content modes, and the detail
// names the fault. The valid controls the faults were made from are accepted.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "hostile_corpus.h"
#include "ingest/decoder.h"

using namespace kinerja;
using kinerja::testing::HostileCase;

namespace {

// "accepted", or the rejection's code and detail.
std::pair<std::string, std::string> Verdict(ingest::Decoder& decoder, const HostileCase& c) {
  std::vector<ingest::MessageHeader> headers;
  for (const auto& h : c.message.headers) {
    headers.push_back({h.name, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
  }
  auto as_view = [](const std::optional<std::string>& s) {
    return s ? std::optional<std::string_view>(*s) : std::nullopt;
  };
  const auto result =
      decoder.Decode(as_view(c.message.key), as_view(c.message.value), headers, c.timestamp_ms);
  if (const auto* r = std::get_if<ingest::Rejection>(&result)) {
    return {std::string(ingest::RejectReasonName(r->reason)), r->detail};
  }
  return {"accepted", ""};
}

}  // namespace

TEST_CASE("every message of the hostile corpus gets its documented reason, in both modes") {
  const auto cases = kinerja::testing::LoadHostileCorpus();
  std::map<std::string, int> bad_by_mode;
  for (const auto& c : cases) {
    if (c.reason != "accepted") bad_by_mode[c.name.substr(c.name.rfind('/') + 1)]++;
  }
  // The corpus is as large as promised: at least 200 bad messages, in both modes.
  CHECK(bad_by_mode["structured"] + bad_by_mode["binary"] >= 200);
  CHECK(bad_by_mode["binary"] >= 100);

  ingest::Decoder decoder;
  std::ostringstream wrong;
  int checked = 0;
  for (const auto& c : cases) {
    const auto [reason, detail] = Verdict(decoder, c);
    ++checked;
    if (reason != c.reason) {
      wrong << c.name << ": expected " << c.reason << ", got " << reason << " (" << detail << ")\n";
    } else if (!c.detail.empty() && detail.find(c.detail) == std::string::npos) {
      wrong << c.name << ": " << reason << " detail '" << detail << "' lacks '" << c.detail
            << "'\n";
    }
  }
  INFO(wrong.str());
  CHECK(wrong.str().empty());
  CHECK(checked == static_cast<int>(cases.size()));
}

TEST_CASE("rejection details never echo the message's personal data") {
  ingest::Decoder decoder;
  for (const auto& c : kinerja::testing::LoadHostileCorpus()) {
    const auto [reason, detail] = Verdict(decoder, c);
    INFO(c.name << ": " << detail);
    CHECK(detail.find("198609262015051001") == std::string::npos);
    CHECK(detail.find("197001012000011001") == std::string::npos);
    CHECK(detail.find("Terima") == std::string::npos);
  }
}
