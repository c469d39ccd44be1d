#include "processors/codec.h"

#include <algorithm>
#include <climits>

namespace kinerja::processors {
namespace {

constexpr uint8_t kEmployeeFormat = 1;
constexpr uint8_t kMetaFormat = 1;
constexpr char kDedupTag = 'd';

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
  void Signed(int64_t v) { Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void Str(std::string_view s) {
    Varint(s.size());
    out_->append(s);
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

}  // namespace

void EncodeEmployee(const EmployeeState& s, std::string* out) {
  out->clear();
  Writer w(out);
  w.U8(kEmployeeFormat);
  w.U8(s.known ? 1 : 0);
  w.U8(s.master ? 1 : 0);
  if (s.master) {
    const MasterData& m = *s.master;
    w.Str(m.agency);
    w.Str(m.unit);
    w.U8(static_cast<uint8_t>(m.tz));
    w.U8(static_cast<uint8_t>(m.position));
    w.U8(static_cast<uint8_t>(m.employment));
    w.Varint(m.supervisor.value_or(0));
    w.U8(m.active ? 1 : 0);
  }
  w.Varint(s.training.size());
  for (const auto& [key, rec] : s.training) {
    WriteDate(w, key.first);
    w.Str(key.second);
    w.Varint(static_cast<uint64_t>(rec.minutes));
    w.U8(static_cast<uint8_t>(rec.mode));
  }
  w.Varint(s.activity.size());
  for (const auto& [month, a] : s.activity) {
    w.Signed(month);
    w.Varint(static_cast<uint64_t>(a.administrative));
    w.Varint(static_cast<uint64_t>(a.substantive));
  }
  w.Signed(s.dedup.newest_ms);
  w.Varint(s.dedup.next_seq);
}

Status DecodeEmployee(std::string_view bytes, EmployeeState* s) {
  *s = EmployeeState{};
  Reader r(bytes);
  if (const uint8_t format = r.U8(); format != kEmployeeFormat) {
    return Status::Corruption("employee state: unknown format " + std::to_string(format));
  }
  s->known = r.U8() != 0;
  if (r.U8()) {
    MasterData m;
    m.agency = r.Str();
    m.unit = r.Str();
    m.tz = static_cast<TimeZone>(r.U8());
    m.position = static_cast<Position>(r.U8());
    m.employment = static_cast<Employment>(r.U8());
    if (const uint64_t sup = r.Varint()) m.supervisor = sup;
    m.active = r.U8() != 0;
    s->master = std::move(m);
  }
  for (uint64_t n = r.Varint(); n > 0 && r.ok(); --n) {
    Date d = ReadDate(r);
    std::string course = r.Str();
    TrainingRecord rec;
    rec.minutes = static_cast<int32_t>(r.Varint());
    rec.mode = static_cast<TrainingMode>(r.U8());
    s->training.emplace(std::make_pair(d, std::move(course)), rec);
  }
  for (uint64_t n = r.Varint(); n > 0 && r.ok(); --n) {
    const auto month = static_cast<MonthIndex>(r.Signed());
    ActivityMonth a;
    a.administrative = static_cast<int64_t>(r.Varint());
    a.substantive = static_cast<int64_t>(r.Varint());
    s->activity.emplace(month, a);
  }
  s->dedup.newest_ms = r.Signed();
  s->dedup.next_seq = r.Varint();
  if (!r.ok() || !r.done()) return Status::Corruption("employee state: truncated or trailing bytes");
  return Status::OK();
}

std::string EmployeeKey(Nip nip) { return BigEndian64(nip); }

std::string DedupChunkKey(Nip nip, uint64_t seq) {
  std::string k = EmployeeKey(nip);
  k.push_back(kDedupTag);
  k.append(BigEndian64(seq));  // chunks scan in sequence order
  return k;
}

void FlushDedup(Nip nip, DedupMemory& m, std::vector<EntityWrite>* writes) {
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
}

Status AbsorbEmployeeEntity(std::string_view suffix, std::string_view value, EmployeeState* state) {
  DedupMemory& m = state->dedup;
  if (suffix.empty()) {
    DedupMemory dedup = std::move(m);
    KINERJA_RETURN_IF_ERROR(DecodeEmployee(value, state));
    // The blob carries the window's clock and the next chunk number; chunks carry the ids.
    dedup.newest_ms = std::max(dedup.newest_ms, m.newest_ms);
    dedup.next_seq = std::max(dedup.next_seq, m.next_seq);
    m = std::move(dedup);
    return Status::OK();
  }
  if (suffix.size() != 9 || suffix[0] != kDedupTag) return Status::Corruption("employee entity: unknown kind");
  const uint64_t seq = ParseBigEndian64(suffix.substr(1));
  Reader r(value);
  DedupMemory::Chunk chunk{seq, INT64_MIN};
  for (uint64_t n = r.Varint(); n > 0 && r.ok(); --n) {
    std::string key = r.Str();
    const int64_t ts = r.Signed();
    chunk.max_ms = std::max(chunk.max_ms, ts);
    m.newest_ms = std::max(m.newest_ms, ts);
    m.oldest_ms = std::min(m.oldest_ms, ts);
    m.applied.emplace(std::move(key), ts);
  }
  if (!r.ok() || !r.done()) return Status::Corruption("dedup chunk: truncated or trailing bytes");
  m.chunks.push_back(chunk);
  m.next_seq = std::max(m.next_seq, seq + 1);
  return Status::OK();
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

}  // namespace kinerja::processors
