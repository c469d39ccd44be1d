// The user-facing contract artefacts against the decoder the pipeline uses: the examples of
// docs/events.md, and the JSON Schema in schema/ (checked by Python's jsonschema, Debian
// package python3-jsonschema: missing is a failure, not a skip).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "hostile_corpus.h"
#include "ingest/decoder.h"
#include "sample_events.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;

namespace {

const std::string kSourceDir = KINERJA_SOURCE_DIR;
const std::string kSchema = kSourceDir + "/schema/kinerja.events.v1.schema.json";
const std::string kChecker = kSourceDir + "/tests/schema/check_schema.py";

// The schema's verdict on each instance (JSON texts, passed through unchanged): "valid" or
// "invalid: <message>". Uses python3 from PATH, else Debian's /usr/bin/python3.
std::vector<std::string> SchemaVerdicts(const std::vector<std::string>& instances) {
  TempDir dir;
  const std::string file = dir / "instances.json";
  {
    std::ofstream out(file, std::ios::binary);
    out << "[\n";
    for (size_t i = 0; i < instances.size(); ++i) out << (i ? ",\n" : "") << instances[i];
    out << "\n]\n";
  }
  std::string log;
  for (const std::vector<std::string>& python :
       {std::vector<std::string>{"/usr/bin/env", "python3"},
        std::vector<std::string>{"/usr/bin/python3"}}) {
    std::vector<std::string> argv = python;
    argv.insert(argv.end(), {kChecker, kSchema, file});
    std::string out;
    const int rc = RunCommand(argv, &out);
    log += python.back() + " exited " + std::to_string(rc) + ":\n" + out + "\n";
    if (rc == 3) continue;  // no jsonschema for this interpreter: try the next one
    INFO(log);
    REQUIRE(rc == 0);
    std::vector<std::string> verdicts;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line == "valid" || line.rfind("invalid: ", 0) == 0) verdicts.push_back(line);
    }
    REQUIRE(verdicts.size() == instances.size());
    return verdicts;
  }
  FAIL(
      "python3 with the jsonschema package (draft 2020-12) is required: install python3-jsonschema "
      "(bash ops/setup.sh)\n"
      << log);
  return {};
}

// Decodes as the pipeline sees an event that `kinerja publish` sent: key = subject.
ingest::DecodeResult Decode(const std::string& json,
                            std::optional<std::string> key = std::nullopt) {
  static ingest::Decoder decoder;
  if (!key) {
    try {
      auto parsed = nlohmann::json::parse(json);
      if (parsed.is_object() && parsed.contains("subject") && parsed["subject"].is_string()) {
        key = parsed["subject"].get<std::string>();
      }
    } catch (const nlohmann::json::exception&) {
    }
  }
  return decoder.Decode(key ? std::optional<std::string_view>(*key) : std::nullopt, json);
}

std::string ReasonOf(const ingest::DecodeResult& r) {
  if (std::holds_alternative<Event>(r)) return "accepted";
  return std::string(ingest::RejectReasonName(std::get<ingest::Rejection>(r).reason));
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

std::string Repeat(const std::string& unit, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}

struct Example {
  std::string type;  // of the section it is in ("" outside a type's section)
  std::string json;
  int line = 0;
};

// Every ```json block of docs/events.md, with the event type named in the heading above it.
std::vector<Example> DocExamples() {
  std::ifstream in(kSourceDir + "/docs/events.md");
  REQUIRE(in);
  const std::regex type_name(R"(kinerja\.[a-z]+\.[a-z]+\.v1)");
  std::vector<Example> out;
  std::string section, line;
  std::optional<Example> block;
  for (int n = 1; std::getline(in, line); ++n) {
    if (block) {
      if (line.rfind("```", 0) == 0) {
        out.push_back(*block);
        block.reset();
      } else {
        block->json += line + "\n";
      }
    } else if (line.rfind("```json", 0) == 0) {
      block = Example{section, "", n};
    } else if (line.rfind("#", 0) == 0) {
      std::smatch m;
      section = std::regex_search(line, m, type_name) ? m.str() : "";
    }
  }
  REQUIRE_FALSE(block);
  return out;
}

using samples::kActivity;
using samples::kEvidence;
using samples::kFeedback;
using samples::kPotential;
using samples::kRating;
using samples::kRealisasi;
using samples::kSkp;
using samples::kTraining;
using samples::kUpsert;
using samples::Wrap;

struct Case {
  std::string name, json, reason;  // reason: what the decoder says ("accepted" or a code)
};

// Runs the cases through the decoder and the schema; returns the schema verdicts in order.
std::vector<std::string> CheckDecoderAndCollectSchema(const std::vector<Case>& cases) {
  std::vector<std::string> jsons;
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(ReasonOf(Decode(c.json)) == c.reason);
    jsons.push_back(c.json);
  }
  return SchemaVerdicts(jsons);
}

}  // namespace

