#include "ingest/decoder.h"

#include <simdjson.h>

#include <array>
#include <cctype>
#include <cstring>
#include <vector>

#include "duplicate_keys.h"

namespace kinerja::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::array<std::string_view, kRejectReasonCount> kReasonNames = {
    "too_large",   "malformed_json", "invalid_envelope", "unknown_type",
    "invalid_nip", "key_mismatch",   "invalid_data"};

// Unicode code points of valid UTF-8 (simdjson has validated it): non-continuation bytes.
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// A field lookup: absent and null are both "missing" for optional fields.
struct Field {
  bool present = false;  // present and not null
  element value;
};

Field Get(const object& obj, std::string_view key) {
  Field f;
  element e;
  if (obj.at_key(key).get(e) == simdjson::SUCCESS && e.type() != element_type::NULL_VALUE) {
    f.present = true;
    f.value = e;
  }
  return f;
}

// Whether an integer literal's digits (sign excluded) fit simdjson's 64-bit integers.
bool FitsSimdjsonInteger(bool negative, std::string_view digits) {
  const std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
  return digits.size() < limit.size() || (digits.size() == limit.size() && digits <= limit);
}

// simdjson's DOM refuses integer literals beyond 64 bits, but docs/events.md refuses only numbers
// that do not fit a finite double (malformed_json). Copies `in` to *out with every such integer
// outside strings written as a decimal ("...".0), which simdjson reads as the nearest double and
// still refuses when it overflows a double. Returns false when there was none to rewrite.
bool WidenBigIntegers(std::string_view in, std::string* out) {
  out->clear();
  bool changed = false, in_string = false;
  for (size_t i = 0; i < in.size();) {
    const char c = in[i];
    if (in_string) {
      const size_t n = c == '\\' && i + 1 < in.size() ? 2 : 1;
      in_string = c != '"';
      out->append(in.substr(i, n));
      i += n;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      // The whole number token; whether it is valid JSON is left to the parser.
      size_t j = i + 1;
      while (j < in.size() &&
             std::string_view("0123456789+-.eE").find(in[j]) != std::string_view::npos)
        ++j;
      const std::string_view token = in.substr(i, j - i);
      out->append(token);
      const bool negative = c == '-';
      if (token.find_first_of(".eE") == std::string_view::npos &&
          !FitsSimdjsonInteger(negative, token.substr(negative ? 1 : 0))) {
        out->append(".0");
        changed = true;
      }
      i = j;
    } else {
      in_string = c == '"';
      out->push_back(c);
      ++i;
    }
  }
  return changed;
}

bool IsNull(const object& obj, std::string_view key) {
  element e;
  return obj.at_key(key).get(e) == simdjson::SUCCESS && e.type() == element_type::NULL_VALUE;
}

// Collects the first failure of one reason class; later checks of the same class are skipped.
class Checker {
 public:
  bool failed() const { return failed_; }
  const std::string& detail() const { return detail_; }
  void Fail(std::string detail) {
    if (!failed_) {
      failed_ = true;
      detail_ = std::move(detail);
    }
  }

  // Required string with a code-point length range; returns it on success.
  std::optional<std::string_view> String(const object& obj, std::string_view key, size_t min_len,
                                         size_t max_len) {
    Field f = Get(obj, key);
    if (!f.present) {
      Fail(std::string(key) + ": required string is missing or null");
      return std::nullopt;
    }
    std::string_view s;
    if (f.value.get_string().get(s) != simdjson::SUCCESS) {
      Fail(std::string(key) + ": must be a string");
      return std::nullopt;
    }
    // Byte length bounds the code points from above, and a non-empty string has at least one:
    // count code points only when the bytes alone cannot decide.
    const size_t n = s.size() > max_len ? CodePoints(s) : s.size();
    if (n < min_len || n > max_len) {
      Fail(std::string(key) + ": length must be " + std::to_string(min_len) + "-" +
           std::to_string(max_len) + " characters, got " + std::to_string(n));
      return std::nullopt;
    }
    return s;
  }

