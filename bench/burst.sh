#!/usr/bin/env bash
# Memory under a burst: does `kinerja run` hold a backlog in memory, or does the backlog stay in
# Kafka while the consumer's bounded prefetch (queued.max.messages.kbytes) pushes back? The
# same simulated events are consumed in several ways, and each run's peak RSS (VmHWM of
# /proc/PID/status, read when every message has been applied) is compared. Written up in
# docs/benchmarks.md ("Memory under a burst").
#
#   steady         Kinerja runs while `kinerja simulate --rate RATE` publishes the EVENTS: the
#                  lag stays small (RATE is well under Kinerja's throughput).
#   burst          Kinerja runs while the same events are published at once, as fast as the
#                  producer goes (10x RATE and more): the lag grows to most of the topic.
#   backlog        the same events, all published before Kinerja starts: lag = EVENTS.
#   backlog-x10    the same events published 10 times before Kinerja starts (a publisher
#                  re-sending its traffic): lag = 10 x EVENTS, the same state as backlog.
#   small-backlog  the first EVENTS/10 events of the same simulation, published before it
#                  starts: a 10x smaller backlog, but also 10x fewer events per employee.
#
# steady, burst, backlog and backlog-x10 end in the same state, so they differ only in the lag.
#
# Everything runs on a throw-away local broker (ops/kafka.sh) in a mktemp directory, stopped by
# PID and removed on exit; each Kinerja is stopped by PID with SIGTERM.
#
# Usage: bash bench/burst.sh   (about 10 minutes with the defaults)
# Env:   EVENTS (2000000)     events of the simulation (at least ~1M: enough to fill the
#                             default prefetch of 256 MiB)
#        EMPLOYEES (4000)     simulated employees (about 530 events each per year)
#        RATE (20000)         events/s of the steady run
#        PARTITIONS (16)
#        BUILD_DIR (build-bench)  SKIP_BUILD=1 uses what is there
#        KINERJA_ARGS (unset) extra flags for every `kinerja run` (word-split), e.g.
#                             KINERJA_ARGS="--kafka-property queued.max.messages.kbytes=65536"
#        RESULTS (unset)      also write the final Markdown table to this file
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
EVENTS=${EVENTS:-2000000}
EMPLOYEES=${EMPLOYEES:-4000}
RATE=${RATE:-20000}
PARTITIONS=${PARTITIONS:-16}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
read -r -a KINERJA_EXTRA <<<"${KINERJA_ARGS:-}"

log() { echo "burst: $*" >&2; }
die() {
  echo "burst: error: $*" >&2
  exit 1
}
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_positive EVENTS EMPLOYEES RATE PARTITIONS
command -v curl >/dev/null || die "curl not found"

