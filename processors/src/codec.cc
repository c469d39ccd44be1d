#include "processors/codec.h"

#include <algorithm>

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
  if (!r.ok() || !r.done()) return Status::Corruption("employee state: truncated or trailing bytes");
  return Status::OK();
}

std::string EmployeeKey(Nip nip) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i) {
    k[static_cast<size_t>(i)] = static_cast<char>(nip & 0xFF);
    nip >>= 8;
  }
  return k;
}

std::string DedupEntityKey(Nip nip, std::string_view dedup_key) {
  std::string k = EmployeeKey(nip);
  k.push_back(kDedupTag);
  k.append(dedup_key);
  return k;
}

std::string EncodeDedupTimestamp(int64_t timestamp_ms) {
  std::string out;
  Writer w(&out);
  w.Signed(timestamp_ms);
  return out;
}

Status AbsorbEmployeeEntity(std::string_view suffix, std::string_view value, EmployeeState* state) {
  if (suffix.empty()) {
    DedupMemory dedup = std::move(state->dedup);
    KINERJA_RETURN_IF_ERROR(DecodeEmployee(value, state));
    state->dedup = std::move(dedup);
    return Status::OK();
  }
  if (suffix[0] != kDedupTag) return Status::Corruption("employee entity: unknown kind");
  Reader r(value);
  const int64_t ts = r.Signed();
  if (!r.ok() || !r.done()) return Status::Corruption("dedup entry: bad timestamp");
  DedupMemory& m = state->dedup;
  m.applied.emplace(std::string(suffix.substr(1)), ts);
  m.newest_ms = std::max(m.newest_ms, ts);
  m.oldest_ms = std::min(m.oldest_ms, ts);
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
