#include "contract_checks.h"

#include <simdjson.h>

#include <cmath>
#include <set>

#include "core/civil_time.h"
#include "core/event.h"
#include "fuzz_check.h"
#include "ingest/binding.h"

namespace kinerja::fuzz {
namespace {

using ingest::DecodeResult;
using ingest::OwnedMessage;
using ingest::Rejection;
using ingest::RejectReason;

constexpr int kWitOffsetMinutes = 9 * 60;

std::optional<std::string_view> View(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return std::string_view(*s);
}

// Valid UTF-8 with a number of code points (bytes that are not continuation bytes) in [lo, hi].
bool LengthIn(std::string_view s, size_t lo, size_t hi) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return simdjson::validate_utf8(s.data(), s.size()) && n >= lo && n <= hi;
}

// docs/events.md: the value and the headers together, names and values.
size_t MessageBytes(const OwnedMessage& m) {
  size_t n = m.value ? m.value->size() : 0;
  for (const ingest::Header& h : m.headers) n += h.name.size() + (h.value ? h.value->size() : 0);
  return n;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

bool EqualsNoCase(std::string_view s, std::string_view lower) {
  return s.size() == lower.size() && StartsNoCase(s, lower);
}

// A content type without its parameters and surrounding blanks.
std::string_view MediaType(std::string_view v) {
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

enum class Mode { kStructured, kBinary, kRefused };

// The Kafka binding's rule as docs/events.md states it ("Content modes"): a content-type header
// starting with application/cloudevents is structured mode (JSON only: other formats and batches
// are refused); otherwise a ce_specversion header is binary mode; otherwise structured.
Mode ExpectedMode(const OwnedMessage& m) {
  for (const ingest::Header& h : m.headers) {
    if (EqualsNoCase(h.name, "content-type") && h.value &&
        StartsNoCase(*h.value, "application/cloudevents")) {
      return EqualsNoCase(MediaType(*h.value), "application/cloudevents+json") ? Mode::kStructured
                                                                               : Mode::kRefused;
    }
  }
  for (const ingest::Header& h : m.headers) {
    if (h.name == "ce_specversion") return Mode::kBinary;
  }
  return Mode::kStructured;
}

// An attribute as the message carries it: in binary mode the value of the only header ce_<name>
// (nullopt if absent, null or repeated); in structured mode the string member <name> of the
// value (nullopt if it is not one, or if the value does not parse here: a decoder retry with
// widened big integers may still have accepted it).
std::optional<std::string> Attribute(const OwnedMessage& m, Mode mode, std::string_view name) {
  if (mode == Mode::kBinary) {
    const std::string header = "ce_" + std::string(name);
    std::optional<std::string> found;
    int count = 0;
    for (const ingest::Header& h : m.headers) {
      if (h.name == header && ++count == 1) found = h.value;
    }
    return count == 1 ? found : std::nullopt;
  }
  if (!m.value) return std::nullopt;
  simdjson::dom::parser parser;
  std::string_view s;
  if (parser.parse(*m.value).at_key(name).get_string().get(s) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return std::string(s);
}

bool IsAgencyCodeHere(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool NipValid(Nip nip) { return nip < 1'000'000'000'000'000'000ULL && ParseNip(FormatNip(nip)); }

// Some 18 consecutive digits of `text` form a valid NIP (details must never echo one).
bool ContainsNip(std::string_view text) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    run = text[i] >= '0' && text[i] <= '9' ? run + 1 : 0;
    if (run >= 18 && ParseNip(text.substr(i + 1 - 18, 18))) return true;
  }
  return false;
}

bool MonthInRange(MonthIndex m) {
  return m >= ToMonthIndex(kMinYear, 1) && m <= ToMonthIndex(kMaxYear, 12);
}

bool YearInRange(int y) { return y >= kMinYear && y <= kMaxYear; }

bool DateValid(const Date& d) {
  return YearInRange(d.year) && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= DaysInMonth(d.year, d.month);
}

template <class E>
bool EnumAtMost(E value, E last) {
  return static_cast<int>(value) <= static_cast<int>(last);
}

// The per-type rules of docs/events.md, on the decoded values.
struct DataChecker {
  void operator()(const EmployeeUpserted& u) const {
    FUZZ_CHECK(IsAgencyCodeHere(u.agency), "agency code");
    FUZZ_CHECK(LengthIn(u.unit, 1, 64), "unit length");
    FUZZ_CHECK(EnumAtMost(u.tz, TimeZone::kJayapura), "tz");
    FUZZ_CHECK(EnumAtMost(u.position, Position::kFungsional), "position");
    FUZZ_CHECK(EnumAtMost(u.employment, Employment::kPppk), "employment");
    FUZZ_CHECK(!u.supervisor || NipValid(*u.supervisor), "supervisor NIP");
  }
  void operator()(const SkpApproved& s) const {
    FUZZ_CHECK(YearInRange(s.year), "skp year " + std::to_string(s.year));
    FUZZ_CHECK(!s.indicators.empty() && s.indicators.size() <= 50, "1-50 indicators");
    std::set<std::string> ids;
    for (const SkpIndicator& i : s.indicators) {
      FUZZ_CHECK(LengthIn(i.id, 1, 64), "indicator id length");
      FUZZ_CHECK(ids.insert(i.id).second, "indicator ids unique");
      FUZZ_CHECK(std::isfinite(i.target) && i.target > 0, "target > 0");
      FUZZ_CHECK(EnumAtMost(i.kind, IndicatorKind::kTambahan), "kind");
    }
  }
  void operator()(const RealisasiReported& r) const {
    FUZZ_CHECK(MonthInRange(r.period), "realisasi period");
    FUZZ_CHECK(LengthIn(r.indicator, 1, 64), "indicator length");
    FUZZ_CHECK(std::isfinite(r.value) && r.value >= 0 && !std::signbit(r.value), "value >= 0");
  }
  void operator()(const EvidenceSubmitted& e) const {
    FUZZ_CHECK(MonthInRange(e.period), "evidence period");
    FUZZ_CHECK(LengthIn(e.indicator, 1, 64), "indicator length");
    FUZZ_CHECK(LengthIn(e.evidence, 1, 128), "evidence length");
  }
  void operator()(const FeedbackGiven& f) const {
    FUZZ_CHECK(NipValid(f.giver), "giver NIP");
    FUZZ_CHECK(!f.value || EnumAtMost(*f.value, CoreValue::kKolaboratif), "core value");
  }
  void operator()(const RatingAssigned& r) const {
    FUZZ_CHECK(r.period.monthly ? MonthInRange(r.period.value) : YearInRange(r.period.value),
               "rating period");
    FUZZ_CHECK(EnumAtMost(r.hasil, Expectation::kDiBawah), "hasil");
    FUZZ_CHECK(EnumAtMost(r.perilaku, Expectation::kDiBawah), "perilaku");
    FUZZ_CHECK(NipValid(r.rater), "rater NIP");
  }
  void operator()(const PotentialAssessed& p) const {
    FUZZ_CHECK(YearInRange(p.year), "potential year");
    FUZZ_CHECK(EnumAtMost(p.potential, Potential::kTinggi), "potential");
  }
  void operator()(const TrainingCompleted& t) const {
    FUZZ_CHECK(LengthIn(t.course, 1, 128), "course length");
    FUZZ_CHECK(DateValid(t.completed_on), "completed_on " + FormatDate(t.completed_on));
    FUZZ_CHECK(t.minutes >= 1 && t.minutes <= 100000, "training minutes");
    FUZZ_CHECK(EnumAtMost(t.mode, TrainingMode::kNonklasikal), "mode");
  }
  void operator()(const ActivityLogged& a) const {
    FUZZ_CHECK(DateValid(a.date), "activity date " + FormatDate(a.date));
    FUZZ_CHECK(a.minutes >= 1 && a.minutes <= 1440, "activity minutes");
    FUZZ_CHECK(EnumAtMost(a.category, ActivityCategory::kSubstantive), "category");
  }
};

// The month a dated event belongs to for the future-date rule, if it has one; annual ratings
// compare by year (kNoMonth here, handled by the caller).
std::optional<MonthIndex> DatedMonth(const Event& e) {
  if (auto* r = std::get_if<RealisasiReported>(&e.data)) return r->period;
  if (auto* v = std::get_if<EvidenceSubmitted>(&e.data)) return v->period;
  if (auto* g = std::get_if<RatingAssigned>(&e.data); g && g->period.monthly)
    return g->period.value;
  if (auto* a = std::get_if<ActivityLogged>(&e.data)) return ToMonthIndex(a->date);
  if (auto* t = std::get_if<TrainingCompleted>(&e.data)) return ToMonthIndex(t->completed_on);
  if (std::holds_alternative<FeedbackGiven>(e.data)) {
    return LocalMonth(e.envelope.time.unix_seconds, kWitOffsetMinutes);
  }
  return std::nullopt;
}

// docs/events.md, "Dates in the future": nothing after the month of the Kafka timestamp in WIT.
void CheckNotInFuture(const Event& e, int64_t timestamp_ms) {
  if (timestamp_ms < 0) return;
  const MonthIndex limit = LocalMonth(timestamp_ms / 1000, kWitOffsetMinutes);
  if (auto month = DatedMonth(e)) {
    FUZZ_CHECK(*month <= limit, FormatMonth(*month) + " after " + FormatMonth(limit));
  }
  if (auto* g = std::get_if<RatingAssigned>(&e.data); g && !g->period.monthly) {
    FUZZ_CHECK(g->period.value <= YearOf(limit), "annual rating after the timestamp's year");
  }
}

void CheckEnvelope(const Event& e) {
  const Envelope& env = e.envelope;
  FUZZ_CHECK(LengthIn(env.id, 1, 128), "id length");
  FUZZ_CHECK(IsAgencyCodeHere(env.source), "source agency code");
  FUZZ_CHECK(ParseEventType(EventTypeName(env.type)) == env.type, "type round trip");
  FUZZ_CHECK(e.data.index() == static_cast<size_t>(env.type), "data matches the type");
  FUZZ_CHECK(NipValid(env.subject), "subject NIP");
  FUZZ_CHECK(env.time.offset_minutes > -24 * 60 && env.time.offset_minutes < 24 * 60, "offset");
  const int local_year = YearOf(LocalMonth(env.time.unix_seconds, env.time.offset_minutes));
  FUZZ_CHECK(YearInRange(local_year), "time's local year " + std::to_string(local_year));
}

// The envelope matches the attributes the message carries (header values or JSON members).
void CheckAttributes(const OwnedMessage& m, Mode mode, const Event& e) {
  auto expect = [&](std::string_view name, const std::string& want) {
    const std::optional<std::string> got = Attribute(m, mode, name);
    FUZZ_CHECK(got || mode != Mode::kBinary, "binary mode without one ce_" + std::string(name));
    FUZZ_CHECK(!got || *got == want, std::string(name) + " differs from the message");
  };
  expect("specversion", "1.0");
  expect("id", e.envelope.id);
  expect("source", "/agencies/" + e.envelope.source);
  expect("type", std::string(EventTypeName(e.envelope.type)));
  expect("subject", FormatNip(e.envelope.subject));
  if (auto time = Attribute(m, mode, "time")) {
    FUZZ_CHECK(ParseRfc3339(*time) == std::optional<Instant>(e.envelope.time), "time");
  }
}

void CheckAccepted(const FramedMessage& framed, const Event& e) {
  const OwnedMessage& m = framed.message;
  FUZZ_CHECK(MessageBytes(m) <= ingest::kMaxEventBytes, "accepted over the size limit");
  FUZZ_CHECK(m.key && *m.key == FormatNip(e.envelope.subject), "accepted with key != subject");
  const Mode mode = ExpectedMode(m);
  FUZZ_CHECK(mode != Mode::kRefused, "accepted a refused content type");
  CheckEnvelope(e);
  CheckAttributes(m, mode, e);
  std::visit(DataChecker{}, e.data);
  CheckNotInFuture(e, framed.timestamp_ms);
}

void CheckRejected(const FramedMessage& framed, const Rejection& r) {
  const OwnedMessage& m = framed.message;
  const size_t reason = static_cast<size_t>(r.reason);
  FUZZ_CHECK(reason < ingest::kRejectReasonCount, "reason out of range");
  FUZZ_CHECK(!ingest::RejectReasonName(r.reason).empty(), "reason without a name");
  FUZZ_CHECK(!r.detail.empty(), "a rejection without a detail");
  FUZZ_CHECK(!ContainsNip(r.detail), "the detail echoes a NIP: " + r.detail);
  const bool too_large = MessageBytes(m) > ingest::kMaxEventBytes;
  FUZZ_CHECK(too_large == (r.reason == RejectReason::kTooLarge), "too_large iff over the limit");
  if (r.reason <= RejectReason::kMalformedJson) {
    FUZZ_CHECK(!r.type && r.source.empty(), "type or source before the JSON was read");
  }
  if (r.reason == RejectReason::kUnknownType) FUZZ_CHECK(!r.type, "unknown_type with a type");
  if (r.reason >= RejectReason::kInvalidNip) FUZZ_CHECK(r.type, "no type after the envelope");
  FUZZ_CHECK(r.source.empty() || IsAgencyCodeHere(r.source), "rejection source");
  const Mode mode = ExpectedMode(m);
  if (mode == Mode::kRefused) {
    FUZZ_CHECK(r.reason <= RejectReason::kInvalidEnvelope, "refused content type's reason");
  }
  if (r.reason == RejectReason::kKeyMismatch) {
    FUZZ_CHECK(!m.key == (r.detail == "no key"), "detail \"no key\" iff the key is null");
    if (m.key && mode == Mode::kBinary) {
      FUZZ_CHECK(Attribute(m, mode, "subject") != m.key, "key_mismatch with key == ce_subject");
    }
  }
}

}  // namespace

DecodeResult DecodeFramed(ingest::Decoder& decoder, const FramedMessage& framed) {
  const OwnedMessage& m = framed.message;
  const std::vector<ingest::MessageHeader> headers = ingest::HeaderViews(m);
  return decoder.Decode(View(m.key), View(m.value), headers, framed.timestamp_ms);
}

void CheckDecodeResult(const FramedMessage& framed, const DecodeResult& result) {
  if (auto* e = std::get_if<Event>(&result)) {
    CheckAccepted(framed, *e);
  } else {
    CheckRejected(framed, std::get<Rejection>(result));
  }
}

bool SameResult(const DecodeResult& a, const DecodeResult& b) {
  if (a.index() != b.index()) return false;
  if (auto* e = std::get_if<Event>(&a)) return *e == std::get<Event>(b);
  const Rejection& x = std::get<Rejection>(a);
  const Rejection& y = std::get<Rejection>(b);
  return x.reason == y.reason && x.detail == y.detail && x.type == y.type && x.source == y.source;
}

std::string Describe(const DecodeResult& result) {
  if (auto* e = std::get_if<Event>(&result)) {
    return "accepted " + std::string(EventTypeName(e->envelope.type));
  }
  const Rejection& r = std::get<Rejection>(result);
  return std::string(ingest::RejectReasonName(r.reason)) + ": " + r.detail;
}

}  // namespace kinerja::fuzz
