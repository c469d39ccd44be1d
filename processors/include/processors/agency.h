// Agency codes as the KPI tables hold them: interned, one copy of each distinct code for the
// life of the process, so a counter key carries a pointer and hashing or comparing it costs
// nothing. Codes come from master data (validated by the decoder: short, bounded in number by
// the agencies that publish), so the pool stays small.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kinerja::processors {

class AgencyCode {
 public:
  AgencyCode();  // the empty code (counters without an agency)
  // Implicit: a code is written where a string is, in events, the store and tests alike.
  AgencyCode(std::string_view code);  // NOLINT(google-explicit-constructor)
  AgencyCode(const std::string& code) : AgencyCode(std::string_view(code)) {}  // NOLINT
  AgencyCode(const char* code) : AgencyCode(std::string_view(code)) {}         // NOLINT

  const std::string& str() const { return *code_; }
  operator const std::string&() const { return *code_; }  // NOLINT(google-explicit-constructor)
  bool empty() const { return code_->empty(); }
  size_t size() const { return code_->size(); }
  size_t hash() const {  // the pointer, mixed (its low bits are alignment)
    const auto p = reinterpret_cast<std::uintptr_t>(code_);
    return static_cast<size_t>((p * 0x9E3779B97F4A7C15ULL) ^ (p >> 4));
  }

  friend bool operator==(AgencyCode a, AgencyCode b) { return a.code_ == b.code_; }
  friend bool operator==(AgencyCode a, const std::string& b) { return *a.code_ == b; }
  friend bool operator==(AgencyCode a, std::string_view b) { return *a.code_ == b; }
  friend bool operator==(AgencyCode a, const char* b) { return *a.code_ == b; }
  // By text, so sorted output does not depend on where a code was interned.
  friend std::strong_ordering operator<=>(AgencyCode a, AgencyCode b) {
    return a.code_ == b.code_ ? std::strong_ordering::equal : *a.code_ <=> *b.code_;
  }

 private:
  const std::string* code_;  // into the process-wide pool; never freed
};

}  // namespace kinerja::processors
