#include <catch2/catch.hpp>

#include <cmath>

#include "ingest/decoder.h"
#include "sample_events.h"
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

TEST_CASE("a null Kafka key is key_mismatch - unknown fields are ignored anywhere") {
  // A null key would let the event land in a partition that does not hold the employee.
  auto null_key = DecodeWithKey(kActivity, std::nullopt);
  REQUIRE(ReasonOf(null_key) == "key_mismatch");
  CHECK(std::get<Rejection>(null_key).detail == "no key");
  std::string extra =
      Replace(kActivity, R"("data":{)", R"("x-ext":[1,{"a":null}],"data":{"future":true,)");
  CHECK(ReasonOf(DecodeWithKey(extra)) == "accepted");
  CHECK(ReasonOf(DecodeWithKey(
            Replace(kActivity, R"("data":)", R"("datacontenttype":null,"data":)"))) == "accepted");
}

TEST_CASE("rejection reasons one fault at a time") {
  struct Case {
    std::string name, json, reason;
    std::optional<std::string> key = kNip;
  };
  const std::string big =
      Replace(kActivity, R"("data":)", R"("pad":")" + std::string(66000, 'x') + R"(","data":)");
  const std::vector<Case> cases = {
      {"over 64 KiB", big, "too_large"},
      {"empty", "", "malformed_json"},
      {"not JSON", "{\"specversion\":", "malformed_json"},
      {"not an object", "[1,2]", "malformed_json"},
      {"NaN", Replace(kActivity, "90", "NaN"), "malformed_json"},
      {"number beyond double", Replace(kActivity, "90", "1e400"), "malformed_json"},
      {"bad UTF-8", Replace(kActivity, "e-1", "e-\xC3\x28"), "malformed_json"},
      {"specversion", Replace(kActivity, R"("1.0")", R"("0.3")"), "invalid_envelope"},
      {"id too long", Replace(kActivity, R"("e-1")", "\"" + std::string(129, 'i') + "\""),
       "invalid_envelope"},
      {"id empty", Replace(kActivity, R"("e-1")", R"("")"), "invalid_envelope"},
      {"source", Replace(kActivity, "/agencies/A1", "/agency/A1"), "invalid_envelope"},
      {"source code chars", Replace(kActivity, "/agencies/A1", "/agencies/A 1"),
       "invalid_envelope"},
      {"subject not a string",
       Replace(kActivity, "\"" + std::string(kNip) + "\"", "198609262015051001"),
       "invalid_envelope"},
      {"time without offset", Replace(kActivity, "T10:00:00+07:00", "T10:00:00"),
       "invalid_envelope"},
      {"datacontenttype",
       Replace(kActivity, R"("data":)", R"("datacontenttype":"text/plain","data":)"),
       "invalid_envelope"},
      {"data null", Replace(kActivity, R"("data":{)", R"("data":null,"x":{)"), "invalid_envelope"},
      {"unknown type", Replace(kActivity, "activity.logged.v1", "activity.logged.v2"),
       "unknown_type"},
      {"subject NIP", Replace(kActivity, kNip, "198609262015053001"), "invalid_nip",
       std::string("198609262015053001")},
      {"key mismatch", kActivity, "key_mismatch", std::string("198609262015051002")},
      {"minutes fraction", Replace(kActivity, R"("minutes":90)", R"("minutes":90.0)"),
       "invalid_data"},
      {"minutes exponent", Replace(kActivity, R"("minutes":90)", R"("minutes":9e1)"),
       "invalid_data"},
      {"minutes range", Replace(kActivity, R"("minutes":90)", R"("minutes":1441)"), "invalid_data"},
      {"minutes zero", Replace(kActivity, R"("minutes":90)", R"("minutes":0)"), "invalid_data"},
      {"category enum", Replace(kActivity, "administrative", "Administrative"), "invalid_data"},
      {"date", Replace(kActivity, R"("date":"2026-03-10")", R"("date":"2026-02-30")"),
       "invalid_data"},
      {"missing field", Replace(kActivity, R"("minutes":90,)", ""), "invalid_data"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(ReasonOf(DecodeWithKey(c.json, c.key)) == c.reason);
  }
}

TEST_CASE("the 'data not an object' envelope rule") {
  CHECK(ReasonOf(DecodeWithKey(Replace(kActivity, R"("data":{"date")",
                                       R"("data":"x","d":{"date")"))) == "invalid_envelope");
}

TEST_CASE("when several faults exist the first reason in the list wins") {
  // Unknown type beats a bad NIP; a bad NIP beats a key mismatch; a key mismatch beats bad data.
  std::string bad_nip_and_type =
      Replace(Replace(kActivity, "activity.logged.v1", "nope.v1"), kNip, "123");
  CHECK(ReasonOf(DecodeWithKey(bad_nip_and_type, std::string("123"))) == "unknown_type");
  std::string bad_nip_and_key = Replace(kActivity, kNip, "198609262015053001");
  CHECK(ReasonOf(DecodeWithKey(bad_nip_and_key, std::string("x"))) == "invalid_nip");
  std::string bad_key_and_data = Replace(kActivity, R"("minutes":90)", R"("minutes":-1)");
  CHECK(ReasonOf(DecodeWithKey(bad_key_and_data, std::string("x"))) == "key_mismatch");
  // A bad envelope beats an unknown type.
  std::string bad_env_and_type =
      Replace(Replace(kActivity, "activity.logged.v1", "nope.v1"), R"("1.0")", "1");
  CHECK(ReasonOf(DecodeWithKey(bad_env_and_type)) == "invalid_envelope");
}

TEST_CASE("supervisor: required null allowed invalid NIP string is invalid_nip") {
  const std::string up = Ev::Upsert("u-1", kNip, "A1");
  CHECK(ReasonOf(DecodeWithKey(Replace(up, R"("supervisor":null)",
                                       R"("supervisor":"197001012000011001")"))) == "accepted");
  CHECK(ReasonOf(DecodeWithKey(
            Replace(up, R"("supervisor":null)", R"("supervisor":"19700101")"))) == "invalid_nip");
  CHECK(ReasonOf(DecodeWithKey(Replace(up, R"("supervisor":null,)", ""))) == "invalid_data");
  CHECK(ReasonOf(DecodeWithKey(Replace(up, R"("supervisor":null)", R"("supervisor":7)"))) ==
        "invalid_data");
  // invalid_nip in data wins over other data faults.
  CHECK(ReasonOf(DecodeWithKey(Replace(Replace(up, R"("supervisor":null)", R"("supervisor":"1")"),
                                       "pelaksana", "boss"))) == "invalid_nip");
  CHECK(ReasonOf(DecodeWithKey(
            Replace(up, R"("unit":"Biro Umum")", R"("unit":")" + std::string(65, 'u') + "\""))) ==
        "invalid_data");
  // Length counts code points: 64 two-byte characters are fine.
  std::string wide;
  for (int i = 0; i < 64; ++i) wide += "\xC3\xA9";
  CHECK(ReasonOf(DecodeWithKey(
            Replace(up, R"("unit":"Biro Umum")", R"("unit":")" + wide + "\""))) == "accepted");
}

