#include <catch2/catch.hpp>

#include "ingest/decoder.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::ingest;
using kinerja::testing::Ev;

namespace {

constexpr const char* kNip = "198609262015051001";

DecodeResult DecodeWithKey(const std::string& json, std::optional<std::string> key = kNip) {
  static Decoder decoder;
  return decoder.Decode(key ? std::optional<std::string_view>(*key) : std::nullopt, json);
}

std::string ReasonOf(const DecodeResult& r) {
  if (std::holds_alternative<Event>(r)) return "accepted";
  return std::string(RejectReasonName(std::get<Rejection>(r).reason));
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

const std::string kActivity = Ev::Activity("e-1", kNip, "2026-03-10", 90, "administrative");

}  // namespace

TEST_CASE("a valid activity event decodes to its typed form") {
  auto r = DecodeWithKey(kActivity);
  REQUIRE(ReasonOf(r) == "accepted");
  const Event& e = std::get<Event>(r);
  CHECK(e.envelope.id == "e-1");
  CHECK(e.envelope.source == "A1");
  CHECK(e.envelope.type == EventType::kActivityLogged);
  CHECK(FormatNip(e.envelope.subject) == kNip);
  const auto& a = std::get<ActivityLogged>(e.data);
  CHECK(a.date == Date{2026, 3, 10});
  CHECK(a.minutes == 90);
  CHECK(a.category == ActivityCategory::kAdministrative);
}

TEST_CASE("valid upsert and training events decode") {
  auto u = DecodeWithKey(Ev::Upsert("u-1", kNip, "KEMENKEU", "inactive", "Asia/Jayapura"));
  REQUIRE(ReasonOf(u) == "accepted");
  const auto& up = std::get<EmployeeUpserted>(std::get<Event>(u).data);
  CHECK(up.agency == "KEMENKEU");
  CHECK(up.tz == TimeZone::kJayapura);
  CHECK_FALSE(up.active);
  CHECK_FALSE(up.supervisor);
  auto t = DecodeWithKey(Ev::Training("t-1", kNip, "LATSAR", "2026-05-02", 450));
  REQUIRE(ReasonOf(t) == "accepted");
  CHECK(std::get<TrainingCompleted>(std::get<Event>(t).data).minutes == 450);
}

TEST_CASE("a null Kafka key is allowed - unknown fields are ignored anywhere") {
  CHECK(ReasonOf(DecodeWithKey(kActivity, std::nullopt)) == "accepted");
  std::string extra = Replace(kActivity, R"("data":{)", R"("x-ext":[1,{"a":null}],"data":{"future":true,)");
  CHECK(ReasonOf(DecodeWithKey(extra)) == "accepted");
  CHECK(ReasonOf(DecodeWithKey(Replace(kActivity, R"("data":)", R"("datacontenttype":null,"data":)"))) == "accepted");
}

TEST_CASE("rejection reasons one fault at a time") {
  struct Case {
    std::string name, json, reason;
    std::optional<std::string> key = kNip;
  };
  const std::string big = Replace(kActivity, R"("data":)", R"("pad":")" + std::string(66000, 'x') + R"(","data":)");
  const std::vector<Case> cases = {
      {"over 64 KiB", big, "too_large"},
      {"empty", "", "malformed_json"},
      {"not JSON", "{\"specversion\":", "malformed_json"},
      {"not an object", "[1,2]", "malformed_json"},
      {"NaN", Replace(kActivity, "90", "NaN"), "malformed_json"},
      {"number beyond double", Replace(kActivity, "90", "1e400"), "malformed_json"},
      {"bad UTF-8", Replace(kActivity, "e-1", "e-\xC3\x28"), "malformed_json"},
      {"specversion", Replace(kActivity, R"("1.0")", R"("0.3")"), "invalid_envelope"},
      {"id too long", Replace(kActivity, R"("e-1")", "\"" + std::string(129, 'i') + "\""), "invalid_envelope"},
      {"id empty", Replace(kActivity, R"("e-1")", R"("")"), "invalid_envelope"},
      {"source", Replace(kActivity, "/agencies/A1", "/agency/A1"), "invalid_envelope"},
      {"source code chars", Replace(kActivity, "/agencies/A1", "/agencies/A 1"), "invalid_envelope"},
      {"subject not a string", Replace(kActivity, "\"" + std::string(kNip) + "\"", "198609262015051001"), "invalid_envelope"},
      {"time without offset", Replace(kActivity, "T10:00:00+07:00", "T10:00:00"), "invalid_envelope"},
      {"datacontenttype", Replace(kActivity, R"("data":)", R"("datacontenttype":"text/plain","data":)"), "invalid_envelope"},
      {"data null", Replace(kActivity, R"("data":{)", R"("data":null,"x":{)"), "invalid_envelope"},
      {"unknown type", Replace(kActivity, "activity.logged.v1", "activity.logged.v2"), "unknown_type"},
      {"subject NIP", Replace(kActivity, kNip, "198609262015053001"), "invalid_nip", std::string("198609262015053001")},
      {"key mismatch", kActivity, "key_mismatch", std::string("198609262015051002")},
      {"minutes fraction", Replace(kActivity, R"("minutes":90)", R"("minutes":90.0)"), "invalid_data"},
      {"minutes exponent", Replace(kActivity, R"("minutes":90)", R"("minutes":9e1)"), "invalid_data"},
      {"minutes range", Replace(kActivity, R"("minutes":90)", R"("minutes":1441)"), "invalid_data"},
      {"minutes zero", Replace(kActivity, R"("minutes":90)", R"("minutes":0)"), "invalid_data"},
      {"category enum", Replace(kActivity, "administrative", "Administrative"), "invalid_data"},
      {"date", Replace(kActivity, R"("date":"2026-03-10")", R"("date":"2026-02-30")"), "invalid_data"},
      {"missing field", Replace(kActivity, R"("minutes":90,)", ""), "invalid_data"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(ReasonOf(DecodeWithKey(c.json, c.key)) == c.reason);
  }
}

TEST_CASE("the 'data not an object' envelope rule") {
  CHECK(ReasonOf(DecodeWithKey(Replace(kActivity, R"("data":{"date")", R"("data":"x","d":{"date")"))) ==
        "invalid_envelope");
}

TEST_CASE("when several faults exist the first reason in the list wins") {
  // Unknown type beats a bad NIP; a bad NIP beats a key mismatch; a key mismatch beats bad data.
  std::string bad_nip_and_type = Replace(Replace(kActivity, "activity.logged.v1", "nope.v1"), kNip, "123");
  CHECK(ReasonOf(DecodeWithKey(bad_nip_and_type, std::string("123"))) == "unknown_type");
  std::string bad_nip_and_key = Replace(kActivity, kNip, "198609262015053001");
  CHECK(ReasonOf(DecodeWithKey(bad_nip_and_key, std::string("x"))) == "invalid_nip");
  std::string bad_key_and_data = Replace(kActivity, R"("minutes":90)", R"("minutes":-1)");
  CHECK(ReasonOf(DecodeWithKey(bad_key_and_data, std::string("x"))) == "key_mismatch");
  // A bad envelope beats an unknown type.
  std::string bad_env_and_type = Replace(Replace(kActivity, "activity.logged.v1", "nope.v1"), R"("1.0")", "1");
  CHECK(ReasonOf(DecodeWithKey(bad_env_and_type)) == "invalid_envelope");
}

TEST_CASE("supervisor: required null allowed invalid NIP string is invalid_nip") {
  const std::string up = Ev::Upsert("u-1", kNip, "A1");
  CHECK(ReasonOf(DecodeWithKey(Replace(up, R"("supervisor":null)", R"("supervisor":"197001012000011001")"))) == "accepted");
  CHECK(ReasonOf(DecodeWithKey(Replace(up, R"("supervisor":null)", R"("supervisor":"19700101")"))) == "invalid_nip");
  CHECK(ReasonOf(DecodeWithKey(Replace(up, R"("supervisor":null,)", ""))) == "invalid_data");
  CHECK(ReasonOf(DecodeWithKey(Replace(up, R"("supervisor":null)", R"("supervisor":7)"))) == "invalid_data");
  // invalid_nip in data wins over other data faults.
  CHECK(ReasonOf(DecodeWithKey(Replace(Replace(up, R"("supervisor":null)", R"("supervisor":"1")"), "pelaksana", "boss"))) ==
        "invalid_nip");
  CHECK(ReasonOf(DecodeWithKey(Replace(up, R"("unit":"Biro Umum")", R"("unit":")" + std::string(65, 'u') + "\""))) == "invalid_data");
  // Length counts code points: 64 two-byte characters are fine.
  std::string wide;
  for (int i = 0; i < 64; ++i) wide += "\xC3\xA9";
  CHECK(ReasonOf(DecodeWithKey(Replace(up, R"("unit":"Biro Umum")", R"("unit":")" + wide + "\""))) == "accepted");
}

TEST_CASE("types not yet handled are unknown_type with a detail that says so") {
  std::string skp = Replace(kActivity, "kinerja.activity.logged.v1", "kinerja.skp.approved.v1");
  auto r = DecodeWithKey(skp);
  REQUIRE(ReasonOf(r) == "unknown_type");
  CHECK_FALSE(std::get<Rejection>(r).detail.empty());
}

TEST_CASE("the detail never echoes the NIP") {
  auto r = DecodeWithKey(Replace(kActivity, kNip, "198609262015053001"), std::string("198609262015053001"));
  REQUIRE(ReasonOf(r) == "invalid_nip");
  CHECK(std::get<Rejection>(r).detail.find("198609262015053001") == std::string::npos);
}