TEST_CASE("docs/events.md has exactly one json example per event type") {
  const auto examples = DocExamples();
  std::multiset<std::string> types;
  for (const auto& e : examples) {
    INFO("docs/events.md:" << e.line);
    CHECK_FALSE(e.type.empty());  // every json block sits in a type's section
    types.insert(e.type);
  }
  std::multiset<std::string> expected;
  for (size_t t = 0; t < kEventTypeCount; ++t)
    expected.insert(std::string(EventTypeName(static_cast<EventType>(t))));
  CHECK(types == expected);
}

TEST_CASE("every json example in docs/events.md is accepted by the decoder as its section's type") {
  const auto examples = DocExamples();
  REQUIRE(examples.size() == 9);
  for (const auto& e : examples) {
    INFO("docs/events.md:" << e.line << " (" << e.type << ")");
    auto r = Decode(e.json);
    INFO((std::holds_alternative<ingest::Rejection>(r) ? std::get<ingest::Rejection>(r).detail
                                                       : ""));
    REQUIRE(ReasonOf(r) == "accepted");
    CHECK(EventTypeName(std::get<Event>(r).envelope.type) == e.type);
    // And unchanged on one line, as in an NDJSON file.
    CHECK(ReasonOf(Decode(nlohmann::json::parse(e.json).dump())) == "accepted");
  }
}

TEST_CASE("every json example in docs/events.md is valid against the JSON Schema") {
  const auto examples = DocExamples();
  REQUIRE(examples.size() == 9);
  std::vector<std::string> jsons;
  for (const auto& e : examples) jsons.push_back(e.json);
  const auto verdicts = SchemaVerdicts(jsons);
  for (size_t i = 0; i < examples.size(); ++i) {
    INFO("docs/events.md:" << examples[i].line << " (" << examples[i].type << ")");
    CHECK(verdicts[i] == "valid");
  }
}