TEST_CASE("an unknown type is unknown_type with a detail that says so") {
  std::string v2 = Replace(kActivity, "kinerja.activity.logged.v1", "kinerja.skp.approved.v2");
  auto r = DecodeWithKey(v2);
  REQUIRE(ReasonOf(r) == "unknown_type");
  CHECK_FALSE(std::get<Rejection>(r).detail.empty());
}

TEST_CASE("the detail never echoes the NIP") {
  auto r = DecodeWithKey(Replace(kActivity, kNip, "198609262015053001"),
                         std::string("198609262015053001"));
  REQUIRE(ReasonOf(r) == "invalid_nip");
  CHECK(std::get<Rejection>(r).detail.find("198609262015053001") == std::string::npos);
}

// ---- The six types added in issue 4: skp, realisasi, evidence, feedback, rating, potential ----

namespace {

constexpr const char* kGiver = "197001012000011001";  // a valid NIP other than the subject

using testing::samples::kEvidence;
using testing::samples::kFeedback;
using testing::samples::kPotential;
using testing::samples::kRating;
using testing::samples::kRealisasi;
using testing::samples::kSkp;
using testing::samples::Wrap;

// An SKP with `n` indicators "I1".."In".
std::string SkpWith(int n) {
  std::string list;
  for (int i = 1; i <= n; ++i) {
    if (i > 1) list += ",";
    list += R"({"id":"I)" + std::to_string(i) + R"(","kind":"utama","target":1,"unit":"u"})";
  }
  return Wrap("skp.approved.v1", R"({"year":2026,"indicators":[)" + list + "]}");
}

std::string Repeat(const std::string& unit, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}

struct Case {
  std::string name, json, reason;
  std::optional<std::string> key = kNip;
};

void CheckCases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(ReasonOf(DecodeWithKey(c.json, c.key)) == c.reason);
  }
}

template <class T>
const T& DataOf(const DecodeResult& r) {
  return std::get<T>(std::get<Event>(r).data);
}

}  // namespace

TEST_CASE("skp.approved decodes to its typed form") {
  auto r = DecodeWithKey(kSkp);
  REQUIRE(ReasonOf(r) == "accepted");
  CHECK(std::get<Event>(r).envelope.type == EventType::kSkpApproved);
  const auto& skp = DataOf<SkpApproved>(r);
  CHECK(skp.year == 2026);
  REQUIRE(skp.indicators.size() == 2);
  CHECK(skp.indicators[0] == SkpIndicator{"IKI-1", IndicatorKind::kUtama, 12.0, "dokumen"});
  CHECK(skp.indicators[1] == SkpIndicator{"IKI-2", IndicatorKind::kTambahan, 0.5, "persen"});
}

TEST_CASE("realisasi.reported decodes its period as a MonthIndex") {
  auto r = DecodeWithKey(kRealisasi);
  REQUIRE(ReasonOf(r) == "accepted");
  const auto& re = DataOf<RealisasiReported>(r);
  CHECK(re.period == 2026 * 12 + 2);  // March 2026
  CHECK(re.indicator == "IKI-1");
  CHECK(re.value == 2.5);
  auto first = DecodeWithKey(Replace(kRealisasi, "2026-03", "2000-01"));
  REQUIRE(ReasonOf(first) == "accepted");
  CHECK(DataOf<RealisasiReported>(first).period == 2000 * 12);
  auto last = DecodeWithKey(Replace(kRealisasi, "2026-03", "2100-12"));
  REQUIRE(ReasonOf(last) == "accepted");
  CHECK(DataOf<RealisasiReported>(last).period == 2100 * 12 + 11);
}

TEST_CASE("evidence.submitted decodes to its typed form") {
  auto r = DecodeWithKey(kEvidence);
  REQUIRE(ReasonOf(r) == "accepted");
  const auto& e = DataOf<EvidenceSubmitted>(r);
  CHECK(e.period == 2026 * 12 + 2);
  CHECK(e.indicator == "IKI-1");
  CHECK(e.evidence == "EV-0001");
}

