#include <catch2/catch.hpp>

#include <string>

#include "core/status.h"

using namespace kinerja;

namespace {
Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidArgument("odd");
  return n / 2;
}
}  // namespace

TEST_CASE("a Result holds a value or the error, never neither") {
  Result<int> good = Half(8);
  REQUIRE(good.ok());
  CHECK(*good == 4);
  CHECK(good.status().ok());

  Result<int> bad = Half(3);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Status::Code::kInvalidArgument);
  CHECK(bad.status().message() == "odd");

  // An OK Status has no value to give: the Result reports an Internal error instead of
  // passing for a success.
  Result<std::string> neither = Status::OK();
  CHECK_FALSE(neither.ok());
  CHECK(neither.status().code() == Status::Code::kInternal);
  CHECK_FALSE(neither.status().message().empty());
}

TEST_CASE("KINERJA_RETURN_IF_ERROR returns the first error and only then") {
  int reached = 0;
  auto steps = [&](Status first, Status second) -> Status {
    KINERJA_RETURN_IF_ERROR(first);
    ++reached;
    KINERJA_RETURN_IF_ERROR(second);
    ++reached;
    return Status::OK();
  };
  CHECK(steps(Status::OK(), Status::OK()).ok());
  CHECK(reached == 2);
  reached = 0;
  Status st = steps(Status::NotFound("a"), Status::IOError("b"));
  CHECK(st.code() == Status::Code::kNotFound);
  CHECK(reached == 0);
  st = steps(Status::OK(), Status::IOError("b"));
  CHECK(st.code() == Status::Code::kIOError);
  CHECK(reached == 1);
}

TEST_CASE("every error code reads as its name and message") {
  CHECK(Status::OK().ToString() == "OK");
  CHECK(Status::InvalidArgument("m").ToString() == "invalid argument: m");
  CHECK(Status::NotFound("m").ToString() == "not found: m");
  CHECK(Status::IOError("m").ToString() == "I/O error: m");
  CHECK(Status::Corruption("m").ToString() == "corruption: m");
  CHECK(Status::Unavailable("m").ToString() == "unavailable: m");
  const Status denied = Status::PermissionDenied("sasl refused");
  CHECK(denied.code() == Status::Code::kPermissionDenied);
  CHECK(denied.ToString() == "permission denied: sasl refused");
  CHECK(Status::Internal("m").ToString() == "internal error: m");
}