  // Required JSON integer (no fraction, no exponent) within [lo, hi].
  std::optional<int64_t> Integer(const object& obj, std::string_view key, int64_t lo, int64_t hi) {
    Field f = Get(obj, key);
    if (!f.present) {
      Fail(std::string(key) + ": required integer is missing or null");
      return std::nullopt;
    }
    const element_type t = f.value.type();
    if (t != element_type::INT64 && t != element_type::UINT64) {
      Fail(std::string(key) + ": must be a JSON integer (no fraction or exponent) between " +
           std::to_string(lo) + " and " + std::to_string(hi));
      return std::nullopt;
    }
    int64_t v;
    if (t == element_type::UINT64 || f.value.get_int64().get(v) != simdjson::SUCCESS || v < lo ||
        v > hi) {
      Fail(std::string(key) + ": must be between " + std::to_string(lo) + " and " +
           std::to_string(hi));
      return std::nullopt;
    }
    return v;
  }

  template <class E, class ParseFn>
  std::optional<E> Enum(const object& obj, std::string_view key, ParseFn parse,
                        std::string_view allowed) {
    auto s = String(obj, key, 0, SIZE_MAX);
    if (!s) return std::nullopt;
    auto v = parse(*s);
    if (!v) Fail(std::string(key) + ": must be one of " + std::string(allowed));
    return v;
  }

  // Required JSON number (integer or not; the parser has already refused non-finite ones).
  std::optional<double> Number(const object& obj, std::string_view key) {
    Field f = Get(obj, key);
    if (!f.present) {
      Fail(std::string(key) + ": required number is missing or null");
      return std::nullopt;
    }
    double v;
    if (!f.value.is_number() || f.value.get_double().get(v) != simdjson::SUCCESS) {
      Fail(std::string(key) + ": must be a JSON number");
      return std::nullopt;
    }
    return v;
  }

  // Required "YYYY-MM" month string.
  std::optional<MonthIndex> MonthField(const object& obj, std::string_view key) {
    auto s = String(obj, key, 0, SIZE_MAX);
    if (!s) return std::nullopt;
    auto m = ParseMonth(*s);
    if (!m) Fail(std::string(key) + ": must be a month YYYY-MM with year 2000-2100");
    return m;
  }

  // Optional string with a maximum length: absent and null are fine.
  void OptionalString(const object& obj, std::string_view key, size_t max_len) {
    if (Get(obj, key).present) String(obj, key, 0, max_len);
  }

  std::optional<Date> DateField(const object& obj, std::string_view key) {
    auto s = String(obj, key, 0, SIZE_MAX);
    if (!s) return std::nullopt;
    auto d = ParseDate(*s);
    if (!d) Fail(std::string(key) + ": must be a real date YYYY-MM-DD with year 2000-2100");
    return d;
  }

 private:
  bool failed_ = false;
  std::string detail_;
};

// The NIP-valued field of a type's data, checked as invalid_nip when it is a string.
std::string_view NipDataField(EventType type) {
  switch (type) {
    case EventType::kEmployeeUpserted:
      return "supervisor";
    case EventType::kFeedbackGiven:
      return "giver";
    case EventType::kRatingAssigned:
      return "rater";
    default:
      return {};
  }
}

// A required NIP string whose NIP rules were already checked (invalid_nip comes first).
std::optional<Nip> CheckedNip(Checker& check, const object& obj, std::string_view key) {
  auto s = check.String(obj, key, 0, SIZE_MAX);
  if (!s) return std::nullopt;
  return ParseNip(*s);
}

std::optional<SkpIndicator> DecodeIndicator(Checker& check, const element& item, size_t index) {
  const std::string at = "indicators[" + std::to_string(index) + "].";
  object obj;
  if (item.get_object().get(obj) != simdjson::SUCCESS) {
    check.Fail("indicators[" + std::to_string(index) + "]: must be an object");
    return std::nullopt;
  }
  Checker inner;
  SkpIndicator ind;
  if (auto v = inner.String(obj, "id", 1, 64)) ind.id = std::string(*v);
  if (auto v = inner.Enum<IndicatorKind>(obj, "kind", ParseIndicatorKind, "utama, tambahan"))
    ind.kind = *v;
  if (auto v = inner.Number(obj, "target")) {
    if (!(*v > 0)) inner.Fail("target: must be a number > 0");
    ind.target = *v;
  }
  if (auto v = inner.String(obj, "unit", 0, SIZE_MAX)) ind.unit = std::string(*v);
  if (inner.failed()) {
    check.Fail(at + inner.detail());
    return std::nullopt;
  }
  return ind;
}