TEST_CASE("feedback.given decodes giver and value - value and note are optional") {
  auto r = DecodeWithKey(kFeedback);
  REQUIRE(ReasonOf(r) == "accepted");
  const auto& fb = DataOf<FeedbackGiven>(r);
  CHECK(FormatNip(fb.giver) == kGiver);
  CHECK(fb.value == CoreValue::kKolaboratif);
  // The envelope time keeps its offset: the month rule of docs/events.md needs it.
  CHECK(std::get<Event>(r).envelope.time.offset_minutes == 480);
  for (const std::string data : {R"({"giver":"197001012000011001"})",
                                 R"({"giver":"197001012000011001","value":null,"note":null})"}) {
    INFO(data);
    auto bare = DecodeWithKey(Wrap("feedback.given.v1", data));
    REQUIRE(ReasonOf(bare) == "accepted");
    CHECK_FALSE(DataOf<FeedbackGiven>(bare).value);
  }
  const std::vector<std::pair<std::string, CoreValue>> values = {
      {"berorientasi_pelayanan", CoreValue::kBerorientasiPelayanan},
      {"akuntabel", CoreValue::kAkuntabel},
      {"kompeten", CoreValue::kKompeten},
      {"harmonis", CoreValue::kHarmonis},
      {"loyal", CoreValue::kLoyal},
      {"adaptif", CoreValue::kAdaptif},
      {"kolaboratif", CoreValue::kKolaboratif}};
  for (const auto& [name, value] : values) {
    INFO(name);
    auto v = DecodeWithKey(Replace(kFeedback, "kolaboratif", name));
    REQUIRE(ReasonOf(v) == "accepted");
    CHECK(DataOf<FeedbackGiven>(v).value == value);
  }
}

TEST_CASE("rating.assigned decodes a monthly and an annual period") {
  auto r = DecodeWithKey(kRating);
  REQUIRE(ReasonOf(r) == "accepted");
  const auto& ra = DataOf<RatingAssigned>(r);
  CHECK(ra.period == RatingPeriod{true, 2026 * 12 + 2});
  CHECK(ra.hasil == Expectation::kDiAtas);
  CHECK(ra.perilaku == Expectation::kSesuai);
  CHECK(FormatNip(ra.rater) == kGiver);
  auto annual =
      DecodeWithKey(Replace(Replace(kRating, R"("2026-03")", R"("2026")"), "di_atas", "di_bawah"));
  REQUIRE(ReasonOf(annual) == "accepted");
  CHECK(DataOf<RatingAssigned>(annual).period == RatingPeriod{false, 2026});
  CHECK(DataOf<RatingAssigned>(annual).hasil == Expectation::kDiBawah);
}

TEST_CASE("potential.assessed decodes to its typed form") {
  auto r = DecodeWithKey(kPotential);
  REQUIRE(ReasonOf(r) == "accepted");
  CHECK(DataOf<PotentialAssessed>(r).year == 2026);
  CHECK(DataOf<PotentialAssessed>(r).potential == Potential::kTinggi);
  auto low = DecodeWithKey(
      Replace(Replace(kPotential, "tinggi", "rendah"), R"("year":2026)", R"("year":2100)"));
  REQUIRE(ReasonOf(low) == "accepted");
  CHECK(DataOf<PotentialAssessed>(low).year == 2100);
  CHECK(DataOf<PotentialAssessed>(low).potential == Potential::kRendah);
  auto mid = DecodeWithKey(
      Replace(Replace(kPotential, "tinggi", "menengah"), R"("year":2026)", R"("year":2000)"));
  REQUIRE(ReasonOf(mid) == "accepted");
  CHECK(DataOf<PotentialAssessed>(mid).potential == Potential::kMenengah);
}

