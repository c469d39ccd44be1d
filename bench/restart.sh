#!/usr/bin/env bash
# Restart time with a large state: from process start to the first batch committed, after a
# clean stop and after a SIGKILL, with static group membership (the default) and without it
# (--instance-id none). Results are written up in docs/benchmarks.md ("Restart").
#
# Everything happens on a throw-away local broker in a mktemp directory removed on exit. Steps:
# Release build in build-bench/; a topic of EMPLOYEES employees' first DAYS days (about one event
# per employee and day, master data first); `kinerja run` consumes it until LOAD_FRACTION of it
# is committed (every employee has state by then) and is stopped with SIGTERM; then, on that
# state, with the rest of the topic as backlog:
#   1. start after the clean stop           (static membership)
#   2. start after a SIGKILL of 1           (static membership)
#   3. start after a SIGKILL, dynamic       (--instance-id none for both runs)
# Each time is read from the log: the "first batch committed" line's timestamp minus the moment
# the process was started.
#
# Usage: bash bench/restart.sh
# Env:   EMPLOYEES (1000000)  DAYS (3)  PARTITIONS (64)  LOAD_FRACTION (0.7)
#        BUILD_DIR (build-bench)  SKIP_BUILD=1 uses what is there
#        RESULTS (unset)  also write the final Markdown table to this file
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
EMPLOYEES=${EMPLOYEES:-1000000}
DAYS=${DAYS:-3}
PARTITIONS=${PARTITIONS:-64}
LOAD_FRACTION=${LOAD_FRACTION:-0.7}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
TOPIC=restart.events
DLQ=restart.events.dlq

log() { echo "restart: $*" >&2; }
die() {
  echo "restart: error: $*" >&2
  exit 1
}

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_positive EMPLOYEES DAYS PARTITIONS
bench_build "$BUILD_DIR" kinerja
KINERJA=$BUILD_DIR/app/kinerja
[[ -x "$KINERJA" ]] || die "missing $KINERJA (build first)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kinerja-restart.XXXXXX")
RUN_PID=
cleanup() {
  local rc=$?
  [[ -n "$RUN_PID" ]] && kill -KILL "$RUN_PID" 2>/dev/null
  bash "$ROOT/ops/kafka.sh" stop "$WORK/kafka" --clean || true
  rm -rf -- "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BROKERS=$(bash "$ROOT/ops/kafka.sh" start "$WORK/kafka")
log "broker at $BROKERS"
"$KINERJA" create-topics --brokers "$BROKERS" --partitions "$PARTITIONS" --topic "$TOPIC" \
  --dlq-topic "$DLQ" >&2
"$KINERJA" simulate --brokers "$BROKERS" --topic "$TOPIC" --employees "$EMPLOYEES" --agencies 20 \
  --days "$DAYS" 2>"$WORK/simulate.log" || die "simulate failed: $(cat "$WORK/simulate.log")"
PRODUCED=$(sed -n 's/.*produced \([0-9][0-9]*\) events.*/\1/p' "$WORK/simulate.log" | tail -n 1)
log "produced $PRODUCED events of $EMPLOYEES employees"
STATE=$WORK/state
PORT=$(bench_free_port)

# start_run LOG ARGS...: kinerja run in the background on $STATE; sets RUN_PID and RUN_T0.
start_run() {
  local out=$1
  shift
  RUN_T0=$(date +%s.%N)
  "$KINERJA" run --brokers "$BROKERS" --topic "$TOPIC" --dlq-topic "$DLQ" --group restart \
    --state-dir "$STATE" --metrics-address "127.0.0.1:$PORT" "$@" 2>"$out" &
  RUN_PID=$!
}

# committed: the messages the running instance has committed (from /metrics), or 0.
committed() {
  curl -s "http://127.0.0.1:$PORT/metrics" |
    awk '/^kinerja_events_total\{/ {s += $2} END {printf "%d", s}'
}

# wait_first_batch LOG: seconds from RUN_T0 to the "first batch committed" line (waits up to 120 s).
wait_first_batch() {
  local out=$1 line
  for _ in $(seq 1 1200); do
    line=$(grep -m1 'first batch committed' "$out" || true)
    if [[ -n "$line" ]]; then
      local ts
      ts=$(sed -n 's/^ts=\([^ ]*\) .*/\1/p' <<<"$line")
      python3 -c "import datetime,sys; t=datetime.datetime.fromisoformat(sys.argv[1].replace('Z','+00:00')).timestamp(); print(f'{t - float(sys.argv[2]):.2f}')" "$ts" "$RUN_T0"
      return 0
    fi
    kill -0 "$RUN_PID" 2>/dev/null || die "kinerja run exited: $(tail -n 5 "$out")"
    sleep 0.1
  done
  die "no batch committed within 120 s: $(tail -n 5 "$out")"
}

stop_run() { # stop_run SIGNAL
  kill "-$1" "$RUN_PID"
  wait "$RUN_PID" 2>/dev/null || true
  RUN_PID=
}

# --- load ------------------------------------------------------------------------------------
target=$(awk -v p="$PRODUCED" -v f="$LOAD_FRACTION" 'BEGIN {printf "%d", p * f}')
log "loading: kinerja run until $target of $PRODUCED messages are committed"
l0=$(date +%s.%N)
start_run "$WORK/load.log"
while (($(committed) < target)); do
  kill -0 "$RUN_PID" 2>/dev/null || die "kinerja run exited: $(tail -n 5 "$WORK/load.log")"
  sleep 1
done
load_rss=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$RUN_PID/status")
stop_run TERM
l1=$(date +%s.%N)
state_mib=$(du -sm "$STATE" | cut -f1)
employees=$("$KINERJA" kpis --state-dir "$STATE" --format json |
  python3 -c 'import json,sys; print(sum(int(s["value"]) for s in json.load(sys.stdin)["kpis"] if s["name"] == "kinerja_employees"))')
log "loaded in $(awk -v a="$l0" -v b="$l1" 'BEGIN {printf "%.0f", b - a}') s: state dir $state_mib MiB, $employees employees with master data, peak RSS $load_rss MiB"

# --- restarts --------------------------------------------------------------------------------
start_run "$WORK/clean.log"
after_clean=$(wait_first_batch "$WORK/clean.log")
log "after a clean stop: first batch committed after $after_clean s"
stop_run KILL

start_run "$WORK/kill.log"
after_kill=$(wait_first_batch "$WORK/kill.log")
log "after a SIGKILL (static membership): first batch committed after $after_kill s"
stop_run KILL

start_run "$WORK/dyn1.log" --instance-id none
wait_first_batch "$WORK/dyn1.log" >/dev/null
stop_run KILL
start_run "$WORK/dyn2.log" --instance-id none
after_kill_dynamic=$(wait_first_batch "$WORK/dyn2.log")
log "after a SIGKILL (dynamic membership): first batch committed after $after_kill_dynamic s"
stop_run TERM

{
  echo "| state | start after a clean stop | start after a SIGKILL, static membership | start after a SIGKILL, dynamic membership |"
  echo "|---|---:|---:|---:|"
  echo "| $employees employees, $state_mib MiB on disk | $after_clean s | $after_kill s | $after_kill_dynamic s |"
} | tee ${RESULTS:+"$RESULTS"}
