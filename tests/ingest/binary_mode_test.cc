// The CloudEvents Kafka binding in the decoder: which content mode a message is in, and binary
// mode (ce_ headers carry the envelope, the value is `data`) held to the same contract as
// structured mode: the same rules, reasons and precedence. Events are the hand-written samples;
// their binary form is written out here by hand, not by the code under test.
#include <catch2/catch.hpp>

#include "ingest/binding.h"
#include "ingest/decoder.h"
#include "sample_events.h"

using namespace kinerja;
using namespace kinerja::ingest;
namespace samples = kinerja::testing::samples;

namespace {

constexpr const char* kNip = "198609262015051001";

// A message with owned headers, decoded.
struct Msg {
  std::optional<std::string> key = kNip;
  std::optional<std::string> value;
  std::vector<Header> headers;

  Msg& Set(const std::string& name, std::optional<std::string> v) {
    for (auto& h : headers) {
      if (h.name == name) {
        h.value = std::move(v);
        return *this;
      }
    }
    headers.push_back({name, std::move(v)});
    return *this;
  }
  Msg& Add(const std::string& name, std::optional<std::string> v) {
    headers.push_back({name, std::move(v)});
    return *this;
  }
  Msg& Drop(const std::string& name) {
    std::erase_if(headers, [&](const Header& h) { return h.name == name; });
    return *this;
  }
  DecodeResult Decode() const {
    static Decoder decoder;
    std::vector<MessageHeader> views;
    for (const auto& h : headers) {
      views.push_back({h.name, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
    }
    return decoder.Decode(key ? std::optional<std::string_view>(*key) : std::nullopt,
                          value ? std::optional<std::string_view>(*value) : std::nullopt, views);
  }
};

// The binary form of a sample: the sample envelope's attributes as headers, `data` the value.
Msg Binary(const std::string& type, const std::string& data) {
  Msg m;
  m.value = data;
  m.Add("ce_specversion", "1.0")
      .Add("ce_id", "e-1")
      .Add("ce_source", "/agencies/A1")
      .Add("ce_type", "kinerja." + type)
      .Add("ce_subject", kNip)
      .Add("ce_time", "2026-04-02T09:30:00+08:00")
      .Add("content-type", "application/json");
  return m;
}

const std::string kActivityData =
    R"({"date":"2026-03-10","minutes":90,"category":"administrative"})";
Msg Activity() { return Binary("activity.logged.v1", kActivityData); }

std::string ReasonOf(const DecodeResult& r) {
  if (std::holds_alternative<Event>(r)) return "accepted";
  return std::string(RejectReasonName(std::get<Rejection>(r).reason));
}

std::string DetailOf(const DecodeResult& r) {
  return std::holds_alternative<Event>(r) ? "" : std::get<Rejection>(r).detail;
}

Event Structured(const std::string& json) {
  static Decoder decoder;
  auto r = decoder.Decode(std::string_view(kNip), json);
  REQUIRE(std::holds_alternative<Event>(r));
  return std::get<Event>(r);
}

}  // namespace

TEST_CASE("every type in binary mode decodes to the same event as its structured form") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {samples::kUpsert, "employee.upserted.v1"},     {samples::kSkp, "skp.approved.v1"},
      {samples::kRealisasi, "realisasi.reported.v1"}, {samples::kEvidence, "evidence.submitted.v1"},
      {samples::kFeedback, "feedback.given.v1"},      {samples::kRating, "rating.assigned.v1"},
      {samples::kPotential, "potential.assessed.v1"}, {samples::kTraining, "training.completed.v1"},
      {samples::kActivity, "activity.logged.v1"}};
  for (const auto& [structured, type] : cases) {
    INFO(type);
    // The data of the structured sample, cut out of its text: between "data": and the final }.
    const auto at = structured.find("\"data\":") + 7;
    const std::string data = structured.substr(at, structured.size() - at - 1);
    auto r = Binary(type, data).Decode();
    REQUIRE(ReasonOf(r) == "accepted");
    CHECK(std::get<Event>(r) == Structured(structured));
  }
}