TEST_CASE("skp.approved data rules") {
  const std::string id64 = Repeat("i", 64), wide64 = Repeat("\xC3\xA9", 64);
  CheckCases({
      {"year missing", Replace(kSkp, R"("year":2026,)", ""), "invalid_data"},
      {"year null", Replace(kSkp, R"("year":2026)", R"("year":null)"), "invalid_data"},
      {"year a string", Replace(kSkp, R"("year":2026)", R"("year":"2026")"), "invalid_data"},
      {"year with a fraction", Replace(kSkp, R"("year":2026)", R"("year":2026.0)"), "invalid_data"},
      {"year with an exponent", Replace(kSkp, R"("year":2026)", R"("year":2.026e3)"),
       "invalid_data"},
      {"year 1999", Replace(kSkp, R"("year":2026)", R"("year":1999)"), "invalid_data"},
      {"year 2101", Replace(kSkp, R"("year":2026)", R"("year":2101)"), "invalid_data"},
      {"year 2000", Replace(kSkp, R"("year":2026)", R"("year":2000)"), "accepted"},
      {"year 2100", Replace(kSkp, R"("year":2026)", R"("year":2100)"), "accepted"},
      {"year a huge integer", Replace(kSkp, R"("year":2026)", R"("year":100000000000000000000000)"),
       "invalid_data"},
      {"indicators missing", Wrap("skp.approved.v1", R"({"year":2026})"), "invalid_data"},
      {"indicators null", Wrap("skp.approved.v1", R"({"year":2026,"indicators":null})"),
       "invalid_data"},
      {"indicators an object", Wrap("skp.approved.v1", R"({"year":2026,"indicators":{"id":"I1"}})"),
       "invalid_data"},
      {"indicators empty", Wrap("skp.approved.v1", R"({"year":2026,"indicators":[]})"),
       "invalid_data"},
      {"1 indicator", SkpWith(1), "accepted"},
      {"50 indicators", SkpWith(50), "accepted"},
      {"51 indicators", SkpWith(51), "invalid_data"},
      {"indicator not an object", Replace(kSkp, R"([{"id":"IKI-1")", R"(["IKI-0",{"id":"IKI-1")"),
       "invalid_data"},
      {"id missing", Replace(kSkp, R"("id":"IKI-1",)", ""), "invalid_data"},
      {"id null", Replace(kSkp, R"("id":"IKI-1")", R"("id":null)"), "invalid_data"},
      {"id a number", Replace(kSkp, R"("id":"IKI-1")", R"("id":1)"), "invalid_data"},
      {"id empty", Replace(kSkp, R"("id":"IKI-1")", R"("id":"")"), "invalid_data"},
      {"id of 64 characters", Replace(kSkp, "IKI-1", id64), "accepted"},
      {"id of 64 two-byte characters", Replace(kSkp, "IKI-1", wide64), "accepted"},
      {"id of 65 characters", Replace(kSkp, "IKI-1", id64 + "i"), "invalid_data"},
      {"id of 65 two-byte characters", Replace(kSkp, "IKI-1", wide64 + "\xC3\xA9"), "invalid_data"},
      {"duplicate id", Replace(kSkp, R"("id":"IKI-2")", R"("id":"IKI-1")"), "invalid_data"},
      {"ids differing only in case", Replace(kSkp, R"("id":"IKI-2")", R"("id":"iki-1")"),
       "accepted"},
      {"kind missing", Replace(kSkp, R"("kind":"utama",)", ""), "invalid_data"},
      {"kind upper case", Replace(kSkp, R"("kind":"utama")", R"("kind":"Utama")"), "invalid_data"},
      {"kind unknown", Replace(kSkp, R"("kind":"utama")", R"("kind":"pokok")"), "invalid_data"},
      {"kind null", Replace(kSkp, R"("kind":"utama")", R"("kind":null)"), "invalid_data"},
      {"target missing", Replace(kSkp, R"("target":12,)", ""), "invalid_data"},
      {"target null", Replace(kSkp, R"("target":12)", R"("target":null)"), "invalid_data"},
      {"target a string", Replace(kSkp, R"("target":12)", R"("target":"12")"), "invalid_data"},
      {"target zero", Replace(kSkp, R"("target":12)", R"("target":0)"), "invalid_data"},
      {"target minus zero", Replace(kSkp, R"("target":12)", R"("target":-0.0)"), "invalid_data"},
      {"target negative", Replace(kSkp, R"("target":12)", R"("target":-1)"), "invalid_data"},
      {"target underflowing to zero", Replace(kSkp, R"("target":12)", R"("target":1e-400)"),
       "invalid_data"},
      {"target tiny but positive", Replace(kSkp, R"("target":12)", R"("target":1e-300)"),
       "accepted"},
      {"target beyond a double", Replace(kSkp, R"("target":12)", R"("target":1e400)"),
       "malformed_json"},
      {"target a huge negative integer",
       Replace(kSkp, R"("target":12)", R"("target":-100000000000000000000000)"), "invalid_data"},
      {"unit missing", Replace(kSkp, R"(,"unit":"dokumen")", ""), "invalid_data"},
      {"unit a number", Replace(kSkp, R"("unit":"dokumen")", R"("unit":7)"), "invalid_data"},
      {"unit empty", Replace(kSkp, R"("unit":"dokumen")", R"("unit":"")"), "accepted"},
      {"unknown fields in an indicator",
       Replace(kSkp, R"("unit":"dokumen")", R"("unit":"dokumen","bobot":30)"), "accepted"},
      {"key mismatch beats bad data", Replace(kSkp, R"("year":2026)", R"("year":1999)"),
       "key_mismatch", std::string(kGiver)},
  });
}

TEST_CASE("a huge integer target fits a double so it is accepted as that double") {
  // docs/events.md: only a number that does not fit a finite double is malformed_json.
  auto r = DecodeWithKey(Replace(kSkp, R"("target":12)", R"("target":100000000000000000000000)"));
  REQUIRE(ReasonOf(r) == "accepted");
  CHECK(DataOf<SkpApproved>(r).indicators[0].target == 1e23);
  // Just past the 64-bit integers, in value too, and a long integer among other big numbers.
  auto u = DecodeWithKey(Replace(kRealisasi, R"("value":2.5)", R"("value":18446744073709551616)"));
  REQUIRE(ReasonOf(u) == "accepted");
  CHECK(DataOf<RealisasiReported>(u).value == 18446744073709551616.0);
  auto max =
      DecodeWithKey(Replace(kRealisasi, R"("value":2.5)", R"("value":18446744073709551615)"));
  REQUIRE(ReasonOf(max) == "accepted");
  CHECK(DataOf<RealisasiReported>(max).value == 18446744073709551615.0);
  // A 309-digit integer is beyond the largest double: malformed_json, like 1e400.
  CHECK(ReasonOf(DecodeWithKey(Replace(
            kSkp, R"("target":12)", R"("target":1)" + std::string(309, '0')))) == "malformed_json");
  // Digits inside strings are left alone: an id of 30 digits stays a string.
  auto id = DecodeWithKey(Replace(Replace(kSkp, "IKI-1", std::string(30, '7')), R"("target":12)",
                                  R"("target":200000000000000000000000)"));
  REQUIRE(ReasonOf(id) == "accepted");
  CHECK(DataOf<SkpApproved>(id).indicators[0].id == std::string(30, '7'));
  CHECK(DataOf<SkpApproved>(id).indicators[0].target == 2e23);
  // Still malformed when the JSON is broken elsewhere, and a huge integer in an unknown field
  // is just ignored.
  CHECK(ReasonOf(DecodeWithKey(
            Replace(kSkp, R"("target":12)", R"("target":100000000000000000000000,,)"))) ==
        "malformed_json");
  CHECK(ReasonOf(DecodeWithKey(Replace(kPotential, R"("data":)",
                                       R"("x":-99999999999999999999999,"data":)"))) == "accepted");
}

