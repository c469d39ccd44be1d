#include "duplicate_keys.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace kinerja::ingest::internal {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// A member name is data the publisher chose: it is echoed only when it reads as a plain name
// (ASCII letters, digits and _-$@:, at most 64 bytes, no run of 5 digits that could be part of
// a NIP); otherwise the path says so without repeating it.
bool Showable(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  int digits = 0;
  for (char c : key) {
    const bool digit = c >= '0' && c <= '9';
    digits = digit ? digits + 1 : 0;
    if (digits >= 5) return false;
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!digit && !letter && std::string_view("_-$@:").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

void AppendKey(std::string* path, std::string_view key) {
  if (!path->empty()) path->push_back('.');
  path->append(Showable(key) ? key : std::string_view("(a name not shown)"));
}

// Objects are small (an event's envelope has about ten keys): up to 16 keys, every pair is
// compared (lengths first, so most pairs cost one comparison); larger ones are sorted. Neither
// allocates per key.
std::optional<std::string_view> RepeatedKey(simdjson::dom::object obj,
                                            std::vector<std::string_view>* scratch) {
  scratch->clear();
  for (auto field : obj) scratch->push_back(field.key);
  const size_t n = scratch->size();
  if (n < 2) return std::nullopt;
  if (n <= 16) {
    for (size_t i = 1; i < n; ++i) {
      for (size_t j = 0; j < i; ++j) {
        if ((*scratch)[i] == (*scratch)[j]) return (*scratch)[i];
      }
    }
    return std::nullopt;
  }
  std::sort(scratch->begin(), scratch->end());
  auto it = std::adjacent_find(scratch->begin(), scratch->end());
  if (it == scratch->end()) return std::nullopt;
  return *it;
}

// Whether any object under `e` repeats a member name (the common answer, no: nothing else is
// built).
bool HasRepeat(element e, std::vector<std::string_view>* scratch) {
  if (e.type() == element_type::OBJECT) {
    const simdjson::dom::object obj = e.get_object().value_unsafe();
    if (RepeatedKey(obj, scratch)) return true;
    for (auto field : obj) {
      if (HasRepeat(field.value, scratch)) return true;
    }
  } else if (e.type() == element_type::ARRAY) {
    const simdjson::dom::array items = e.get_array().value_unsafe();  // a local: range-for
    for (element item : items) {
      if (HasRepeat(item, scratch)) return true;
    }
  }
  return false;
}

// The same walk, building the path to the first repeat (only once HasRepeat found one).
bool Walk(element e, std::string* path, std::vector<std::string_view>* scratch) {
  if (e.type() == element_type::OBJECT) {
    const simdjson::dom::object obj = e.get_object().value_unsafe();
    if (auto key = RepeatedKey(obj, scratch)) {
      AppendKey(path, *key);
      return true;
    }
    for (auto field : obj) {
      const size_t mark = path->size();
      AppendKey(path, field.key);
      if (Walk(field.value, path, scratch)) return true;
      path->resize(mark);
    }
  } else if (e.type() == element_type::ARRAY) {
    size_t i = 0;
    const simdjson::dom::array items = e.get_array().value_unsafe();  // a local: range-for
    for (element item : items) {
      const size_t mark = path->size();
      path->append("[" + std::to_string(i++) + "]");
      if (Walk(item, path, scratch)) return true;
      path->resize(mark);
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> FindDuplicateKey(element root) {
  thread_local std::vector<std::string_view> scratch;  // reused: no allocation per event
  if (!HasRepeat(root, &scratch)) return std::nullopt;
  std::string path;
  Walk(root, &path, &scratch);
  return path;
}

}  // namespace kinerja::ingest::internal