bench_build "$BUILD_DIR" kinerja
KINERJA=$BUILD_DIR/app/kinerja
[[ -x "$KINERJA" ]] || die "missing $KINERJA (build first)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kinerja-burst.XXXXXX")
KIN_PID=""
SIM_PID=""
cleanup() {
  local rc=$?
  [[ -n "$SIM_PID" ]] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  [[ -n "$KIN_PID" ]] && kill "$KIN_PID" 2>/dev/null && wait "$KIN_PID" 2>/dev/null
  bash "$ROOT/ops/kafka.sh" stop "$WORK/kafka" --clean || true
  rm -rf -- "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting a broker in $WORK/kafka"
BROKERS=$(bash "$ROOT/ops/kafka.sh" start "$WORK/kafka")

create_topic() {
  "$KINERJA" create-topics --brokers "$BROKERS" --partitions "$PARTITIONS" --topic "$1" \
    --dlq-topic "$1.dlq" >/dev/null
}
# simulate TOPIC MAX_EVENTS [RATE]: the same simulation every time (same seed), cut at MAX_EVENTS.
simulate() {
  "$KINERJA" simulate --brokers "$BROKERS" --topic "$1" --employees "$EMPLOYEES" --agencies 20 \
    --days 365 --max-events "$2" --rate "${3:-0}" 2>>"$WORK/simulate.log"
}

metric_sum() { # sum of the samples of metric $2 on port $1
  curl -s -m 5 "http://127.0.0.1:$1/metrics" |
    awk -v m="$2" 'index($0, m) == 1 && ($0 ~ "^" m "[{ ]") {s += $NF} END {printf "%.0f", s}'
}

# consume NAME TOPIC TARGET [PUBLISH_RATE]: runs kinerja until it has applied TARGET messages
# (all outcomes); with PUBLISH_RATE (0: as fast as possible) it publishes the events into the
# empty TOPIC while Kinerja runs. Appends "name events peak_rss_mib max_lag seconds" to ROWS.
ROWS=$WORK/rows.tsv
: >"$ROWS"
consume() {
  local name=$1 topic=$2 target=$3 publish=${4:-}
  local log="$WORK/run-$name.log" state="$WORK/state-$name" port="" done=0 max_lag=0
  "$KINERJA" run --brokers "$BROKERS" --topic "$topic" --dlq-topic "$topic.dlq" \
    --group "burst-$name-$$" --state-dir "$state" --metrics-address 127.0.0.1:0 \
    ${KINERJA_EXTRA[@]+"${KINERJA_EXTRA[@]}"} >"$log" 2>&1 &
  KIN_PID=$!
  for _ in $(seq 300); do
    port=$(sed -n 's|.*metrics on http://127.0.0.1:\([0-9]*\)/metrics.*|\1|p' "$log" | head -n 1)
    [[ -n "$port" ]] && break
    kill -0 "$KIN_PID" 2>/dev/null || die "kinerja run ($name) exited: $(tail -n 5 "$log")"
    sleep 0.1
  done
  [[ -n "$port" ]] || die "kinerja run ($name) announced no metrics port"
  local t0
  t0=$(date +%s.%N)
  if [[ -n "$publish" ]]; then
    simulate "$topic" "$target" "$publish" &
    SIM_PID=$!
  fi
  # Until everything is applied (15 min at most), watching the lag.
  for _ in $(seq 9000); do
    done=$(metric_sum "$port" kinerja_events_total)
    local lag
    lag=$(metric_sum "$port" kinerja_consumer_lag_messages)
    if ((lag > max_lag)); then max_lag=$lag; fi
    if ((done >= target)); then break; fi
    kill -0 "$KIN_PID" 2>/dev/null || die "kinerja run ($name) exited: $(tail -n 5 "$log")"
    sleep 0.1
  done
  ((done >= target)) || die "kinerja run ($name) applied $done of $target messages in 15 minutes"
  local t1 hwm_kb
  t1=$(date +%s.%N)
  hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$KIN_PID/status")
  kill -TERM "$KIN_PID"
  wait "$KIN_PID" || die "kinerja run ($name) exited with $? after SIGTERM"
  KIN_PID=""
  if [[ -n "$SIM_PID" ]]; then
    wait "$SIM_PID" || die "kinerja simulate ($name) failed"
    SIM_PID=""
  fi
  rm -rf -- "$state"
  printf '%s\t%d\t%.0f\t%d\t%.1f\n' "$name" "$target" "$((hwm_kb / 1024))" "$max_lag" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" >>"$ROWS"
  log "$(tail -n 1 "$ROWS" | awk -F'\t' '{printf "%s: %d events, peak RSS %d MiB, max lag %d, %.1f s", $1, $2, $3, $4, $5}')"
}

SMALL=$((EVENTS / 10))
log "publishing the backlogs: $EVENTS, 10 x $EVENTS and $SMALL events of $EMPLOYEES employees"
for t in full x10 small steady burst; do create_topic "burst.$t"; done
simulate burst.full "$EVENTS"
produced=$(sed -n 's/.*produced \([0-9][0-9]*\) events.*/\1/p' "$WORK/simulate.log" | head -n 1)
((produced == EVENTS)) || die "the simulation gave $produced events, not $EVENTS: raise EMPLOYEES"
for _ in $(seq 10); do simulate burst.x10 "$EVENTS"; done
simulate burst.small "$SMALL"

log "steady: $EVENTS events published at $RATE/s while kinerja runs"
consume steady burst.steady "$EVENTS" "$RATE"
log "burst: $EVENTS events published at once while kinerja runs"
consume burst burst.burst "$EVENTS" 0
log "backlog: $EVENTS events published before kinerja starts"
consume backlog burst.full "$EVENTS"
log "backlog-x10: the same $EVENTS events, 10 times, published before kinerja starts"
consume backlog-x10 burst.x10 "$((10 * EVENTS))"
log "small-backlog: $SMALL events published before kinerja starts"
consume small-backlog burst.small "$SMALL"

rss_of() { awk -F'\t' -v n="$1" '$1 == n {print $3}' "$ROWS"; }
echo
echo "Peak RSS of kinerja run: $EVENTS events of $EMPLOYEES employees, $PARTITIONS partitions," \
  "$(nproc) cores${KINERJA_ARGS:+, kinerja run $KINERJA_ARGS}"
echo
{
  echo "| run | events | peak RSS MiB | max lag (messages) | seconds to apply all |"
  echo "|---|---:|---:|---:|---:|"
  awk -F'\t' '{printf "| %s | %d | %d | %d | %.1f |\n", $1, $2, $3, $4, $5}' "$ROWS"
  echo
  awk -v s="$(rss_of steady)" -v b="$(rss_of burst)" -v f="$(rss_of backlog)" \
    -v x="$(rss_of backlog-x10)" -v t="$(rss_of small-backlog)" 'BEGIN {
      printf "peak RSS ratios: backlog-x10/backlog %.2f, burst/backlog %.2f, backlog/steady %.2f, ", x / f, b / f, f / s
      printf "backlog/small-backlog %.2f\n", f / t
    }'
} | tee ${RESULTS:+"$RESULTS"}