TEST_CASE("realisasi.reported data rules") {
  const std::string id64 = Repeat("r", 64);
  CheckCases({
      {"period missing", Replace(kRealisasi, R"("period":"2026-03",)", ""), "invalid_data"},
      {"period null", Replace(kRealisasi, R"("period":"2026-03")", R"("period":null)"),
       "invalid_data"},
      {"period a number", Replace(kRealisasi, R"("period":"2026-03")", R"("period":202603)"),
       "invalid_data"},
      {"period one-digit month", Replace(kRealisasi, "2026-03", "2026-3"), "invalid_data"},
      {"period month 13", Replace(kRealisasi, "2026-03", "2026-13"), "invalid_data"},
      {"period month 00", Replace(kRealisasi, "2026-03", "2026-00"), "invalid_data"},
      {"period a date", Replace(kRealisasi, "2026-03", "2026-03-01"), "invalid_data"},
      {"period a year", Replace(kRealisasi, "2026-03", "2026"), "invalid_data"},
      {"period 1999-12", Replace(kRealisasi, "2026-03", "1999-12"), "invalid_data"},
      {"period 2101-01", Replace(kRealisasi, "2026-03", "2101-01"), "invalid_data"},
      {"period with a slash", Replace(kRealisasi, "2026-03", "2026/03"), "invalid_data"},
      {"indicator missing", Replace(kRealisasi, R"("indicator":"IKI-1",)", ""), "invalid_data"},
      {"indicator empty", Replace(kRealisasi, R"("indicator":"IKI-1")", R"("indicator":"")"),
       "invalid_data"},
      {"indicator a number", Replace(kRealisasi, R"("indicator":"IKI-1")", R"("indicator":1)"),
       "invalid_data"},
      {"indicator of 64 characters", Replace(kRealisasi, "IKI-1", id64), "accepted"},
      {"indicator of 65 characters", Replace(kRealisasi, "IKI-1", id64 + "r"), "invalid_data"},
      {"value missing", Replace(kRealisasi, R"(,"value":2.5)", ""), "invalid_data"},
      {"value null", Replace(kRealisasi, R"("value":2.5)", R"("value":null)"), "invalid_data"},
      {"value a string", Replace(kRealisasi, R"("value":2.5)", R"("value":"2.5")"), "invalid_data"},
      {"value a boolean", Replace(kRealisasi, R"("value":2.5)", R"("value":true)"), "invalid_data"},
      {"value negative", Replace(kRealisasi, R"("value":2.5)", R"("value":-0.5)"), "invalid_data"},
      {"value zero", Replace(kRealisasi, R"("value":2.5)", R"("value":0)"), "accepted"},
      {"value an integer", Replace(kRealisasi, R"("value":2.5)", R"("value":3)"), "accepted"},
      {"value with an exponent", Replace(kRealisasi, R"("value":2.5)", R"("value":2.5E2)"),
       "accepted"},
      {"value beyond a double", Replace(kRealisasi, R"("value":2.5)", R"("value":1e400)"),
       "malformed_json"},
      {"value NaN", Replace(kRealisasi, R"("value":2.5)", R"("value":NaN)"), "malformed_json"},
      {"unknown data field",
       Replace(kRealisasi, R"("value":2.5)", R"("value":2.5,"catatan":{"a":[1]})"), "accepted"},
      {"null key", kRealisasi, "key_mismatch", std::nullopt},
      {"key mismatch", kRealisasi, "key_mismatch", std::string(kGiver)},
  });
}

TEST_CASE("a realisasi value of minus zero is zero") {
  auto r = DecodeWithKey(Replace(kRealisasi, R"("value":2.5)", R"("value":-0.0)"));
  REQUIRE(ReasonOf(r) == "accepted");
  CHECK(DataOf<RealisasiReported>(r).value == 0.0);
  CHECK_FALSE(std::signbit(DataOf<RealisasiReported>(r).value));
}

TEST_CASE("evidence.submitted data rules") {
  CheckCases({
      {"period missing", Replace(kEvidence, R"("period":"2026-03",)", ""), "invalid_data"},
      {"period month 13", Replace(kEvidence, "2026-03", "2026-13"), "invalid_data"},
      {"period 2101-01", Replace(kEvidence, "2026-03", "2101-01"), "invalid_data"},
      {"indicator missing", Replace(kEvidence, R"("indicator":"IKI-1",)", ""), "invalid_data"},
      {"indicator empty", Replace(kEvidence, R"("indicator":"IKI-1")", R"("indicator":"")"),
       "invalid_data"},
      {"indicator of 65 characters", Replace(kEvidence, "IKI-1", Repeat("e", 65)), "invalid_data"},
      {"evidence missing", Replace(kEvidence, R"(,"evidence":"EV-0001")", ""), "invalid_data"},
      {"evidence null", Replace(kEvidence, R"("evidence":"EV-0001")", R"("evidence":null)"),
       "invalid_data"},
      {"evidence a number", Replace(kEvidence, R"("evidence":"EV-0001")", R"("evidence":1)"),
       "invalid_data"},
      {"evidence empty", Replace(kEvidence, R"("evidence":"EV-0001")", R"("evidence":"")"),
       "invalid_data"},
      {"evidence of 128 characters", Replace(kEvidence, "EV-0001", Repeat("v", 128)), "accepted"},
      {"evidence of 128 four-byte characters",
       Replace(kEvidence, "EV-0001", Repeat("\xF0\x9F\x93\x84", 128)), "accepted"},
      {"evidence of 129 characters", Replace(kEvidence, "EV-0001", Repeat("v", 129)),
       "invalid_data"},
      {"evidence of 128 escaped characters", Replace(kEvidence, "EV-0001", Repeat("\\u00e9", 128)),
       "accepted"},
      {"evidence of 129 escaped characters", Replace(kEvidence, "EV-0001", Repeat("\\u00e9", 129)),
       "invalid_data"},
      {"key mismatch", kEvidence, "key_mismatch", std::string(kGiver)},
  });
}