TEST_CASE("the decoder and the schema accept the same valid events including edge values") {
  const std::string wide64 = Repeat("\xC3\xA9", 64);
  std::string fifty;
  for (int i = 1; i <= 50; ++i)
    fifty += std::string(i > 1 ? "," : "") + R"({"id":"I)" + std::to_string(i) +
             R"(","kind":"utama","target":1,"unit":"u"})";
  const std::vector<Case> cases = {
      {"employee upserted", kUpsert, "accepted"},
      {"skp approved", kSkp, "accepted"},
      {"realisasi reported", kRealisasi, "accepted"},
      {"evidence submitted", kEvidence, "accepted"},
      {"feedback given", kFeedback, "accepted"},
      {"rating assigned", kRating, "accepted"},
      {"potential assessed", kPotential, "accepted"},
      {"training completed", kTraining, "accepted"},
      {"activity logged", kActivity, "accepted"},
      {"subject born 29 February 2000",
       Replace(kActivity, "198609262015051001", "200002292022012001"), "accepted"},
      {"subject born 1 January 1940",
       Replace(kActivity, "198609262015051001", "194001011965011001"), "accepted"},
      {"subject born 31 December 2012",
       Replace(kActivity, "198609262015051001", "201212312035122001"), "accepted"},
      {"time with a leap second in 2100",
       Replace(kActivity, "2026-04-02T09:30:00+08:00", "2100-12-31T23:59:60Z"), "accepted"},
      {"time in lower case with a fraction",
       Replace(kActivity, "2026-04-02T09:30:00+08:00", "2000-01-01t00:00:00.123456789z"),
       "accepted"},
      {"time with a negative offset",
       Replace(kActivity, "2026-04-02T09:30:00+08:00", "2026-02-28T23:00:00-23:59"), "accepted"},
      {"source code of 32 characters",
       Replace(kActivity, "/agencies/A1", "/agencies/" + Repeat("a_-Z", 8)), "accepted"},
      {"id of 128 characters",
       Replace(kActivity, R"("id":"e-1")", R"("id":")" + Repeat("\xC3\xA9", 128) + "\""),
       "accepted"},
      {"datacontenttype",
       Replace(kActivity, R"("data":)", R"("datacontenttype":"application/json","data":)"),
       "accepted"},
      {"datacontenttype null",
       Replace(kActivity, R"("data":)", R"("datacontenttype":null,"data":)"), "accepted"},
      {"unknown fields everywhere",
       Replace(Replace(kSkp, R"("data":)", R"("traceparent":"00-ab","x":[null],"data":)"),
               R"("unit":"persen")", R"("unit":"persen","bobot":{"a":1})"),
       "accepted"},
      {"supervisor null", Replace(kUpsert, R"("197001012000011001")", "null"), "accepted"},
      {"unit of 64 two-byte characters", Replace(kUpsert, "Biro Umum", wide64), "accepted"},
      {"all four time zones - Jayapura", Replace(kUpsert, "Asia/Makassar", "Asia/Jayapura"),
       "accepted"},
      {"inactive jpt pns",
       Replace(Replace(Replace(kUpsert, "active", "inactive"), "pengawas", "jpt"), "pppk", "pns"),
       "accepted"},
      {"50 indicators", Wrap("skp.approved.v1", R"({"year":2100,"indicators":[)" + fifty + "]}"),
       "accepted"},
      {"target tiny", Replace(kSkp, R"("target":12)", R"("target":1e-300)"), "accepted"},
      {"target a huge integer",
       Replace(kSkp, R"("target":12)", R"("target":100000000000000000000000)"), "accepted"},
      {"unit empty", Replace(kSkp, R"("unit":"dokumen")", R"("unit":"")"), "accepted"},
      {"value zero in 2000-01",
       Replace(Replace(kRealisasi, R"("value":2.5)", R"("value":0)"), "2026-03", "2000-01"),
       "accepted"},
      {"evidence of 128 characters", Replace(kEvidence, "EV-0001", Repeat("v", 128)), "accepted"},
      {"feedback without value and note",
       Wrap("feedback.given.v1", R"({"giver":"197001012000011001"})"), "accepted"},
      {"feedback value and note null",
       Replace(Replace(kFeedback, R"("kolaboratif")", "null"), R"("Terima kasih")", "null"),
       "accepted"},
      {"note of 2000 two-byte characters",
       Replace(kFeedback, "Terima kasih", Repeat("\xC3\xA9", 2000)), "accepted"},
      {"rating for the year 2100", Replace(kRating, R"("2026-03")", R"("2100")"), "accepted"},
      {"training of 100000 minutes on 29 February 2096",
       Replace(Replace(kTraining, "450", "100000"), "2026-05-02", "2096-02-29"), "accepted"},
      {"activity of 1440 minutes on 29 February 2000",
       Replace(Replace(kActivity, R"("minutes":90)", R"("minutes":1440)"), "2026-03-10",
               "2000-02-29"),
       "accepted"},
      {"activity of 1 minute on 31 December 2100",
       Replace(Replace(kActivity, R"("minutes":90)", R"("minutes":1)"), "2026-03-10", "2100-12-31"),
       "accepted"},
  };
  const auto verdicts = CheckDecoderAndCollectSchema(cases);
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name);
    CHECK(verdicts[i] == "valid");
  }
}