TEST_CASE("the binding decides the content mode") {
  SECTION("ce_specversion without a content-type, or with the data's type: binary") {
    CHECK(ReasonOf(Activity().Drop("content-type").Decode()) == "accepted");
    CHECK(ReasonOf(Activity().Set("content-type", "application/json; charset=utf-8").Decode()) ==
          "accepted");
  }
  SECTION("application/cloudevents+json: structured, whatever other headers say") {
    Msg m;
    m.value = samples::kActivity;
    m.Add("content-type", "application/cloudevents+json");
    CHECK(ReasonOf(m.Decode()) == "accepted");
    m.Set("content-type", "Application/CloudEvents+JSON; charset=UTF-8");
    CHECK(ReasonOf(m.Decode()) == "accepted");
    // ce_ headers beside it are not read: a wrong ce_type changes nothing.
    m.Add("ce_specversion", "1.0").Add("ce_type", "kinerja.unknown.v1");
    CHECK(ReasonOf(m.Decode()) == "accepted");
  }
  SECTION(
      "no headers, or a content-type that is not a CloudEvents one, without ce_specversion: "
      "structured") {
    Msg m;
    m.value = samples::kActivity;
    CHECK(ReasonOf(m.Decode()) == "accepted");
    m.Add("content-type", "application/json");  // as the Python SDK writes datacontenttype
    CHECK(ReasonOf(m.Decode()) == "accepted");
    // A binary message that lost its ce_specversion is read as structured: its value is data.
    auto r = Activity().Drop("ce_specversion").Decode();
    CHECK(ReasonOf(r) == "invalid_envelope");
    CHECK(DetailOf(r) == "specversion: required string is missing or null");
  }
  SECTION("batched and non-JSON structured formats are refused with a reason") {
    Msg m;
    m.value = "[" + samples::kActivity + "]";
    m.Add("content-type", "application/cloudevents-batch+json");
    auto r = m.Decode();
    CHECK(ReasonOf(r) == "invalid_envelope");
    CHECK(DetailOf(r).find("batched mode") != std::string::npos);
    m.value = samples::kActivity;
    m.Set("content-type", "application/cloudevents+avro");
    CHECK(ReasonOf(m.Decode()) == "invalid_envelope");
  }
}

TEST_CASE("every envelope rule holds in binary mode, its detail naming the header") {
  struct Case {
    std::function<void(Msg&)> change;
    std::string reason, detail;
  };
  const std::string big(129, 'x');
  const std::vector<Case> cases = {
      {[](Msg& m) { m.Set("ce_specversion", "0.3"); }, "invalid_envelope",
       "ce_specversion: must be \"1.0\""},
      {[](Msg& m) { m.Drop("ce_id"); }, "invalid_envelope",
       "ce_id: required header is missing or null"},
      {[](Msg& m) { m.Set("ce_id", std::nullopt); }, "invalid_envelope",
       "ce_id: required header is missing or null"},
      {[](Msg& m) { m.Set("ce_id", ""); }, "invalid_envelope",
       "ce_id: length must be 1-128 characters, got 0"},
      {[&](Msg& m) { m.Set("ce_id", big); }, "invalid_envelope",
       "ce_id: length must be 1-128 characters, got 129"},
      {[](Msg& m) { m.Set("ce_source", "/instansi/A1"); }, "invalid_envelope",
       "ce_source: must be \"/agencies/<code>\" with <code> matching [A-Za-z0-9_-]{1,32}"},
      {[](Msg& m) { m.Drop("ce_type"); }, "invalid_envelope",
       "ce_type: required header is missing or null"},
      {[](Msg& m) { m.Set("ce_type", "kinerja.activity.logged.v2"); }, "unknown_type",
       "ce_type: not an event type of contract v1"},
      {[](Msg& m) { m.Drop("ce_subject"); }, "invalid_envelope",
       "ce_subject: required header is missing or null"},
      {[](Msg& m) { m.Set("ce_subject", "198609262015053001"); }, "invalid_nip",
       "ce_subject: digit 15 must be 1 (male) or 2 (female)"},
      {[](Msg& m) { m.Set("ce_time", "2026-04-02 09:30:00"); }, "invalid_envelope",
       "ce_time: must be RFC 3339 with an offset (Z or +hh:mm), year 2000-2100"},
      {[](Msg& m) { m.Drop("ce_time"); }, "invalid_envelope",
       "ce_time: required header is missing or null"},
      {[](Msg& m) { m.Set("content-type", "text/plain"); }, "invalid_envelope",
       "content-type: if present, must be application/json (the content type of the data in "
       "binary mode)"},
      {[](Msg& m) { m.value = "[1,2]"; }, "invalid_envelope",
       "data (the message value in binary mode): must be a JSON object"},
      {[](Msg& m) { m.value = std::nullopt; }, "invalid_envelope",
       "data (the message value in binary mode): required, but the value is null or empty"},
      {[](Msg& m) { m.value = ""; }, "invalid_envelope",
       "data (the message value in binary mode): required, but the value is null or empty"},
      {[](Msg& m) { m.value = R"({"date":"2026-03-10",)"; }, "malformed_json", ""},
      {[](Msg& m) { m.key = "199001012015052002"; }, "key_mismatch",
       "the Kafka key differs from ce_subject"},
      {[](Msg& m) { m.value = R"({"date":"2026-03-10","minutes":0,"category":"substantive"})"; },
       "invalid_data", "data.minutes: must be between 1 and 1440"},
      {[](Msg& m) { m.value = std::string(65500, ' ') + kActivityData; }, "too_large",
       "value and headers are 65729 bytes; the limit is 65536"},  // 65500 + 62 + 167 of headers
      // Headers given twice, or not UTF-8.
      {[](Msg& m) { m.Add("ce_id", "e-2"); }, "invalid_envelope",
       "ce_id: header given more than once"},
      {[](Msg& m) { m.Add("Content-Type", "application/json"); }, "invalid_envelope",
       "content-type: header given more than once"},
      {[](Msg& m) { m.Set("ce_source", "/agencies/A\xff"); }, "invalid_envelope",
       "ce_source: not valid UTF-8"},
      {[](Msg& m) { m.Set("ce_time", "2026-04-02T09:30:00+08:00\xc3"); }, "invalid_envelope",
       "ce_time: not valid UTF-8"},
  };
  for (const auto& c : cases) {
    Msg m = Activity();
    c.change(m);
    auto r = m.Decode();
    INFO(c.reason << ": " << c.detail);
    CHECK(ReasonOf(r) == c.reason);
    if (!c.detail.empty()) CHECK(DetailOf(r) == c.detail);
  }
}

