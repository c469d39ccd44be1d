// NDJSON lines into Kafka messages, as `kinerja publish` sends them and `kinerja validate` checks
// them: events in either content mode, and message records written out by hand.
#include <catch2/catch.hpp>

#include "ingest/binding.h"
#include "ingest/decoder.h"
#include "sample_events.h"

using namespace kinerja;
using namespace kinerja::ingest;
namespace samples = kinerja::testing::samples;

namespace {

constexpr const char* kNip = "198609262015051001";

std::vector<std::pair<std::string, std::optional<std::string>>> Pairs(const OwnedMessage& m) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  for (const auto& h : m.headers) out.emplace_back(h.name, h.value);
  return out;
}

using Pairs_t = std::vector<std::pair<std::string, std::optional<std::string>>>;

}  // namespace

TEST_CASE("content modes are named structured and binary") {
  CHECK(ParseContentMode("structured") == ContentMode::kStructured);
  CHECK(ParseContentMode("binary") == ContentMode::kBinary);
  CHECK_FALSE(ParseContentMode("batch"));
}

TEST_CASE(
    "an event in structured mode is the line itself, keyed by subject, with its content-type") {
  MessageBuilder builder(ContentMode::kStructured);
  auto m = builder.Build(samples::kActivity);
  REQUIRE(m.ok());
  CHECK(m->key == std::optional<std::string>(kNip));
  CHECK(m->value == std::optional<std::string>(samples::kActivity));
  CHECK(Pairs(*m) == Pairs_t{{"content-type", "application/cloudevents+json"}});
}

TEST_CASE("an event in binary mode: attributes as ce_ headers, data as the value") {
  MessageBuilder builder(ContentMode::kBinary);
  const std::string line =
      R"({"specversion":"1.0","id":"e-9","source":"/agencies/A1","type":"kinerja.activity.logged.v1",)"
      R"("subject":"198609262015051001","time":"2026-04-02T09:30:00+08:00",)"
      R"("datacontenttype":"application/json","traceparent":null,"retries":2,)"
      R"("data": {"date": "2026-03-10", "minutes": 90, "category": "administrative"}})";
  auto m = builder.Build(line);
  REQUIRE(m.ok());
  CHECK(m->key == std::optional<std::string>(kNip));
  // Compact JSON of data; a null attribute is left out, a non-string one is its JSON text.
  CHECK(m->value == std::optional<std::string>(
                        R"({"date":"2026-03-10","minutes":90,"category":"administrative"})"));
  CHECK(Pairs(*m) == Pairs_t{{"ce_specversion", "1.0"},
                             {"ce_id", "e-9"},
                             {"ce_source", "/agencies/A1"},
                             {"ce_type", "kinerja.activity.logged.v1"},
                             {"ce_subject", kNip},
                             {"ce_time", "2026-04-02T09:30:00+08:00"},
                             {"content-type", "application/json"},
                             {"ce_retries", "2"}});
  // Without data the value is null (the pipeline then rejects the event: data is required).
  auto no_data = builder.Build(R"({"specversion":"1.0","subject":"x"})");
  REQUIRE(no_data.ok());
  CHECK_FALSE(no_data->value);
}

TEST_CASE("the partitionkey extension is the key, as the SDKs' partitioners make it") {
  const std::string line =
      R"({"specversion":"1.0","subject":"198609262015051001","partitionkey":"199001012015052002",)"
      R"("data":{}})";
  for (ContentMode mode : {ContentMode::kStructured, ContentMode::kBinary}) {
    MessageBuilder builder(mode);
    auto m = builder.Build(line);
    REQUIRE(m.ok());
    CHECK(m->key == std::optional<std::string>("199001012015052002"));
    for (const auto& h : m->headers) CHECK(h.name != "ce_partitionkey");
  }
}

TEST_CASE("every sample sent in binary mode decodes to the event its structured form gives") {
  MessageBuilder binary(ContentMode::kBinary);
  Decoder decoder;
  for (const std::string& line : {samples::kUpsert, samples::kSkp, samples::kRealisasi,
                                  samples::kEvidence, samples::kFeedback, samples::kRating,
                                  samples::kPotential, samples::kTraining, samples::kActivity}) {
    INFO(line);
    auto m = binary.Build(line);
    REQUIRE(m.ok());
    const auto headers = HeaderViews(*m);
    auto from_binary =
        decoder.Decode(std::string_view(*m->key), std::string_view(*m->value), headers);
    REQUIRE(std::holds_alternative<Event>(from_binary));
    const Event as_binary = std::get<Event>(from_binary);
    auto from_structured = decoder.Decode(std::string_view(kNip), line);
    REQUIRE(std::holds_alternative<Event>(from_structured));
    CHECK(as_binary == std::get<Event>(from_structured));
  }
}

TEST_CASE("a message record is sent exactly as written, whatever the mode") {
  MessageBuilder builder(ContentMode::kBinary);
  auto m = builder.Build(
      R"({"key":"k-1","headers":[["ce_id","e-1"],["ce_id","e-2"],["x-trace",null]],"value":"{not json"})");
  REQUIRE(m.ok());
  CHECK(m->key == std::optional<std::string>("k-1"));
  CHECK(m->value == std::optional<std::string>("{not json"));  // a string value: its text
  CHECK(Pairs(*m) == Pairs_t{{"ce_id", "e-1"}, {"ce_id", "e-2"}, {"x-trace", std::nullopt}});
  auto object = builder.Build(R"({"headers":[],"value":{"a": [1, 2]}})");
  REQUIRE(object.ok());
  CHECK_FALSE(object->key);
  CHECK(object->value == std::optional<std::string>(R"({"a":[1,2]})"));
  auto null_value = builder.Build(R"({"key":null,"headers":[],"value":null})");
  REQUIRE(null_value.ok());
  CHECK_FALSE(null_value->value);
}

TEST_CASE("a message record that cannot be read is an error naming the member") {
  MessageBuilder builder(ContentMode::kStructured);
  auto bad_headers = builder.Build(R"({"headers":{"ce_id":"e-1"},"value":{}})");
  REQUIRE_FALSE(bad_headers.ok());
  CHECK(bad_headers.status().message().find("headers") != std::string::npos);
  auto bad_pair = builder.Build(R"({"headers":[["ce_id",1]],"value":{}})");
  REQUIRE_FALSE(bad_pair.ok());
  CHECK(bad_pair.status().message().find("[name, value]") != std::string::npos);
  auto bad_key = builder.Build(R"({"key":12,"headers":[],"value":{}})");
  REQUIRE_FALSE(bad_key.ok());
  CHECK(bad_key.status().message().find("key") != std::string::npos);
}

TEST_CASE("a line that is not a JSON object is sent as it is, without headers or key") {
  for (ContentMode mode : {ContentMode::kStructured, ContentMode::kBinary}) {
    MessageBuilder builder(mode);
    auto m = builder.Build("{not json");
    REQUIRE(m.ok());
    CHECK_FALSE(m->key);
    CHECK(m->value == std::optional<std::string>("{not json"));
    CHECK(m->headers.empty());
  }
}
