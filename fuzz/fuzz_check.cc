#include "fuzz_check.h"

#include <cstdio>
#include <cstdlib>

namespace kinerja::fuzz {

void Fail(const char* file, int line, std::string_view what) {
  std::fprintf(stderr, "\n%s:%d: invariant broken: %.*s\n", file, line,
               static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace kinerja::fuzz