TEST_CASE("each rule the schema can express is enforced by both the decoder and the schema") {
  const std::string n = "198609262015051001";
  const std::vector<Case> cases = {
      // Envelope.
      {"specversion missing", Replace(kActivity, R"("specversion":"1.0",)", ""),
       "invalid_envelope"},
      {"specversion 0.3", Replace(kActivity, R"("1.0")", R"("0.3")"), "invalid_envelope"},
      {"specversion a number", Replace(kActivity, R"("1.0")", "1.0"), "invalid_envelope"},
      {"id missing", Replace(kActivity, R"("id":"e-1",)", ""), "invalid_envelope"},
      {"id empty", Replace(kActivity, R"("id":"e-1")", R"("id":"")"), "invalid_envelope"},
      {"id of 129 characters",
       Replace(kActivity, R"("id":"e-1")", R"("id":")" + Repeat("i", 129) + "\""),
       "invalid_envelope"},
      {"id a number", Replace(kActivity, R"("id":"e-1")", R"("id":1)"), "invalid_envelope"},
      {"source missing", Replace(kActivity, R"("source":"/agencies/A1",)", ""), "invalid_envelope"},
      {"source prefix", Replace(kActivity, "/agencies/A1", "/agency/A1"), "invalid_envelope"},
      {"source without code", Replace(kActivity, "/agencies/A1", "/agencies/"), "invalid_envelope"},
      {"source code with a space", Replace(kActivity, "/agencies/A1", "/agencies/A 1"),
       "invalid_envelope"},
      {"source code of 33 characters",
       Replace(kActivity, "/agencies/A1", "/agencies/" + Repeat("a", 33)), "invalid_envelope"},
      {"source with a trailing newline", Replace(kActivity, "/agencies/A1", "/agencies/A1\\n"),
       "invalid_envelope"},
      {"type missing", Replace(kActivity, R"("type":"kinerja.activity.logged.v1",)", ""),
       "invalid_envelope"},
      {"type a number", Replace(kActivity, R"("kinerja.activity.logged.v1")", "5"),
       "invalid_envelope"},
      {"type of another version", Replace(kActivity, "activity.logged.v1", "activity.logged.v2"),
       "unknown_type"},
      {"type in another case", Replace(kActivity, "kinerja.activity", "Kinerja.activity"),
       "unknown_type"},
      {"subject missing", Replace(kActivity, R"("subject":")" + n + R"(",)", ""),
       "invalid_envelope"},
      {"subject a number", Replace(kActivity, "\"" + n + "\"", n), "invalid_envelope"},
      {"subject of 17 digits", Replace(kActivity, n, n.substr(1)), "invalid_nip"},
      {"subject with a trailing newline", Replace(kActivity, n, n + "\\n"), "invalid_nip"},
      {"subject born 30 February", Replace(kActivity, n, "198602302015051001"), "invalid_nip"},
      {"subject born 29 February 1987", Replace(kActivity, n, "198702292015051001"), "invalid_nip"},
      {"subject born 31 April", Replace(kActivity, n, "198604312015051001"), "invalid_nip"},
      {"subject born in month 13", Replace(kActivity, n, "198613012015051001"), "invalid_nip"},
      {"subject born 1939", Replace(kActivity, n, "193912312015051001"), "invalid_nip"},
      {"subject born 2013", Replace(kActivity, n, "201301012035051001"), "invalid_nip"},
      {"subject digit 15 is 0", Replace(kActivity, n, "198609262015050001"), "invalid_nip"},
      {"subject digit 15 is 3", Replace(kActivity, n, "198609262015053001"), "invalid_nip"},
      {"time missing", Replace(kActivity, R"("time":"2026-04-02T09:30:00+08:00",)", ""),
       "invalid_envelope"},
      {"time without offset", Replace(kActivity, "T09:30:00+08:00", "T09:30:00"),
       "invalid_envelope"},
      {"time offset without colon", Replace(kActivity, "+08:00", "+0800"), "invalid_envelope"},
      {"time with a space", Replace(kActivity, "2026-04-02T09", "2026-04-02 09"),
       "invalid_envelope"},
      {"time on 29 February 2026", Replace(kActivity, "2026-04-02T", "2026-02-29T"),
       "invalid_envelope"},
      {"time in 1999", Replace(kActivity, "2026-04-02T", "1999-12-31T"), "invalid_envelope"},
      {"time in 2101", Replace(kActivity, "2026-04-02T", "2101-01-01T"), "invalid_envelope"},
      {"time hour 24", Replace(kActivity, "T09:30:00", "T24:00:00"), "invalid_envelope"},
      {"time second 61", Replace(kActivity, "T09:30:00", "T09:30:61"), "invalid_envelope"},
      {"time empty fraction", Replace(kActivity, "T09:30:00+", "T09:30:00.+"), "invalid_envelope"},
      {"time offset hour 24", Replace(kActivity, "+08:00", "+24:00"), "invalid_envelope"},
      {"datacontenttype text",
       Replace(kActivity, R"("data":)", R"("datacontenttype":"text/plain","data":)"),
       "invalid_envelope"},
      {"datacontenttype a number",
       Replace(kActivity, R"("data":)", R"("datacontenttype":1,"data":)"), "invalid_envelope"},
      {"data missing",
       Wrap("activity.logged.v1", "{}")
               .substr(0, Wrap("activity.logged.v1", "{}").find(R"(,"data")")) +
           "}",
       "invalid_envelope"},
      {"data null", Wrap("activity.logged.v1", "null"), "invalid_envelope"},
      {"data an array", Wrap("activity.logged.v1", "[]"), "invalid_envelope"},
      {"data a string", Wrap("activity.logged.v1", R"("x")"), "invalid_envelope"},
      // employee.upserted
      {"agency with a dot", Replace(kUpsert, R"("agency":"A1")", R"("agency":"A.1")"),
       "invalid_data"},
      {"agency empty", Replace(kUpsert, R"("agency":"A1")", R"("agency":"")"), "invalid_data"},
      {"unit empty", Replace(kUpsert, "Biro Umum", ""), "invalid_data"},
      {"unit of 65 characters", Replace(kUpsert, "Biro Umum", Repeat("u", 65)), "invalid_data"},
      {"unit missing", Replace(kUpsert, R"("unit":"Biro Umum",)", ""), "invalid_data"},
      {"tz not Indonesian", Replace(kUpsert, "Asia/Makassar", "Asia/Bangkok"), "invalid_data"},
      {"tz in lower case", Replace(kUpsert, "Asia/Makassar", "asia/makassar"), "invalid_data"},
      {"position capitalised", Replace(kUpsert, "pengawas", "Pengawas"), "invalid_data"},
      {"employment unknown", Replace(kUpsert, "pppk", "honorer"), "invalid_data"},
      {"supervisor missing", Replace(kUpsert, R"("supervisor":"197001012000011001",)", ""),
       "invalid_data"},
      {"supervisor not a NIP", Replace(kUpsert, "197001012000011001", "197013012000011001"),
       "invalid_nip"},
      {"supervisor a number", Replace(kUpsert, R"("197001012000011001")", "7"), "invalid_data"},
      {"status unknown", Replace(kUpsert, R"("active")", R"("aktif")"), "invalid_data"},
      {"status null", Replace(kUpsert, R"("active")", "null"), "invalid_data"},
      // skp.approved
      {"skp year 1999", Replace(kSkp, R"("year":2026)", R"("year":1999)"), "invalid_data"},
      {"skp year 2101", Replace(kSkp, R"("year":2026)", R"("year":2101)"), "invalid_data"},
      {"skp year a string", Replace(kSkp, R"("year":2026)", R"("year":"2026")"), "invalid_data"},
      {"skp year a fraction", Replace(kSkp, R"("year":2026)", R"("year":2026.5)"), "invalid_data"},
      {"skp year null", Replace(kSkp, R"("year":2026)", R"("year":null)"), "invalid_data"},
      {"indicators missing", Wrap("skp.approved.v1", R"({"year":2026})"), "invalid_data"},
      {"indicators empty", Wrap("skp.approved.v1", R"({"year":2026,"indicators":[]})"),
       "invalid_data"},
      {"indicators an object", Wrap("skp.approved.v1", R"({"year":2026,"indicators":{}})"),
       "invalid_data"},
      {"51 indicators",
       Wrap(
           "skp.approved.v1", R"({"year":2026,"indicators":[)" +
                                  [] {
                                    std::string s;
                                    for (int i = 1; i <= 51; ++i)
                                      s += std::string(i > 1 ? "," : "") + R"({"id":"I)" +
                                           std::to_string(i) +
                                           R"(","kind":"utama","target":1,"unit":"u"})";
                                    return s;
                                  }() +
                                  "]}"),
       "invalid_data"},
      {"indicator a string", Replace(kSkp, R"([{"id":"IKI-1")", R"(["IKI-0",{"id":"IKI-1")"),
       "invalid_data"},
      {"indicator id empty", Replace(kSkp, R"("id":"IKI-1")", R"("id":"")"), "invalid_data"},
      {"indicator id of 65 characters", Replace(kSkp, "IKI-1", Repeat("i", 65)), "invalid_data"},
      {"indicator id missing", Replace(kSkp, R"("id":"IKI-1",)", ""), "invalid_data"},
      {"indicator kind capitalised", Replace(kSkp, R"("kind":"utama")", R"("kind":"Utama")"),
       "invalid_data"},
      {"indicator target zero", Replace(kSkp, R"("target":12)", R"("target":0)"), "invalid_data"},
      {"indicator target negative", Replace(kSkp, R"("target":12)", R"("target":-1)"),
       "invalid_data"},
      {"indicator target a string", Replace(kSkp, R"("target":12)", R"("target":"12")"),
       "invalid_data"},
      {"indicator unit missing", Replace(kSkp, R"(,"unit":"dokumen")", ""), "invalid_data"},
      {"indicator unit a number", Replace(kSkp, R"("unit":"dokumen")", R"("unit":1)"),
       "invalid_data"},
      // realisasi.reported
      {"realisasi period month 13", Replace(kRealisasi, "2026-03", "2026-13"), "invalid_data"},
      {"realisasi period one-digit month", Replace(kRealisasi, "2026-03", "2026-3"),
       "invalid_data"},
      {"realisasi period 1999-12", Replace(kRealisasi, "2026-03", "1999-12"), "invalid_data"},
      {"realisasi period a year", Replace(kRealisasi, "2026-03", "2026"), "invalid_data"},
      {"realisasi period a number", Replace(kRealisasi, R"("2026-03")", "202603"), "invalid_data"},
      {"realisasi indicator empty", Replace(kRealisasi, R"("IKI-1")", R"("")"), "invalid_data"},
      {"realisasi indicator of 65 characters", Replace(kRealisasi, "IKI-1", Repeat("r", 65)),
       "invalid_data"},
      {"realisasi value negative", Replace(kRealisasi, R"("value":2.5)", R"("value":-0.5)"),
       "invalid_data"},
      {"realisasi value a string", Replace(kRealisasi, R"("value":2.5)", R"("value":"1")"),
       "invalid_data"},
      {"realisasi value missing", Replace(kRealisasi, R"(,"value":2.5)", ""), "invalid_data"},
      // evidence.submitted
      {"evidence empty", Replace(kEvidence, R"("EV-0001")", R"("")"), "invalid_data"},
      {"evidence of 129 characters", Replace(kEvidence, "EV-0001", Repeat("v", 129)),
       "invalid_data"},
      {"evidence period a date", Replace(kEvidence, "2026-03", "2026-03-01"), "invalid_data"},
      {"evidence indicator missing", Replace(kEvidence, R"("indicator":"IKI-1",)", ""),
       "invalid_data"},
      // feedback.given
      {"giver missing", Wrap("feedback.given.v1", R"({"value":"loyal"})"), "invalid_data"},
      {"giver not a NIP", Replace(kFeedback, "197001012000011001", "19700101200001100"),
       "invalid_nip"},
      {"giver a number", Replace(kFeedback, R"("197001012000011001")", "197001012000011001"),
       "invalid_data"},
      {"giver null", Replace(kFeedback, R"("197001012000011001")", "null"), "invalid_data"},
      {"feedback value capitalised", Replace(kFeedback, "kolaboratif", "Kolaboratif"),
       "invalid_data"},
      {"feedback value a number", Replace(kFeedback, R"("kolaboratif")", "1"), "invalid_data"},
      {"note of 2001 characters", Replace(kFeedback, "Terima kasih", Repeat("n", 2001)),
       "invalid_data"},
      {"note a number", Replace(kFeedback, R"("Terima kasih")", "5"), "invalid_data"},
      // rating.assigned
      {"rating period month 00", Replace(kRating, "2026-03", "2026-00"), "invalid_data"},
      {"rating period year 1999", Replace(kRating, R"("2026-03")", R"("1999")"), "invalid_data"},
      {"rating period of 2 digits", Replace(kRating, R"("2026-03")", R"("26")"), "invalid_data"},
      {"rating period a number", Replace(kRating, R"("2026-03")", "2026"), "invalid_data"},
      {"hasil a predikat", Replace(kRating, "di_atas", "baik"), "invalid_data"},
      {"perilaku missing", Replace(kRating, R"("perilaku":"sesuai",)", ""), "invalid_data"},
      {"rater not a NIP", Replace(kRating, "197001012000011001", "197001012000013001"),
       "invalid_nip"},
      {"rater missing", Replace(kRating, R"(,"rater":"197001012000011001")", ""), "invalid_data"},
      // potential.assessed
      {"potential year 2101", Replace(kPotential, R"("year":2026)", R"("year":2101)"),
       "invalid_data"},
      {"potential unknown", Replace(kPotential, "tinggi", "sedang"), "invalid_data"},
      {"potential missing", Replace(kPotential, R"(,"potential":"tinggi")", ""), "invalid_data"},
      // training.completed
      {"course empty", Replace(kTraining, R"("LATSAR")", R"("")"), "invalid_data"},
      {"course of 129 characters", Replace(kTraining, "LATSAR", Repeat("c", 129)), "invalid_data"},
      {"completed_on 29 February 2026", Replace(kTraining, "2026-05-02", "2026-02-29"),
       "invalid_data"},
      {"completed_on 31 April", Replace(kTraining, "2026-05-02", "2026-04-31"), "invalid_data"},
      {"completed_on in 1999", Replace(kTraining, "2026-05-02", "1999-05-02"), "invalid_data"},
      {"training minutes 0", Replace(kTraining, "450", "0"), "invalid_data"},
      {"training minutes 100001", Replace(kTraining, "450", "100001"), "invalid_data"},
      {"training minutes a string", Replace(kTraining, "450", R"("450")"), "invalid_data"},
      {"training mode unknown", Replace(kTraining, R"("klasikal")", R"("online")"), "invalid_data"},
      // activity.logged
      {"activity on 29 February 2100", Replace(kActivity, "2026-03-10", "2100-02-29"),
       "invalid_data"},
      {"activity date with a slash", Replace(kActivity, "2026-03-10", "2026/03/10"),
       "invalid_data"},
      {"activity minutes 1441", Replace(kActivity, R"("minutes":90)", R"("minutes":1441)"),
       "invalid_data"},
      {"activity category capitalised", Replace(kActivity, "administrative", "Administrative"),
       "invalid_data"},
      {"activity category missing", Replace(kActivity, R"(,"category":"administrative")", ""),
       "invalid_data"},
  };
  const auto verdicts = CheckDecoderAndCollectSchema(cases);
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name << ": " << verdicts[i]);
    CHECK(verdicts[i].rfind("invalid: ", 0) == 0);
  }
}

