#include "state/codec.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace kinerja::state {

using namespace processors;  // the types encoded here

namespace {

constexpr uint8_t kCoreFormat = 3;
constexpr uint8_t kYearFormat = 1;
constexpr uint8_t kMetaFormat = 1;
constexpr char kCoreTag = 'c';
constexpr char kDedupTag = 'd';
constexpr char kYearTag = 'y';

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  void U8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void Signed(int64_t v) {
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void Str(std::string_view s) {
    Varint(s.size());
    out_->append(s);
  }
  void Double(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    for (int i = 0; i < 8; ++i) out_->push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  }

 private:
  std::string* out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  uint8_t U8() {
    if (pos_ >= in_.size()) return Fail<uint8_t>();
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Fail<uint64_t>();
      const auto b = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    return Fail<uint64_t>();
  }
  int64_t Signed() {
    const uint64_t u = Varint();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  double Double() {
    if (in_.size() - pos_ < 8) return Fail<double>();
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i)
      bits |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  template <class E>
  E Enum(uint8_t count) {
    const uint8_t v = U8();
    if (v >= count) return Fail<E>();
    return static_cast<E>(v);
  }
  std::string Str() {
    const uint64_t n = Varint();
    if (!ok_ || n > in_.size() - pos_) return Fail<std::string>();
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }

 private:
  template <class T>
  T Fail() {
    ok_ = false;
    pos_ = in_.size();
    return T{};
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// 8 big-endian bytes: byte order equals numeric order, so keys scan in order.
std::string BigEndian64(uint64_t v) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i) {
    k[static_cast<size_t>(i)] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return k;
}

uint64_t ParseBigEndian64(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

void WriteDate(Writer& w, const Date& d) { w.Signed(DaysFromCivil(d.year, d.month, d.day)); }
Date ReadDate(Reader& r) { return CivilFromDays(r.Signed()); }

void WriteRating(Writer& w, const std::optional<Rating>& rating) {
  w.U8(rating ? 1 : 0);
  if (!rating) return;
  w.U8(static_cast<uint8_t>(rating->hasil));
  w.U8(static_cast<uint8_t>(rating->perilaku));
  w.Varint(rating->rater);
}

std::optional<Rating> ReadRating(Reader& r) {
  if (!r.U8()) return std::nullopt;
  Rating rating;
  rating.hasil = r.Enum<Expectation>(3);
  rating.perilaku = r.Enum<Expectation>(3);
  rating.rater = r.Varint();
  return rating;
}

Status DecodeCore(std::string_view bytes, EmployeeState* s) {
  Reader r(bytes);
  if (const uint8_t format = r.U8(); format != kCoreFormat) {
    return Status::Corruption("employee state: unknown format " + std::to_string(format));
  }
  s->known = r.U8() != 0;
  s->master.reset();
  if (r.U8()) {
    MasterData m;
    m.agency = r.Str();
    m.unit = r.Str();
    m.tz = r.Enum<TimeZone>(4);
    m.position = r.Enum<Position>(5);
    m.employment = r.Enum<Employment>(2);
    if (const uint64_t sup = r.Varint()) m.supervisor = sup;
    m.active = r.U8() != 0;
    s->master = std::move(m);
  }
  // The core carries the window's clock, the next chunk number and the persisted chunks (number
  // and newest timestamp); the chunks carry the ids.
  DedupMemory& d = s->dedup;
  d.newest_ms = std::max(d.newest_ms, r.Signed());
  d.next_seq = std::max(d.next_seq, r.Varint());
  d.chunks.clear();
  for (uint64_t n = r.Varint(); n > 0 && r.ok(); --n) {
    DedupMemory::Chunk chunk;
    chunk.seq = r.Varint();
    chunk.max_ms = r.Signed();
    d.oldest_ms = std::min(d.oldest_ms, chunk.max_ms);  // so a sweep finds it once expired
    d.chunks.push_back(chunk);
  }
  if (!r.ok() || !r.done())
    return Status::Corruption("employee state: truncated or trailing bytes");
  return Status::OK();
}

// Reads a dedup chunk (FlushDedup writes it): `fn` gets each full id and its timestamp.
template <class Fn>
Status ForEachChunkId(std::string_view value, Fn fn) {
  Reader r(value);
  for (uint64_t n = r.Varint(); n > 0 && r.ok(); --n) {
    std::string key = r.Str();
    const int64_t ts = r.Signed();
    fn(std::move(key), ts);
  }
  if (!r.ok() || !r.done()) return Status::Corruption("dedup chunk: truncated or trailing bytes");
  return Status::OK();
}

Status AbsorbDedupChunk(uint64_t seq, std::string_view value, DedupMemory* m) {
  KINERJA_RETURN_IF_ERROR(ForEachChunkId(value, [m](const std::string& key, int64_t ts) {
    m->newest_ms = std::max(m->newest_ms, ts);
    m->oldest_ms = std::min(m->oldest_ms, ts);
    // An id applied again after its window is in two chunks: the later copy counts.
    m->applied.Remember(DedupFingerprint(key), ts);
  }));
  m->next_seq = std::max(m->next_seq, seq + 1);
  return Status::OK();
}

}  // namespace

void EncodeEmployeeCore(const EmployeeState& s, std::string* out) {
  out->clear();
  Writer w(out);
  w.U8(kCoreFormat);
  w.U8(s.known ? 1 : 0);
  w.U8(s.master ? 1 : 0);
  if (s.master) {
    const MasterData& m = *s.master;
    w.Str(m.agency.str());
    w.Str(m.unit);
    w.U8(static_cast<uint8_t>(m.tz));
    w.U8(static_cast<uint8_t>(m.position));
    w.U8(static_cast<uint8_t>(m.employment));
    w.Varint(m.supervisor.value_or(0));
    w.U8(m.active ? 1 : 0);
  }
  w.Signed(s.dedup.newest_ms);
  w.Varint(s.dedup.next_seq);
  w.Varint(s.dedup.chunks.size());
  for (const DedupMemory::Chunk& c : s.dedup.chunks) {
    w.Varint(c.seq);
    w.Signed(c.max_ms);
  }
}

void EncodeYear(const YearState& y, std::string* out) {
  out->clear();
  Writer w(out);
  w.U8(kYearFormat);
  w.U8(y.skp ? 1 : 0);
  if (y.skp) {
    w.Varint(y.skp->size());
    for (const SkpIndicator& ind : *y.skp) {
      w.Str(ind.id);
      w.U8(static_cast<uint8_t>(ind.kind));
      w.Double(ind.target);
      w.Str(ind.unit);
    }
  }
  w.Varint(y.months.size());
  for (const auto& [month, m] : y.months) {
    w.Signed(month);
    w.Varint(m.indicators.size());
    for (const auto& [id, im] : m.indicators) {
      w.Str(id);
      w.U8(im.value ? 1 : 0);
      if (im.value) w.Double(*im.value);
      w.Varint(im.evidence.size());
      for (const std::string& e : im.evidence) w.Str(e);
    }
    w.Varint(static_cast<uint64_t>(m.feedback));
    w.Varint(static_cast<uint64_t>(m.administrative));
    w.Varint(static_cast<uint64_t>(m.substantive));
    WriteRating(w, m.rating);
  }
  w.Varint(y.training.size());
  for (const auto& [key, rec] : y.training) {
    WriteDate(w, key.first);
    w.Str(key.second);
    w.Varint(static_cast<uint64_t>(rec.minutes));
    w.U8(static_cast<uint8_t>(rec.mode));
  }
  WriteRating(w, y.annual);
  w.U8(y.potential ? static_cast<uint8_t>(static_cast<uint8_t>(*y.potential) + 1) : 0);
}

Status DecodeYear(std::string_view bytes, YearState* y) {
  *y = YearState{};
  Reader r(bytes);
  if (const uint8_t format = r.U8(); format != kYearFormat) {
    return Status::Corruption("employee year: unknown format " + std::to_string(format));
  }
  if (r.U8()) {
    std::vector<SkpIndicator> skp;
    for (uint64_t n = r.Varint(); n > 0 && r.ok(); --n) {
      SkpIndicator ind;
      ind.id = r.Str();
      ind.kind = r.Enum<IndicatorKind>(2);
      ind.target = r.Double();
      ind.unit = r.Str();
      skp.push_back(std::move(ind));
    }
    y->skp = std::move(skp);
  }
  for (uint64_t n = r.Varint(); n > 0 && r.ok(); --n) {
    const auto month = static_cast<MonthIndex>(r.Signed());
    MonthState m;
    for (uint64_t k = r.Varint(); k > 0 && r.ok(); --k) {
      std::string id = r.Str();
      IndicatorMonth im;
      if (r.U8()) im.value = r.Double();
      for (uint64_t e = r.Varint(); e > 0 && r.ok(); --e) im.evidence.push_back(r.Str());
      m.indicators.emplace(std::move(id), std::move(im));
    }
    m.feedback = static_cast<int64_t>(r.Varint());
    m.administrative = static_cast<int64_t>(r.Varint());
    m.substantive = static_cast<int64_t>(r.Varint());
    m.rating = ReadRating(r);
    y->months.emplace(month, std::move(m));
  }
  for (uint64_t n = r.Varint(); n > 0 && r.ok(); --n) {
    Date d = ReadDate(r);
    std::string course = r.Str();
    TrainingRecord rec;
    rec.minutes = static_cast<int32_t>(r.Varint());
    rec.mode = r.Enum<TrainingMode>(2);
    y->training.emplace(std::make_pair(d, std::move(course)), rec);
  }
  y->annual = ReadRating(r);
  if (const uint8_t p = r.U8(); p > 0) {
    if (p > 3) return Status::Corruption("employee year: bad potential");
    y->potential = static_cast<Potential>(p - 1);
  }
  if (!r.ok() || !r.done()) return Status::Corruption("employee year: truncated or trailing bytes");
  return Status::OK();
}

std::string EmployeeKey(Nip nip) { return BigEndian64(nip); }

std::string EmployeeCoreKey(Nip nip) { return EmployeeKey(nip) + kCoreTag; }

std::string DedupPrefix(Nip nip) { return EmployeeKey(nip) + kDedupTag; }

std::string DedupChunkKey(Nip nip, uint64_t seq) {
  return DedupPrefix(nip) + BigEndian64(seq);  // chunks scan in sequence order
}

std::string YearPrefix(Nip nip) { return EmployeeKey(nip) + kYearTag; }

std::string YearKey(Nip nip, int year) {
  std::string k = YearPrefix(nip);
  k.push_back(static_cast<char>((year >> 8) & 0xFF));
  k.push_back(static_cast<char>(year & 0xFF));
  return k;
}

std::vector<std::string> DedupChunksToRead(Nip nip, const EmployeeState& state, int64_t window_ms,
                                           int64_t timestamp_ms) {
  const DedupMemory& m = state.dedup;
  // The window's clock once the event is checked (CheckDuplicateAndRemember advances it first).
  const int64_t horizon = std::max(m.newest_ms, timestamp_ms) - window_ms;
  std::vector<std::string> keys;
  for (const DedupMemory::Chunk& c : m.chunks) {
    if (c.max_ms >= horizon) keys.push_back(DedupChunkKey(nip, c.seq));
  }
  return keys;
}

void FlushDedup(Nip nip, DedupMemory& m, std::vector<EntityWrite>* writes) {
  m.stored_ids.reset();  // read for one batch only: a new chunk would not be in it
  for (uint64_t seq : m.expired) writes->push_back({DedupChunkKey(nip, seq), std::nullopt});
  m.expired.clear();
  if (m.pending.empty()) return;
  std::string value;
  Writer w(&value);
  w.Varint(m.pending.size());
  int64_t max_ms = INT64_MIN;
  for (const auto& [key, ts] : m.pending) {
    w.Str(key);
    w.Signed(ts);
    max_ms = std::max(max_ms, ts);
  }
  const uint64_t seq = m.next_seq++;
  writes->push_back({DedupChunkKey(nip, seq), std::move(value)});
  m.chunks.push_back({seq, max_ms});
  m.pending.clear();
  m.pending.shrink_to_fit();
}

Status AbsorbDedupChunkIds(std::string_view value, DedupMemory* m) {
  if (!m->stored_ids) m->stored_ids.emplace();
  auto& ids = *m->stored_ids;
  return ForEachChunkId(value, [&ids](std::string key, int64_t ts) {
    auto [it, inserted] = ids.emplace(std::move(key), ts);
    if (!inserted) it->second = std::max(it->second, ts);  // the later copy counts
  });
}

Status AbsorbEmployeeEntity(std::string_view suffix, std::string_view value, EmployeeState* state) {
  if (suffix.size() == 1 && suffix[0] == kCoreTag) return DecodeCore(value, state);
  if (suffix.size() == 9 && suffix[0] == kDedupTag) {
    return AbsorbDedupChunk(ParseBigEndian64(suffix.substr(1)), value, &state->dedup);
  }
  if (suffix.size() == 3 && suffix[0] == kYearTag) {
    const auto year = static_cast<int>(ParseBigEndian64(suffix.substr(1)));
    return DecodeYear(value, &state->years[year]);
  }
  return Status::Corruption("employee entity: unknown kind");
}

std::string EncodePartitionMeta(const PartitionMeta& meta) {
  std::string out;
  Writer w(&out);
  w.U8(kMetaFormat);
  w.Signed(meta.newest_month);
  return out;
}

Status DecodePartitionMeta(std::string_view bytes, PartitionMeta* meta) {
  Reader r(bytes);
  if (r.U8() != kMetaFormat) return Status::Corruption("partition meta: unknown format");
  meta->newest_month = static_cast<MonthIndex>(r.Signed());
  if (!r.ok() || !r.done()) return Status::Corruption("partition meta: truncated");
  return Status::OK();
}

std::string EncodeKpiKey(const KpiKey& key) {
  std::string out;
  out.reserve(6 + key.agency.size());
  out.push_back(static_cast<char>(key.kpi));
  out.push_back(static_cast<char>(key.sub));
  const auto p = static_cast<uint32_t>(key.period);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((p >> shift) & 0xFF));
  out += key.agency.str();
  return out;
}

std::optional<KpiKey> DecodeKpiKey(std::string_view b) {
  if (b.size() < 6) return std::nullopt;
  KpiKey k;
  k.kpi = static_cast<Kpi>(static_cast<uint8_t>(b[0]));
  if (k.kpi < Kpi::kEmployees || k.kpi > kLastKpi) return std::nullopt;
  k.sub = static_cast<uint8_t>(b[1]);
  uint32_t p = 0;
  for (int i = 2; i < 6; ++i) p = (p << 8) | static_cast<uint8_t>(b[static_cast<size_t>(i)]);
  k.period = static_cast<int32_t>(p);
  k.agency = AgencyCode(b.substr(6));
  return k;
}

}  // namespace kinerja::state
