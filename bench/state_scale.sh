#!/usr/bin/env bash
# Per-event cost against the state already stored (issue 4): builds kinerja_bench_state_scale
# (Release, in build-bench/ like bench/run.sh) and runs it. No Kafka: the real Pipeline on a
# real RocksDB state of N employees, fed from memory. Results are written up in
# docs/benchmarks.md ("State size").
#
# The binary does everything else: for each size a load of a year of history (not timed as a
# result), then ROUNDS interleaved measured rounds of the same December workload on a fresh
# copy of each loaded state. State lives in a mktemp directory that is removed at exit (unless
# STATE_CACHE is set). stdout: a JSON line per load and per round, then the Markdown tables.
#
# Usage: bash bench/state_scale.sh
# Env:   SIZES (10000,1000000)    employees of state; the first is the baseline of the ratios
#        ROUNDS (3)               measured rounds per size and cache setting
#        EVENTS (1000000)         events in the measured workload
#        CACHES (default,all)     PipelineOptions::max_cached_employees settings
#        STATE_CACHE (unset)      keep the loaded states in this directory and reuse them in a
#                                 later run of the same binary (skips the long load)
#        BUILD_DIR (build-bench)  SKIP_BUILD=1 uses what is there; NINJA_JOBS limits the build
#        WAIT_FOR_COMPILES (1)    before each round, wait (up to 1 h) while a cc1plus runs
#        RESULTS (unset)          also write the whole output (JSON lines + tables) to this file
#        STATE_SCALE_ARGS (unset) more flags for the binary (word-split), e.g. "--partitions 64"
# For a quick trial: SIZES=1000,10000 EVENTS=100000 ROUNDS=1 bash bench/state_scale.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SIZES=${SIZES:-10000,1000000}
ROUNDS=${ROUNDS:-3}
EVENTS=${EVENTS:-1000000}
CACHES=${CACHES:-default,all}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
WAIT_FOR_COMPILES=${WAIT_FOR_COMPILES:-1}
read -r -a EXTRA <<<"${STATE_SCALE_ARGS:-}"

log() { echo "state_scale.sh: $*" >&2; }
die() {
  echo "state_scale.sh: error: $*" >&2
  exit 1
}

[[ "$SIZES" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "SIZES must be a comma-separated list of positive integers, got '$SIZES'"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer, got '$ROUNDS'"
[[ "$EVENTS" =~ ^[1-9][0-9]*$ ]] || die "EVENTS must be a positive integer, got '$EVENTS'"

# --- build -----------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building Release in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKINERJA_BUILD_TESTS=OFF \
    -DKINERJA_BUILD_BENCH=ON >&2
  ninja -C "$BUILD_DIR" ${NINJA_JOBS:+-j "$NINJA_JOBS"} kinerja_bench_state_scale >&2
fi
BENCH=$BUILD_DIR/bench/kinerja_bench_state_scale
[[ -x "$BENCH" ]] || die "missing $BENCH (build first)"

# --- run -------------------------------------------------------------------------------------
args=(--sizes "$SIZES" --rounds "$ROUNDS" --events "$EVENTS" --caches "$CACHES")
[[ -n "${STATE_CACHE:-}" ]] && args+=(--state-cache "$STATE_CACHE")
[[ "$WAIT_FOR_COMPILES" == 1 ]] && args+=(--wait-for-compiles 3600)
args+=(${EXTRA[@]+"${EXTRA[@]}"})

log "$(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "running: $BENCH ${args[*]}"
t0=$(date +%s)
if [[ -n "${RESULTS:-}" ]]; then
  "$BENCH" "${args[@]}" | tee "$RESULTS"
else
  "$BENCH" "${args[@]}"
fi
log "done in $(($(date +%s) - t0)) s; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