TEST_CASE("feedback.given data rules") {
  CheckCases({
      {"giver missing", Wrap("feedback.given.v1", R"({"value":"loyal"})"), "invalid_data"},
      {"giver null", Replace(kFeedback, R"("giver":"197001012000011001")", R"("giver":null)"),
       "invalid_data"},
      {"giver a number",
       Replace(kFeedback, R"("giver":"197001012000011001")", R"("giver":197001012000011001)"),
       "invalid_data"},
      {"giver 17 digits", Replace(kFeedback, kGiver, "19700101200001100"), "invalid_nip"},
      {"giver with a letter", Replace(kFeedback, kGiver, "19700101200001100X"), "invalid_nip"},
      {"giver not a real date", Replace(kFeedback, kGiver, "197002302000011001"), "invalid_nip"},
      {"giver born 1939", Replace(kFeedback, kGiver, "193912312000011001"), "invalid_nip"},
      {"giver born 2013", Replace(kFeedback, kGiver, "201301012000011001"), "invalid_nip"},
      {"giver digit 15 is 3", Replace(kFeedback, kGiver, "197001012000013001"), "invalid_nip"},
      {"giver born 29 February 2012", Replace(kFeedback, kGiver, "201202292000012001"), "accepted"},
      {"giver equal to the subject", Replace(kFeedback, kGiver, kNip), "accepted"},
      {"value upper case", Replace(kFeedback, "kolaboratif", "Kolaboratif"), "invalid_data"},
      {"value not a core value", Replace(kFeedback, "kolaboratif", "integritas"), "invalid_data"},
      {"value empty", Replace(kFeedback, R"("kolaboratif")", R"("")"), "invalid_data"},
      {"value a number", Replace(kFeedback, R"("kolaboratif")", "1"), "invalid_data"},
      {"note a number", Replace(kFeedback, R"("Terima kasih")", "5"), "invalid_data"},
      {"note an object", Replace(kFeedback, R"("Terima kasih")", R"({"text":"x"})"),
       "invalid_data"},
      {"note empty", Replace(kFeedback, R"("Terima kasih")", R"("")"), "accepted"},
      {"note of 2000 characters", Replace(kFeedback, "Terima kasih", Repeat("n", 2000)),
       "accepted"},
      {"note of 2000 two-byte characters",
       Replace(kFeedback, "Terima kasih", Repeat("\xC3\xA9", 2000)), "accepted"},
      {"note of 2001 characters", Replace(kFeedback, "Terima kasih", Repeat("n", 2001)),
       "invalid_data"},
      {"unknown data field", Replace(kFeedback, R"("giver")", R"("channel":"app","giver")"),
       "accepted"},
      {"null key", kFeedback, "key_mismatch", std::nullopt},
      {"key mismatch", kFeedback, "key_mismatch", std::string(kGiver)},
  });
}

TEST_CASE("feedback giver precedence: invalid_nip beats key_mismatch and invalid_data") {
  const std::string bad_giver = Replace(kFeedback, kGiver, "197002302000011001");
  CheckCases({
      {"bad giver and wrong key", bad_giver, "invalid_nip", std::string(kGiver)},
      {"bad giver and bad value", Replace(bad_giver, "kolaboratif", "KOLABORATIF"), "invalid_nip"},
      {"bad giver and a note too long", Replace(bad_giver, "Terima kasih", Repeat("n", 2001)),
       "invalid_nip"},
      // A giver that is not a string is a data fault, so the key is checked first.
      {"numeric giver and wrong key", Replace(kFeedback, R"("197001012000011001")", "7"),
       "key_mismatch", std::string(kGiver)},
      {"numeric giver", Replace(kFeedback, R"("197001012000011001")", "7"), "invalid_data"},
      // The subject is checked before the giver.
      {"bad subject and bad giver", Replace(bad_giver, kNip, "198609262015053001"), "invalid_nip",
       std::string("198609262015053001")},
  });
  auto giver = DecodeWithKey(bad_giver);
  REQUIRE(ReasonOf(giver) == "invalid_nip");
  CHECK(std::get<Rejection>(giver).detail.rfind("data.giver: ", 0) == 0);
  CHECK(std::get<Rejection>(giver).detail.find("197002302000011001") == std::string::npos);
  auto subject = DecodeWithKey(Replace(bad_giver, kNip, "198609262015053001"), std::nullopt);
  REQUIRE(ReasonOf(subject) == "invalid_nip");
  CHECK(std::get<Rejection>(subject).detail.rfind("subject: ", 0) == 0);
}

TEST_CASE("the note is validated but never echoed in a detail") {
  const std::string secret = "RAHASIA-" + Repeat("x", 2000);
  auto r = DecodeWithKey(Replace(kFeedback, "Terima kasih", secret));
  REQUIRE(ReasonOf(r) == "invalid_data");
  CHECK(std::get<Rejection>(r).detail.find("note") != std::string::npos);
  CHECK(std::get<Rejection>(r).detail.find("RAHASIA") == std::string::npos);
}

