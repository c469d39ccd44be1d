#!/usr/bin/env bash
# The README's test command: installs what is missing (Debian packages, the Kafka broker jars),
# builds with AddressSanitizer + UndefinedBehaviorSanitizer, and runs every test under ctest:
# unit tests, then integration and end-to-end tests on a real Kafka broker and a real
# Prometheus server that the suite starts on 127.0.0.1 and stops by PID.
#
# Usage: bash ops/test.sh [ctest arguments...]   e.g. bash ops/test.sh -L unit
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

bash ops/setup.sh

build=${KINERJA_TEST_BUILD_DIR:-build-asan}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKINERJA_SANITIZE=ON \
  -DKINERJA_WERROR="${CI:+ON}" -DKINERJA_BUILD_BENCH=OFF >/dev/null
ninja -C "$build" -j2

# Leak checking stays on; librdkafka and RocksDB keep some process-lifetime singletons.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
ctest --output-on-failure --timeout 600 "$@"
