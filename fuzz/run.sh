#!/usr/bin/env bash
# Runs one libFuzzer target (fuzz/README.md) under ASan + UBSan for KINERJA_FUZZ_SECONDS
# (default 60): the repository's seeds (fuzz/corpus/TARGET, fuzz/regressions/TARGET) and the
# corpus earlier runs grew in BUILD_DIR/fuzz-work/TARGET. Exit 0 when nothing broke; on a crash,
# a leak, a timeout or a broken invariant prints the end of libFuzzer's log and the path of the
# saved input, and exits 1. Extra arguments go to libFuzzer (e.g. -jobs=1, -runs=0).
#
# Usage: bash fuzz/run.sh BUILD_DIR decoder|pipeline [libFuzzer flags...]
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" || $# -lt 2 ]]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  [[ $# -ge 2 ]] || [[ "${1:-}" == -h || "${1:-}" == --help ]]
  exit $?
fi
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$1" && pwd)
target=$2
shift 2
binary=$build/fuzz/fuzz_$target
[[ -x "$binary" ]] || { echo "fuzz: $binary not built; run fuzz/build.sh $build" >&2; exit 1; }
seconds=${KINERJA_FUZZ_SECONDS:-60}

work=$build/fuzz-work/$target
mkdir -p "$work/corpus" "$work/artifacts"
seeds=("$repo/fuzz/corpus/$target")
[[ -d "$repo/fuzz/regressions/$target" ]] && seeds+=("$repo/fuzz/regressions/$target")
log=$work/last-run.log

status=0
"$binary" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
  -dict="$repo/fuzz/kinerja.dict" -artifact_prefix="$work/artifacts/" "$@" \
  "$work/corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?

if ((status != 0)); then
  tail -n 60 "$log"
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
  echo "fuzz_$target: FAILED (exit $status); full log: $log"
  if [[ -n "$artifact" ]]; then
    echo "fuzz_$target: crashing input saved as $artifact"
    echo "fuzz_$target: reproduce with: $binary $artifact"
  fi
  exit 1
fi
# The final line (executions, coverage, corpus) and libFuzzer's totals.
grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 | sed "s/^/fuzz_$target: /"
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$log" |
  sed "s/^/fuzz_$target: /"
echo "fuzz_$target: no crash in ${seconds}s"