TEST_CASE("what the schema cannot express is rejected by the decoder alone as documented") {
  // docs/events.md "What the schema cannot check": each of these passes the schema.
  const std::string n = "198609262015051001";
  const std::vector<Case> cases = {
      {"integer written with a fraction",
       Replace(kActivity, R"("minutes":90)", R"("minutes":90.0)"), "invalid_data"},
      {"integer written with an exponent",
       Replace(kPotential, R"("year":2026)", R"("year":2.026e3)"), "invalid_data"},
      {"duplicate indicator ids", Replace(kSkp, R"("id":"IKI-2")", R"("id":"IKI-1")"),
       "invalid_data"},
      {"number beyond a double", Replace(kSkp, R"("target":12)", R"("target":1e400)"),
       "malformed_json"},
      {"lone surrogate escape", Replace(kFeedback, "Terima kasih", "\\ud800"), "malformed_json"},
      {"over 65536 bytes",
       Replace(kActivity, R"("data":)", R"("pad":")" + std::string(70000, 'p') + R"(","data":)"),
       "too_large"},
      {"duplicate member names",
       Replace(kActivity, R"("minutes":90)", R"("minutes":0,"minutes":90)"), "malformed_json"},
  };
  const auto verdicts = CheckDecoderAndCollectSchema(cases);
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name << ": " << verdicts[i]);
    CHECK(verdicts[i] == "valid");
  }
  // The Kafka key is not in the JSON at all.
  CHECK(ReasonOf(Decode(kActivity, std::string("197001012000011001"))) == "key_mismatch");
  CHECK(ReasonOf(Decode(kActivity, std::string(""))) == "key_mismatch");
  CHECK(SchemaVerdicts({kActivity}) == std::vector<std::string>{"valid"});
}

