// Invariant checks of the fuzz targets. A failed check prints what broke and aborts; libFuzzer
// reports the abort as a crash and saves the input as an artifact (fuzz/README.md).
#pragma once

#include <string>
#include <string_view>

namespace kinerja::fuzz {

[[noreturn]] void Fail(const char* file, int line, std::string_view what);

}  // namespace kinerja::fuzz

// `what` (a std::string expression) is evaluated only when `cond` does not hold.
#define FUZZ_CHECK(cond, what)                                                                  \
  do {                                                                                          \
    if (!(cond)) ::kinerja::fuzz::Fail(__FILE__, __LINE__, std::string(#cond) + ": " + (what)); \
  } while (0)