std::optional<SkpApproved> DecodeSkp(Checker& check, const object& data) {
  SkpApproved skp;
  if (auto v = check.Integer(data, "year", kMinYear, kMaxYear)) skp.year = static_cast<int16_t>(*v);
  Field f = Get(data, "indicators");
  simdjson::dom::array items;
  if (!f.present) {
    check.Fail("indicators: required array is missing or null");
    return std::nullopt;
  }
  if (f.value.get_array().get(items) != simdjson::SUCCESS) {
    check.Fail("indicators: must be an array");
    return std::nullopt;
  }
  const size_t n = items.size();
  if (n < 1 || n > 50) {
    check.Fail("indicators: must hold 1-50 indicators, got " + std::to_string(n));
    return std::nullopt;
  }
  size_t index = 0;
  for (element item : items) {
    auto ind = DecodeIndicator(check, item, index++);
    if (!ind) return std::nullopt;
    for (const SkpIndicator& prev : skp.indicators) {
      if (prev.id == ind->id) {
        check.Fail("indicators[" + std::to_string(index - 1) + "].id: duplicate id in the SKP");
        return std::nullopt;
      }
    }
    skp.indicators.push_back(std::move(*ind));
  }
  return skp;
}

std::optional<RatingPeriod> ParseRatingPeriod(std::string_view s) {
  if (auto m = ParseMonth(s)) return RatingPeriod{true, *m};
  if (s.size() == 4) {
    int year = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      year = year * 10 + (c - '0');
    }
    if (year >= kMinYear && year <= kMaxYear) return RatingPeriod{false, year};
  }
  return std::nullopt;
}

}  // namespace

std::string_view RejectReasonName(RejectReason r) { return kReasonNames[static_cast<size_t>(r)]; }

namespace {

// How the CloudEvents Kafka binding carries the event (docs/events.md, "Content modes").
enum class BindingMode : uint8_t {
  kStructured,  // the value is the whole event, as JSON
  kBinary,      // the attributes are ce_ headers, the value is `data`
  kBatch,       // application/cloudevents-batch+json: not supported
  kOtherFormat  // application/cloudevents+<not json>: not supported
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithNoCase(a, b);
}

// A media type without its parameters and surrounding blanks ("application/json").
std::string_view MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  const size_t begin = content_type.find_first_not_of(" \t");
  const size_t end = content_type.find_last_not_of(" \t");
  return begin == std::string_view::npos ? std::string_view()
                                         : content_type.substr(begin, end - begin + 1);
}

bool IsContentType(std::string_view name) { return EqualsNoCase(name, "content-type"); }

// The binding's rule: a content-type starting with application/cloudevents is structured mode
// (with its own format); otherwise a ce_specversion header means binary mode. A message with
// neither is read as structured JSON, as Kinerja always has.
BindingMode DetectMode(std::span<const MessageHeader> headers) {
  bool specversion = false;
  for (const MessageHeader& h : headers) {
    if (IsContentType(h.name) && h.value && StartsWithNoCase(*h.value, "application/cloudevents")) {
      if (StartsWithNoCase(*h.value, "application/cloudevents-batch")) return BindingMode::kBatch;
      return EqualsNoCase(MediaType(*h.value), "application/cloudevents+json")
                 ? BindingMode::kStructured
                 : BindingMode::kOtherFormat;
    }
    specversion = specversion || h.name == "ce_specversion";
  }
  return specversion ? BindingMode::kBinary : BindingMode::kStructured;
}

// One envelope attribute as found, wherever it came from: a JSON field of a structured event
// or a ce_ header of a binary one.
struct Attribute {
  enum class State : uint8_t { kMissing, kString, kNotString, kDuplicate, kNotUtf8 };
  State state = State::kMissing;
  std::string_view value;
};

struct Attributes {
  bool binary = false;
  Attribute specversion, id, source, type, subject, time, datacontenttype;
};

