#!/usr/bin/env bash
# Configures and builds the libFuzzer targets (fuzz/README.md) with clang, ASan and UBSan, in a
# build directory of their own (the g++ build is not touched). Run by the ctest fixture
# `fuzz_build`; by hand: bash fuzz/build.sh [BUILD_DIR]   (default build-fuzz)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
  -h | --help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
build=${1:-build-fuzz}
cxx=${KINERJA_FUZZ_CXX:-clang++-14}
command -v "$cxx" >/dev/null || { echo "fuzz: $cxx not found; run ops/setup.sh" >&2; exit 1; }

# RelWithDebInfo: libFuzzer needs speed; the checks are FUZZ_CHECK (fuzz/fuzz_check.h), not assert.
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKINERJA_FUZZ=ON -DKINERJA_SANITIZE=ON -DKINERJA_BUILD_TESTS=OFF -DKINERJA_BUILD_BENCH=OFF \
  >/dev/null
ninja -C "$build" -j2 fuzzers
