// Status and Result: the error currency at every module boundary (leveldb/RocksDB style).
// Both are [[nodiscard]]: an ignored error is a compile warning. Errors on the event path are
// values, never exceptions.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace kinerja {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,
    kNotFound,
    kIOError,
    kCorruption,
    kUnavailable,
    kPermissionDenied,  // credentials refused, or the principal may not do this
    kInternal
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) {
    return {Code::kPermissionDenied, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none: ok() is true exactly when there is a
// value. A Result built from an OK Status (a caller's bug: "no error, but no value either")
// holds an Internal error instead, so it can never pass for a success without a value.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status)                      // NOLINT: implicit by design
      : v_(status.ok() ? Status::Internal("Result built from an OK Status without a value")
                       : std::move(status)) {}
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace kinerja

// Returns from the enclosing function if `expr` is not OK.
#define KINERJA_RETURN_IF_ERROR(expr) \
  do {                                \
    ::kinerja::Status _st = (expr);   \
    if (!_st.ok()) return _st;        \
  } while (false)