TEST_CASE("extensions are ignored in binary mode, even broken ones") {
  Msg m = Activity();
  m.Add("ce_traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
      .Add("ce_partitionkey", kNip)
      .Add("ce_traceparent", "\xff twice and not UTF-8")
      .Add("ce_datacontenttype", "text/plain")  // not how binary mode carries it: ignored
      .Add("x-agency-trace", std::nullopt);
  CHECK(ReasonOf(m.Decode()) == "accepted");
}

TEST_CASE("header and value faults keep the contract's precedence") {
  // too_large > malformed_json > invalid_envelope > unknown_type > invalid_nip > key_mismatch >
  // invalid_data, whichever part of the message (headers or value) holds each fault.
  Msg m = Activity();
  m.Drop("ce_id");
  m.value = std::string(70000, ' ');
  CHECK(ReasonOf(m.Decode()) == "too_large");
  m.value = "{not json";
  CHECK(ReasonOf(m.Decode()) == "malformed_json");  // over the missing ce_id
  m = Activity();
  m.Set("ce_type", "kinerja.unknown.v1").Set("ce_time", "yesterday");
  CHECK(ReasonOf(m.Decode()) == "invalid_envelope");  // over the unknown type
  m = Activity();
  m.Set("ce_type", "kinerja.unknown.v1").Set("ce_subject", "123");
  CHECK(ReasonOf(m.Decode()) == "unknown_type");  // over the bad NIP
  m = Activity();
  m.Set("ce_subject", "123");
  m.key = "456";
  CHECK(ReasonOf(m.Decode()) == "invalid_nip");  // over the key mismatch
  m = Activity();
  m.key = "199001012015052002";
  m.value = R"({"date":"2026-03-10","minutes":0,"category":"substantive"})";
  CHECK(ReasonOf(m.Decode()) == "key_mismatch");  // over the invalid data
  m = Activity();
  m.value = "[]";
  m.Set("ce_subject", "123");
  CHECK(ReasonOf(m.Decode()) == "invalid_envelope");  // data not an object, over the bad NIP
}

TEST_CASE("a rejection in binary mode names the agency when ce_source was valid") {
  Msg m = Activity();
  m.Set("ce_type", "kinerja.unknown.v1");
  auto r = m.Decode();
  REQUIRE(ReasonOf(r) == "unknown_type");
  CHECK(std::get<Rejection>(r).source == "A1");
  m.Set("ce_source", "/nowhere");
  CHECK(std::get<Rejection>(m.Decode()).source.empty());
}