TEST_CASE("rating.assigned data rules") {
  CheckCases({
      {"period missing", Replace(kRating, R"("period":"2026-03",)", ""), "invalid_data"},
      {"period a number", Replace(kRating, R"("period":"2026-03")", R"("period":2026)"),
       "invalid_data"},
      {"period a year of 2 digits", Replace(kRating, R"("2026-03")", R"("26")"), "invalid_data"},
      {"period a year of 5 digits", Replace(kRating, R"("2026-03")", R"("02026")"), "invalid_data"},
      {"period year 1999", Replace(kRating, R"("2026-03")", R"("1999")"), "invalid_data"},
      {"period year 2101", Replace(kRating, R"("2026-03")", R"("2101")"), "invalid_data"},
      {"period year 2000", Replace(kRating, R"("2026-03")", R"("2000")"), "accepted"},
      {"period year 2100", Replace(kRating, R"("2026-03")", R"("2100")"), "accepted"},
      {"period month 13", Replace(kRating, "2026-03", "2026-13"), "invalid_data"},
      {"period one-digit month", Replace(kRating, "2026-03", "2026-3"), "invalid_data"},
      {"period a date", Replace(kRating, "2026-03", "2026-03-31"), "invalid_data"},
      {"period a quarter", Replace(kRating, "2026-03", "2026-Q1"), "invalid_data"},
      {"hasil missing", Replace(kRating, R"("hasil":"di_atas",)", ""), "invalid_data"},
      {"hasil upper case", Replace(kRating, R"("hasil":"di_atas")", R"("hasil":"DI_ATAS")"),
       "invalid_data"},
      {"hasil a predikat", Replace(kRating, R"("hasil":"di_atas")", R"("hasil":"baik")"),
       "invalid_data"},
      {"hasil null", Replace(kRating, R"("hasil":"di_atas")", R"("hasil":null)"), "invalid_data"},
      {"perilaku missing", Replace(kRating, R"("perilaku":"sesuai",)", ""), "invalid_data"},
      {"perilaku with a space",
       Replace(kRating, R"("perilaku":"sesuai")", R"("perilaku":"di atas")"), "invalid_data"},
      {"perilaku di_bawah", Replace(kRating, R"("perilaku":"sesuai")", R"("perilaku":"di_bawah")"),
       "accepted"},
      {"rater missing", Replace(kRating, R"(,"rater":"197001012000011001")", ""), "invalid_data"},
      {"rater null", Replace(kRating, R"("rater":"197001012000011001")", R"("rater":null)"),
       "invalid_data"},
      {"rater an array", Replace(kRating, R"("197001012000011001")", R"(["197001012000011001"])"),
       "invalid_data"},
      {"rater not a NIP", Replace(kRating, kGiver, "12345"), "invalid_nip"},
      {"rater digit 15 is 0", Replace(kRating, kGiver, "197001012000010001"), "invalid_nip"},
      {"bad rater and wrong key", Replace(kRating, kGiver, "12345"), "invalid_nip",
       std::string(kGiver)},
      {"bad rater and bad hasil", Replace(Replace(kRating, kGiver, "12345"), "di_atas", "x"),
       "invalid_nip"},
      {"numeric rater and wrong key", Replace(kRating, R"("197001012000011001")", "12345"),
       "key_mismatch", std::string(kGiver)},
      {"unknown data field", Replace(kRating, R"("hasil")", R"("komentar":null,"hasil")"),
       "accepted"},
      {"key mismatch", kRating, "key_mismatch", std::string(kGiver)},
  });
}

TEST_CASE("potential.assessed data rules") {
  CheckCases({
      {"year missing", Replace(kPotential, R"("year":2026,)", ""), "invalid_data"},
      {"year a string", Replace(kPotential, R"("year":2026)", R"("year":"2026")"), "invalid_data"},
      {"year with a fraction", Replace(kPotential, R"("year":2026)", R"("year":2026.5)"),
       "invalid_data"},
      {"year 2026.0", Replace(kPotential, R"("year":2026)", R"("year":2026.0)"), "invalid_data"},
      {"year 1999", Replace(kPotential, R"("year":2026)", R"("year":1999)"), "invalid_data"},
      {"year 2101", Replace(kPotential, R"("year":2026)", R"("year":2101)"), "invalid_data"},
      {"year negative", Replace(kPotential, R"("year":2026)", R"("year":-2026)"), "invalid_data"},
      {"year beyond 64 bits",
       Replace(kPotential, R"("year":2026)", R"("year":18446744073709551616)"), "invalid_data"},
      {"year beyond a double", Replace(kPotential, R"("year":2026)", R"("year":1e400)"),
       "malformed_json"},
      {"potential missing", Replace(kPotential, R"(,"potential":"tinggi")", ""), "invalid_data"},
      {"potential null", Replace(kPotential, R"("potential":"tinggi")", R"("potential":null)"),
       "invalid_data"},
      {"potential upper case", Replace(kPotential, R"("tinggi")", R"("Tinggi")"), "invalid_data"},
      {"potential unknown", Replace(kPotential, R"("tinggi")", R"("sedang")"), "invalid_data"},
      {"potential a number", Replace(kPotential, R"("tinggi")", "3"), "invalid_data"},
      {"unknown data field",
       Replace(kPotential, R"("year")", R"("metode":"assessment center","year")"), "accepted"},
      {"key mismatch", kPotential, "key_mismatch", std::string(kGiver)},
  });
}

TEST_CASE("every type of contract v1 is known and other versions are unknown_type") {
  const std::vector<std::pair<std::string, EventType>> known = {
      {kSkp, EventType::kSkpApproved},
      {kRealisasi, EventType::kRealisasiReported},
      {kEvidence, EventType::kEvidenceSubmitted},
      {kFeedback, EventType::kFeedbackGiven},
      {kRating, EventType::kRatingAssigned},
      {kPotential, EventType::kPotentialAssessed}};
  for (const auto& [json, type] : known) {
    const std::string name(EventTypeName(type));
    INFO(name);
    auto r = DecodeWithKey(json);
    REQUIRE(ReasonOf(r) == "accepted");
    CHECK(std::get<Event>(r).envelope.type == type);
    CHECK(ReasonOf(DecodeWithKey(Replace(json, name, name.substr(0, name.size() - 1) + "2"))) ==
          "unknown_type");
    CHECK(ReasonOf(DecodeWithKey(Replace(json, name, name.substr(8)))) == "unknown_type");
    // The type of a rejection is reported when it was readable and known.
    auto bad = DecodeWithKey(json, std::string(kGiver));
    REQUIRE(ReasonOf(bad) == "key_mismatch");
    CHECK(std::get<Rejection>(bad).type == type);
  }
}