TEST_CASE("the schema file is a draft 2020-12 schema that allows unknown fields") {
  std::ifstream in(kSchema);
  REQUIRE(in);
  const auto schema = nlohmann::json::parse(in);
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  // Forward compatibility: no object in the schema closes itself to extra fields.
  const std::string text = schema.dump();
  CHECK(text.find("additionalProperties") == std::string::npos);
  CHECK(text.find("unevaluatedProperties") == std::string::npos);
  // Every type of the contract has a branch.
  for (size_t t = 0; t < kEventTypeCount; ++t) {
    const std::string name(EventTypeName(static_cast<EventType>(t)));
    INFO(name);
    CHECK(text.find("{\"const\":\"" + name + "\"}") != std::string::npos);
  }
}

TEST_CASE("the schema agrees with the decoder on the hostile corpus, except where documented") {
  // Structured messages whose value is JSON text a validator can read: the schema refuses every
  // one the decoder refuses for a reason the schema can see. Documented exceptions (docs/events.md,
  // "What the schema cannot check"): dates in the future, integers written with a fraction or
  // an exponent, and anything of the Kafka message (key, headers, size).
  auto documented_exception = [](const kinerja::testing::HostileCase& c) {
    const std::string& n = c.name;
    return n.rfind("future/", 0) == 0 || n.rfind("number/minutes-90.0", 0) == 0 ||
           n.rfind("number/minutes-9e1", 0) == 0 || n.rfind("number/year-1e3", 0) == 0 ||
           n.rfind("batch-mode", 0) == 0 || n.rfind("structured-avro", 0) == 0;
  };
  std::vector<std::string> names, instances, expected;
  for (const auto& c : kinerja::testing::LoadHostileCorpus()) {
    const bool structured = c.name.size() > 11 && c.name.ends_with("/structured");
    if (!structured || !c.message.value || c.reason == "malformed_json" ||
        c.reason == "too_large" || c.reason == "key_mismatch" || documented_exception(c)) {
      continue;
    }
    REQUIRE(nlohmann::json::accept(*c.message.value));
    names.push_back(c.name);
    instances.push_back(*c.message.value);
    expected.push_back(c.reason == "accepted" ? "valid" : "invalid");
  }
  REQUIRE(instances.size() > 150);
  const auto verdicts = SchemaVerdicts(instances);
  for (size_t i = 0; i < instances.size(); ++i) {
    INFO(names[i] << ": " << verdicts[i]);
    CHECK(verdicts[i].substr(0, verdicts[i].find(':')) == expected[i]);
  }
}