Attribute JsonAttribute(const object& env, std::string_view key) {
  Field f = Get(env, key);
  Attribute a;
  if (!f.present) return a;
  a.state = f.value.get_string().get(a.value) == simdjson::SUCCESS ? Attribute::State::kString
                                                                   : Attribute::State::kNotString;
  return a;
}

// A header read as an attribute: absent or null is missing; given twice, or not UTF-8, is a
// fault of its own.
Attribute HeaderAttribute(std::span<const MessageHeader> headers, std::string_view name,
                          bool any_case = false) {
  Attribute a;
  for (const MessageHeader& h : headers) {
    if (any_case ? !EqualsNoCase(h.name, name) : h.name != name) continue;
    if (a.state != Attribute::State::kMissing) {
      a.state = Attribute::State::kDuplicate;
      return a;
    }
    if (!h.value) {
      a.state = Attribute::State::kNotString;  // a null value where a string is needed
      continue;
    }
    a.value = *h.value;
    a.state =
        simdjson::validate_utf8(a.value) ? Attribute::State::kString : Attribute::State::kNotUtf8;
  }
  if (a.state == Attribute::State::kNotString) a.state = Attribute::State::kMissing;
  return a;
}

// Every attribute, each read with `get(name)`.
template <class Get>
Attributes ReadAttributes(bool binary, Get get) {
  Attributes a;
  a.binary = binary;
  a.specversion = get("specversion");
  a.id = get("id");
  a.source = get("source");
  a.type = get("type");
  a.subject = get("subject");
  a.time = get("time");
  a.datacontenttype = get("datacontenttype");
  return a;
}

Attributes FromJson(const object& env) {
  return ReadAttributes(false, [&](std::string_view name) { return JsonAttribute(env, name); });
}

// In binary mode an attribute is the header ce_<name>; datacontenttype is content-type.
Attributes FromHeaders(std::span<const MessageHeader> headers) {
  return ReadAttributes(true, [&](std::string_view name) {
    if (name == "datacontenttype") return HeaderAttribute(headers, "content-type", true);
    char header[32] = "ce_";
    name.copy(header + 3, sizeof header - 4);
    return HeaderAttribute(headers, std::string_view(header, 3 + name.size()));
  });
}

// The envelope checks of docs/events.md, the same in both content modes; details name the field
// (structured) or the header (binary) the attribute came from.
class EnvelopeChecker : public Checker {
 public:
  explicit EnvelopeChecker(bool binary) : binary_(binary) {}

  std::string Name(std::string_view attribute) const {
    if (!binary_) return std::string(attribute);
    return attribute == "datacontenttype" ? "content-type" : "ce_" + std::string(attribute);
  }

  // A required string attribute with a code-point length range; returns it on success.
  std::optional<std::string_view> Required(const Attribute& a, std::string_view attribute,
                                           size_t min_len = 0, size_t max_len = SIZE_MAX) {
    const std::string name = Name(attribute);
    switch (a.state) {
      case Attribute::State::kMissing:
        Fail(name + (binary_ ? ": required header is missing or null"
                             : ": required string is missing or null"));
        return std::nullopt;
      case Attribute::State::kNotString:
        Fail(name + ": must be a string");
        return std::nullopt;
      case Attribute::State::kDuplicate:
        Fail(name + ": header given more than once");
        return std::nullopt;
      case Attribute::State::kNotUtf8:
        Fail(name + ": not valid UTF-8");
        return std::nullopt;
      case Attribute::State::kString:
        break;
    }
    const size_t n = a.value.size() > max_len ? CodePoints(a.value) : a.value.size();
    if (n < min_len || n > max_len) {
      Fail(name + ": length must be " + std::to_string(min_len) + "-" + std::to_string(max_len) +
           " characters, got " + std::to_string(n));
      return std::nullopt;
    }
    return a.value;
  }

 private:
  bool binary_;
};

// What the envelope gives the rest of the decoding.
struct EnvelopeParts {
  std::optional<std::string_view> type, subject;
  std::string_view source;  // the agency code, once a valid source has been read
};