TEST_CASE("an envelope fault beats every data fault of the new types") {
  // data that is wrong in every field, and an envelope without specversion.
  for (const std::string type :
       {"skp.approved.v1", "realisasi.reported.v1", "evidence.submitted.v1", "feedback.given.v1",
        "rating.assigned.v1", "potential.assessed.v1"}) {
    INFO(type);
    const std::string bad = Wrap(type, R"({"giver":"1","rater":"1","year":"x","period":1})");
    CHECK(ReasonOf(DecodeWithKey(Replace(bad, R"("specversion":"1.0",)", ""))) ==
          "invalid_envelope");
    const bool has_nip_field = type == "feedback.given.v1" || type == "rating.assigned.v1";
    CHECK(ReasonOf(DecodeWithKey(bad, std::string(kGiver))) ==
          (has_nip_field ? "invalid_nip" : "key_mismatch"));
    CHECK(ReasonOf(DecodeWithKey(bad)) == (has_nip_field ? "invalid_nip" : "invalid_data"));
  }
}

namespace {

// Unix milliseconds of a UTC date-time (written out by hand per test, not computed by the code
// under test): 2026-03-31T14:59:59Z and 2026-03-31T15:00:00Z are the last second of March and
// the first of April in WIT (UTC+9).
constexpr int64_t kLastOfMarchWit = 1'774'969'199'000;
constexpr int64_t kFirstOfAprilWit = 1'774'969'200'000;

DecodeResult DecodeAt(const std::string& json, int64_t timestamp_ms) {
  static Decoder decoder;
  return decoder.Decode(std::string_view(kNip), json, {}, timestamp_ms);
}

}  // namespace

TEST_CASE("dates in the future: each date against the month of the message, in WIT") {
  namespace s = kinerja::testing::samples;
  // Every dated field of the samples, moved to April 2026: accepted from the first second of
  // April in WIT, invalid_data (naming the field) in the last second of March.
  const std::vector<std::pair<std::string, std::string>> april = {
      {Replace(s::kRealisasi, "2026-03", "2026-04"), "data.period"},
      {Replace(s::kEvidence, "2026-03", "2026-04"), "data.period"},
      {Replace(s::kRating, R"("period":"2026-03")", R"("period":"2026-04")"), "data.period"},
      {Replace(s::kActivity, "2026-03-10", "2026-04-01"), "data.date"},
      {Replace(s::kTraining, "2026-05-02", "2026-04-01"), "data.completed_on"},
      // 00:30 on 1 April in WIT; the samples' time is otherwise 2 April.
      {Replace(s::kFeedback, "2026-04-02T09:30:00+08:00", "2026-04-01T00:30:00+09:00"), "time"},
  };
  for (const auto& [json, field] : april) {
    INFO(field << ": " << json);
    CHECK(ReasonOf(DecodeAt(json, kFirstOfAprilWit)) == "accepted");
    auto r = DecodeAt(json, kLastOfMarchWit);
    REQUIRE(ReasonOf(r) == "invalid_data");
    CHECK(std::get<Rejection>(r).detail ==
          field + ": 2026-04 is after the month of the message's Kafka timestamp (2026-03 in WIT)");
  }
  // The same instant written in another zone: 23:30 on 31 March in WIB is 01:30 on 1 April in
  // WIT, as is a message sent then; the feedback's month and the message's agree.
  const std::string wib =
      Replace(s::kFeedback, "2026-04-02T09:30:00+08:00", "2026-03-31T23:30:00+07:00");
  CHECK(ReasonOf(DecodeAt(wib, 1'774'974'600'000)) == "accepted");  // 2026-03-31T16:30:00Z
  CHECK(ReasonOf(DecodeAt(wib, kLastOfMarchWit)) == "invalid_data");
}

TEST_CASE(
    "dates in the future: the annual rating by year, plans may lie ahead, no timestamp no check") {
  namespace s = kinerja::testing::samples;
  const std::string annual_2027 =
      Replace(s::kRating, R"("period":"2026-03")", R"("period":"2027")");
  auto r = DecodeAt(annual_2027, kFirstOfAprilWit);
  REQUIRE(ReasonOf(r) == "invalid_data");
  CHECK(std::get<Rejection>(r).detail ==
        "data.period: 2027 is after the year of the message's Kafka timestamp (2026 in WIT)");
  // An annual rating for this year is fine in any month of it.
  CHECK(ReasonOf(DecodeAt(Replace(s::kRating, R"("period":"2026-03")", R"("period":"2026")"),
                          kFirstOfAprilWit)) == "accepted");
  // SKP and potential years are plans: 2030 is fine in 2026.
  CHECK(ReasonOf(DecodeAt(Replace(s::kSkp, R"("year":2026)", R"("year":2030)"),
                          kFirstOfAprilWit)) == "accepted");
  CHECK(ReasonOf(DecodeAt(Replace(s::kPotential, R"("year":2026)", R"("year":2030)"),
                          kFirstOfAprilWit)) == "accepted");
  // Without a Kafka timestamp (-1) the rule is not checked.
  CHECK(ReasonOf(DecodeAt(annual_2027, -1)) == "accepted");
  // Other data faults come first: a future date in an otherwise invalid event names the fault.
  auto other = DecodeAt(Replace(Replace(s::kActivity, "2026-03-10", "2026-05-01"),
                                R"("minutes":90)", R"("minutes":0)"),
                        kFirstOfAprilWit);
  REQUIRE(ReasonOf(other) == "invalid_data");
  CHECK(std::get<Rejection>(other).detail == "data.minutes: must be between 1 and 1440");
}