EnvelopeParts CheckEnvelope(const Attributes& a, EnvelopeChecker& check, Envelope* envelope) {
  EnvelopeParts parts;
  if (auto v = check.Required(a.specversion, "specversion"); v && *v != "1.0") {
    check.Fail(check.Name("specversion") + ": must be \"1.0\"");
  }
  if (auto v = check.Required(a.id, "id", 1, 128)) envelope->id = std::string(*v);
  if (auto v = check.Required(a.source, "source")) {
    constexpr std::string_view kPrefix = "/agencies/";
    if (v->substr(0, kPrefix.size()) != kPrefix || !IsAgencyCode(v->substr(kPrefix.size()))) {
      check.Fail(check.Name("source") +
                 ": must be \"/agencies/<code>\" with <code> matching [A-Za-z0-9_-]{1,32}");
    } else {
      parts.source = v->substr(kPrefix.size());
      envelope->source = std::string(parts.source);
    }
  }
  parts.type = check.Required(a.type, "type");
  parts.subject = check.Required(a.subject, "subject");
  if (auto v = check.Required(a.time, "time")) {
    if (auto t = ParseRfc3339(*v)) {
      envelope->time = *t;
    } else {
      check.Fail(check.Name("time") +
                 ": must be RFC 3339 with an offset (Z or +hh:mm), year 2000-2100");
    }
  }
  // Optional: absent (or null) is fine. A content-type header may carry parameters.
  if (a.datacontenttype.state != Attribute::State::kMissing) {
    if (a.binary) {
      if (auto v = check.Required(a.datacontenttype, "datacontenttype");
          v && !EqualsNoCase(MediaType(*v), "application/json")) {
        check.Fail(
            "content-type: if present, must be application/json (the content type of the "
            "data in binary mode)");
      }
    } else if (a.datacontenttype.state != Attribute::State::kString ||
               a.datacontenttype.value != "application/json") {
      check.Fail("datacontenttype: if present, must be \"application/json\"");
    }
  }
  return parts;
}

// Dates in the future (docs/events.md): no date of an event may lie in a month after the month of
// its message's Kafka timestamp, both taken in WIT (UTC+9, Indonesia's easternmost zone); an
// annual rating not in a later year. SKP and potential years are plans and may lie ahead.
// Returns the detail of the first such date.
std::optional<std::string> FutureDate(const Event& event, int64_t timestamp_ms) {
  constexpr int kWitOffsetMinutes = 9 * 60;
  const int64_t seconds = timestamp_ms / 1000;
  const MonthIndex limit = LocalMonth(seconds, kWitOffsetMinutes);
  auto after = [&](std::string_view field, MonthIndex month) -> std::optional<std::string> {
    if (month <= limit) return std::nullopt;
    return std::string(field) + ": " + FormatMonth(month) +
           " is after the month of the message's Kafka timestamp (" + FormatMonth(limit) +
           " in WIT)";
  };
  return std::visit(
      [&](const auto& d) -> std::optional<std::string> {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, RealisasiReported> ||
                      std::is_same_v<T, EvidenceSubmitted>) {
          return after("data.period", d.period);
        } else if constexpr (std::is_same_v<T, RatingAssigned>) {
          if (d.period.monthly) return after("data.period", d.period.value);
          if (d.period.value <= YearOf(limit)) return std::nullopt;
          return "data.period: " + std::to_string(d.period.value) +
                 " is after the year of the message's Kafka timestamp (" +
                 std::to_string(YearOf(limit)) + " in WIT)";
        } else if constexpr (std::is_same_v<T, ActivityLogged>) {
          return after("data.date", ToMonthIndex(d.date));
        } else if constexpr (std::is_same_v<T, TrainingCompleted>) {
          return after("data.completed_on", ToMonthIndex(d.completed_on));
        } else if constexpr (std::is_same_v<T, FeedbackGiven>) {
          return after("time", LocalMonth(event.envelope.time.unix_seconds, kWitOffsetMinutes));
        } else {
          return std::nullopt;  // master data, SKP and potential: no date that must be past
        }
      },
      event.data);
}

}  // namespace

struct Decoder::Impl {
  simdjson::dom::parser parser;
  std::vector<char> buffer;
  std::string widened;  // the value with big integers rewritten, on the rare retry

  DecodeResult Decode(std::optional<std::string_view> key, std::optional<std::string_view> value,
                      std::span<const MessageHeader> headers, int64_t timestamp_ms);
  simdjson::error_code Parse(std::string_view value, element* root);
  static std::optional<EventData> DecodeData(EventType type, const object& data, Checker& check);
};

Decoder::Decoder() : impl_(std::make_unique<Impl>()) {}
Decoder::~Decoder() = default;

DecodeResult Decoder::Decode(std::optional<std::string_view> key,
                             std::optional<std::string_view> value,
                             std::span<const MessageHeader> headers, int64_t timestamp_ms) {
  return impl_->Decode(key, value, headers, timestamp_ms);
}

// simdjson reads up to SIMDJSON_PADDING bytes past the end: copy into a padded buffer.
simdjson::error_code Decoder::Impl::Parse(std::string_view value, element* root) {
  if (buffer.size() < value.size() + simdjson::SIMDJSON_PADDING) {
    buffer.resize(std::max<size_t>(value.size() + simdjson::SIMDJSON_PADDING, 4096));
  }
  std::memcpy(buffer.data(), value.data(), value.size());
  std::memset(buffer.data() + value.size(), 0, simdjson::SIMDJSON_PADDING);
  auto err = parser.parse(buffer.data(), value.size(), false).get(*root);
  if (err == simdjson::NUMBER_ERROR && WidenBigIntegers(value, &widened)) {
    buffer.resize(std::max(buffer.size(), widened.size() + simdjson::SIMDJSON_PADDING));
    std::memcpy(buffer.data(), widened.data(), widened.size());
    std::memset(buffer.data() + widened.size(), 0, simdjson::SIMDJSON_PADDING);
    err = parser.parse(buffer.data(), widened.size(), false).get(*root);
  }
  return err;
}

DecodeResult Decoder::Impl::Decode(std::optional<std::string_view> key,
                                   std::optional<std::string_view> value,
                                   std::span<const MessageHeader> headers, int64_t timestamp_ms) {
  // The publishing agency, once a valid `source` has been read (a view into the parsed
  // document or a header, copied only into a rejection).
  std::string_view source;
  auto reject = [&source](RejectReason r, std::string detail,
                          std::optional<EventType> type = std::nullopt) -> DecodeResult {
    return Rejection{r, std::move(detail), type, std::string(source)};
  };

  // The size limit counts the headers too (in binary mode they carry the envelope).
  size_t header_bytes = 0;
  for (const MessageHeader& h : headers)
    header_bytes += h.name.size() + h.value.value_or("").size();
  const size_t value_bytes = value ? value->size() : 0;
  if (value_bytes + header_bytes > kMaxEventBytes) {
    return reject(RejectReason::kTooLarge,
                  header_bytes == 0
                      ? "value is " + std::to_string(value_bytes) + " bytes; the limit is 65536"
                      : "value and headers are " + std::to_string(value_bytes + header_bytes) +
                            " bytes; the limit is 65536");
  }
  // In binary mode the value is `data`: a missing one is an envelope fault, as in structured
  // mode; in structured mode there is no event at all.
  const BindingMode mode = DetectMode(headers);
  const bool has_value = value && !value->empty();
  if (!has_value && mode != BindingMode::kBinary) {
    return reject(RejectReason::kMalformedJson, "value is null or empty");
  }
  element root;
  if (has_value) {
    if (auto err = Parse(*value, &root)) {
      return reject(RejectReason::kMalformedJson,
                    std::string("not valid JSON: ") + simdjson::error_message(err));
    }
    if (auto dup = internal::FindDuplicateKey(root)) {
      // In binary mode the value is `data`: name keys as structured mode would.
      return reject(
          RejectReason::kMalformedJson,
          "duplicate key: " + std::string(mode == BindingMode::kBinary ? "data." : "") + *dup);
    }
  }

  if (mode == BindingMode::kBatch) {
    return reject(RejectReason::kInvalidEnvelope,
                  "content-type: batched mode (application/cloudevents-batch+json) is not "
                  "supported; send one event per message");
  }
  if (mode == BindingMode::kOtherFormat) {
    return reject(RejectReason::kInvalidEnvelope,
                  "content-type: structured mode supports application/cloudevents+json only");
  }
  const bool binary = mode == BindingMode::kBinary;
  object env;
  if (!binary && root.get_object().get(env) != simdjson::SUCCESS) {
    return reject(RejectReason::kMalformedJson, "the JSON value is not an object");
  }

  // Envelope (CloudEvents 1.0): from the JSON (structured) or the ce_ headers (binary).
  EnvelopeChecker envelope(binary);
  Event event;
  const EnvelopeParts parts =
      CheckEnvelope(binary ? FromHeaders(headers) : FromJson(env), envelope, &event.envelope);
  source = parts.source;
  object data;
  if (binary) {
    if (!has_value) {
      envelope.Fail(
          "data (the message value in binary mode): required, but the value is null "
          "or empty");
    } else if (root.get_object().get(data) != simdjson::SUCCESS) {
      envelope.Fail("data (the message value in binary mode): must be a JSON object");
    }
  } else if (Field f = Get(env, "data"); !f.present) {
    envelope.Fail("data: required object is missing or null");
  } else if (f.value.get_object().get(data) != simdjson::SUCCESS) {
    envelope.Fail("data: must be a JSON object");
  }
  const std::optional<std::string_view> subject = parts.subject;

  std::optional<EventType> type = parts.type ? ParseEventType(*parts.type) : std::nullopt;
  if (envelope.failed()) return reject(RejectReason::kInvalidEnvelope, envelope.detail(), type);
  if (!type) {
    return reject(RejectReason::kUnknownType,
                  envelope.Name("type") + ": not an event type of contract v1");
  }
  event.envelope.type = *type;

  // NIP fields: the subject, then the type's NIP-valued data fields that are strings.
  std::string why;
  if (auto nip = ParseNip(*subject, &why)) {
    event.envelope.subject = *nip;
  } else {
    return reject(RejectReason::kInvalidNip, envelope.Name("subject") + ": " + why, type);
  }
  if (std::string_view field = NipDataField(*type); !field.empty()) {
    std::string_view s;
    if (Field f = Get(data, field);
        f.present && f.value.get_string().get(s) == simdjson::SUCCESS && !ParseNip(s, &why)) {
      return reject(RejectReason::kInvalidNip, "data." + std::string(field) + ": " + why, type);
    }
  }

  // A null key lets the event land in a partition that does not hold the employee's state.
  if (!key) return reject(RejectReason::kKeyMismatch, "no key", type);
  if (*key != *subject) {
    return reject(RejectReason::kKeyMismatch,
                  "the Kafka key differs from " + envelope.Name("subject"), type);
  }

  Checker check;
  std::optional<EventData> d = DecodeData(*type, data, check);
  if (check.failed() || !d)
    return reject(RejectReason::kInvalidData, "data." + check.detail(), type);
  event.data = std::move(*d);
  if (timestamp_ms >= 0) {
    if (auto future = FutureDate(event, timestamp_ms)) {
      return reject(RejectReason::kInvalidData, *std::move(future), type);
    }
  }
  return event;
}

std::optional<EventData> Decoder::Impl::DecodeData(EventType type, const object& data,
                                                   Checker& check) {
  switch (type) {
    case EventType::kEmployeeUpserted: {
      EmployeeUpserted u;
      if (auto v = check.String(data, "agency", 0, SIZE_MAX)) {
        if (!IsAgencyCode(*v)) check.Fail("agency: must match [A-Za-z0-9_-]{1,32}");
        u.agency = std::string(*v);
      }
      if (auto v = check.String(data, "unit", 1, 64)) u.unit = std::string(*v);
      if (auto v =
              check.Enum<TimeZone>(data, "tz", ParseTimeZone,
                                   "Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura")) {
        u.tz = *v;
      }
      if (auto v = check.Enum<Position>(data, "position", ParsePosition,
                                        "jpt, administrator, pengawas, pelaksana, fungsional")) {
        u.position = *v;
      }
      if (auto v = check.Enum<Employment>(data, "employment", ParseEmployment, "pns, pppk")) {
        u.employment = *v;
      }
      if (Field f = Get(data, "supervisor"); f.present) {
        std::string_view s;
        if (f.value.get_string().get(s) != simdjson::SUCCESS) {
          check.Fail("supervisor: must be a NIP string or null");
        } else {
          u.supervisor = ParseNip(s);  // validity was checked as invalid_nip already
        }
      } else if (!IsNull(data, "supervisor")) {
        check.Fail("supervisor: required (a NIP string or null)");
      }
      if (auto v = check.String(data, "status", 0, SIZE_MAX)) {
        if (*v == "active") {
          u.active = true;
        } else if (*v == "inactive") {
          u.active = false;
        } else {
          check.Fail("status: must be one of active, inactive");
        }
      }
      return u;
    }
    case EventType::kSkpApproved:
      return DecodeSkp(check, data);
    case EventType::kRealisasiReported: {
      RealisasiReported r;
      if (auto v = check.MonthField(data, "period")) r.period = *v;
      if (auto v = check.String(data, "indicator", 1, 64)) r.indicator = std::string(*v);
      if (auto v = check.Number(data, "value")) {
        if (!(*v >= 0)) check.Fail("value: must be a number >= 0");
        r.value = *v == 0 ? 0.0 : *v;  // -0 is 0
      }
      return r;
    }
    case EventType::kEvidenceSubmitted: {
      EvidenceSubmitted e;
      if (auto v = check.MonthField(data, "period")) e.period = *v;
      if (auto v = check.String(data, "indicator", 1, 64)) e.indicator = std::string(*v);
      if (auto v = check.String(data, "evidence", 1, 128)) e.evidence = std::string(*v);
      return e;
    }
    case EventType::kFeedbackGiven: {
      FeedbackGiven fb;
      if (auto v = CheckedNip(check, data, "giver")) fb.giver = *v;
      if (Get(data, "value").present) {
        fb.value = check.Enum<CoreValue>(data, "value", ParseCoreValue,
                                         "berorientasi_pelayanan, akuntabel, kompeten, harmonis, "
                                         "loyal, adaptif, kolaboratif");
      }
      check.OptionalString(data, "note", 2000);
      return fb;
    }
    case EventType::kRatingAssigned: {
      RatingAssigned r;
      if (auto v = check.String(data, "period", 0, SIZE_MAX)) {
        if (auto p = ParseRatingPeriod(*v)) {
          r.period = *p;
        } else {
          check.Fail("period: must be a month YYYY-MM or a year YYYY, year 2000-2100");
        }
      }
      if (auto v = check.Enum<Expectation>(data, "hasil", ParseExpectation,
                                           "di_atas, sesuai, di_bawah")) {
        r.hasil = *v;
      }
      if (auto v = check.Enum<Expectation>(data, "perilaku", ParseExpectation,
                                           "di_atas, sesuai, di_bawah")) {
        r.perilaku = *v;
      }
      if (auto v = CheckedNip(check, data, "rater")) r.rater = *v;
      return r;
    }
    case EventType::kPotentialAssessed: {
      PotentialAssessed p;
      if (auto v = check.Integer(data, "year", kMinYear, kMaxYear))
        p.year = static_cast<int16_t>(*v);
      if (auto v = check.Enum<Potential>(data, "potential", ParsePotential,
                                         "rendah, menengah, tinggi")) {
        p.potential = *v;
      }
      return p;
    }
    case EventType::kTrainingCompleted: {
      TrainingCompleted t;
      if (auto v = check.String(data, "course", 1, 128)) t.course = std::string(*v);
      if (auto v = check.DateField(data, "completed_on")) t.completed_on = *v;
      if (auto v = check.Integer(data, "minutes", 1, 100000)) t.minutes = static_cast<int32_t>(*v);
      if (auto v =
              check.Enum<TrainingMode>(data, "mode", ParseTrainingMode, "klasikal, nonklasikal")) {
        t.mode = *v;
      }
      return t;
    }
    case EventType::kActivityLogged: {
      ActivityLogged a;
      if (auto v = check.DateField(data, "date")) a.date = *v;
      if (auto v = check.Integer(data, "minutes", 1, 1440)) a.minutes = static_cast<int32_t>(*v);
      if (auto v = check.Enum<ActivityCategory>(data, "category", ParseActivityCategory,
                                                "administrative, substantive")) {
        a.category = *v;
      }
      return a;
    }
  }
  check.Fail("type is not decoded by this version");
  return std::nullopt;
}

}  // namespace kinerja::ingest
