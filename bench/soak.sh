#!/usr/bin/env bash
# Soak: a steady stream of simulated events into a running `kinerja run` that is SIGKILLed and
# restarted periodically, watched by a real Prometheus scraping it every second. Draws lag,
# p99 event age and RSS over time (gnuplot) and, at the end, checks the soaked state against a
# clean replay of the same topic (`kinerja kpis`, value for value). Not a test: results and the
# command go in docs/benchmarks.md, the plot in docs/soak.png.
#
# Everything runs on a throw-away local broker and Prometheus (ops/kafka.sh, ops/prometheus.sh)
# in a mktemp directory removed on exit; only processes started here are stopped, by PID.
#
# Usage: bash bench/soak.sh
# Env:   DURATION (1800)    seconds of publishing
#        RATE (20000)       events per second published
#        KILL_EVERY (240)   seconds between SIGKILLs of kinerja run
#        PARTITIONS (16)    EMPLOYEES (RATE*DURATION/500: about one simulated year)
#        PLOT (docs/soak.png)  BUILD_DIR (build-bench)  SKIP_BUILD=1 uses what is there
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DURATION=${DURATION:-1800}
RATE=${RATE:-20000}
KILL_EVERY=${KILL_EVERY:-240}
PARTITIONS=${PARTITIONS:-16}
EVENTS=$((RATE * DURATION))
EMPLOYEES=${EMPLOYEES:-$(((EVENTS + 499) / 500))}
PLOT=${PLOT:-$ROOT/docs/soak.png}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
TOPIC=soak.events
DLQ=soak.events.dlq

log() { echo "soak: $(date -u +%H:%M:%S) $*" >&2; }
die() {
  echo "soak: error: $*" >&2
  exit 1
}
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_positive DURATION RATE KILL_EVERY PARTITIONS EMPLOYEES
command -v gnuplot >/dev/null || die "gnuplot not found (bash ops/setup.sh)"

bench_build "$BUILD_DIR" kinerja
KINERJA=$BUILD_DIR/app/kinerja
[[ -x "$KINERJA" ]] || die "missing $KINERJA (build first)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kinerja-soak.XXXXXX")
SIM_PID="" RUN_PID=""
cleanup() {
  local rc=$?
  [[ -n "$SIM_PID" ]] && kill "$SIM_PID" 2>/dev/null
  [[ -n "$RUN_PID" ]] && kill -KILL "$RUN_PID" 2>/dev/null
  bash "$ROOT/ops/prometheus.sh" stop "$WORK/prometheus" --clean >/dev/null 2>&1 || true
  bash "$ROOT/ops/kafka.sh" stop "$WORK/kafka" --clean >/dev/null 2>&1 || true
  rm -rf -- "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BROKERS=$(bash "$ROOT/ops/kafka.sh" start "$WORK/kafka")
log "broker at $BROKERS"
"$KINERJA" create-topics --brokers "$BROKERS" --partitions "$PARTITIONS" --topic "$TOPIC" \
  --dlq-topic "$DLQ" >&2
PORT=$(bench_free_port)
PROM=$(bash "$ROOT/ops/prometheus.sh" start "$WORK/prometheus" "127.0.0.1:$PORT")
log "Prometheus at $PROM scraping 127.0.0.1:$PORT every second"

# One `kinerja run` after another on the same state directory and metrics port; each under a
# group of its own (its offsets are in the state; a killed member would hold its partitions
# until its session times out).
generation=0
start_run() {
  generation=$((generation + 1))
  "$KINERJA" run --brokers "$BROKERS" --topic "$TOPIC" --dlq-topic "$DLQ" \
    --group "soak-$generation" --state-dir "$WORK/state" --metrics-address "127.0.0.1:$PORT" \
    --log-level warn "$@" 2>>"$WORK/run.log" &
  RUN_PID=$!
}

log "publishing $EVENTS events at $RATE/s ($EMPLOYEES employees) for ${DURATION}s, a SIGKILL every ${KILL_EVERY}s"
T0=$(date +%s)
"$KINERJA" simulate --brokers "$BROKERS" --topic "$TOPIC" --employees "$EMPLOYEES" --agencies 20 \
  --days 365 --rate "$RATE" --max-events "$EVENTS" 2>"$WORK/simulate.log" &
SIM_PID=$!
start_run
KILLS=$WORK/kills.tsv
: >"$KILLS"
next_kill=$((T0 + KILL_EVERY))
while kill -0 "$SIM_PID" 2>/dev/null; do
  sleep 1 # the schedule of a bench, not synchronisation
  kill -0 "$RUN_PID" 2>/dev/null || die "kinerja run exited by itself: $(tail -n 5 "$WORK/run.log")"
  if (($(date +%s) >= next_kill)); then
    kill -KILL "$RUN_PID"
    wait "$RUN_PID" 2>/dev/null || true
    echo "$(date +%s)" >>"$KILLS"
    log "SIGKILL $(wc -l <"$KILLS") (generation $generation); restarting"
    start_run
    next_kill=$((next_kill + KILL_EVERY))
  fi
done
wait "$SIM_PID" || die "kinerja simulate failed: $(tail -n 3 "$WORK/simulate.log")"
SIM_PID=""
T1=$(date +%s)
PUBLISHED=$(sed -n 's/.*produced \([0-9][0-9]*\) events.*/\1/p' "$WORK/simulate.log" | tail -n 1)
log "published $PUBLISHED events in $((T1 - T0)) s"

# Drain: wait until the running instance has no lag left, then stop it gracefully.
query() {
  curl -fsS --get "$PROM/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "NaN")'
}
deadline=$((T1 + 600))
until [[ "$(query 'sum(kinerja_consumer_lag_messages)')" == 0 ]]; do
  (($(date +%s) < deadline)) || die "lag did not reach 0 within 600 s after publishing"
  sleep 1
done
T2=$(date +%s)
sleep 5 # a few more scrapes of the idle instance for the plot
kill -TERM "$RUN_PID"
wait "$RUN_PID" || die "kinerja run did not stop cleanly on SIGTERM"
RUN_PID=""

# The series over the whole soak, one point every 5 s.
range() {
  curl -fsS --get "$PROM/api/v1/query_range" --data-urlencode "query=$1" \
    --data-urlencode "start=$T0" --data-urlencode "end=$((T2 + 5))" --data-urlencode "step=5" |
    python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
for t, v in (r[0]["values"] if r else []):
    print(f"{float(t) - float(sys.argv[1]):.0f}\t{v}")' "$T0"
}
range 'sum(kinerja_consumer_lag_messages)' >"$WORK/lag.tsv"
range 'histogram_quantile(0.99, sum by (le) (rate(kinerja_event_age_seconds_bucket[15s])))' >"$WORK/age.tsv"
range 'process_resident_memory_bytes / 2^20' >"$WORK/rss.tsv"
range 'sum(rate(kinerja_events_total[15s]))' >"$WORK/rate.tsv"
awk -v t0="$T0" '{print $1 - t0}' "$KILLS" >"$WORK/kills-rel.tsv"

gnuplot <<GNUPLOT
set terminal pngcairo size 1200,900 font ",10"
set output "$PLOT"
set multiplot layout 3,1 title "kinerja soak: $RATE events/s for ${DURATION}s, SIGKILL every ${KILL_EVERY}s (dashed lines), $PARTITIONS partitions"
set grid
set xrange [0:$((T2 + 5 - T0))]
set key top left
kill_lines = "$(tr '\n' ' ' <"$WORK/kills-rel.tsv")"
do for [k in kill_lines] { set arrow from k, graph 0 to k, graph 1 nohead dt 2 lc rgb "#aa0000" }
set ylabel "messages"
plot "$WORK/lag.tsv" using 1:2 with lines lw 1.5 title "consumer lag (sum over partitions)"
set ylabel "seconds"
set logscale y
plot "$WORK/age.tsv" using 1:2 with lines lw 1.5 title "p99 event age (Kafka timestamp to commit), 15 s windows"
unset logscale y
set ylabel "MiB"
set xlabel "seconds since the start"
set y2label "events/s"
set y2tics
plot "$WORK/rss.tsv" using 1:2 with lines lw 1.5 title "RSS of kinerja run", \
     "$WORK/rate.tsv" using 1:2 axes x1y2 with lines lw 1 lc rgb "#888888" title "events consumed/s"
unset multiplot
GNUPLOT
log "plot written to $PLOT"

# The soaked state against one clean replay of the same topic.
"$KINERJA" run --brokers "$BROKERS" --topic "$TOPIC" --dlq-topic "$DLQ" --group soak-clean \
  --state-dir "$WORK/clean" --metrics-address 127.0.0.1:0 --stop-at-end --log-level warn \
  2>>"$WORK/run.log"
"$KINERJA" kpis --state-dir "$WORK/state" >"$WORK/soaked.json"
"$KINERJA" kpis --state-dir "$WORK/clean" >"$WORK/clean.json"
if cmp -s "$WORK/soaked.json" "$WORK/clean.json"; then EXACT=yes; else EXACT=NO; fi

summary() {
  sort -g -k2 "$1" | awk -F'\t' '$2 != "NaN" {v[n++] = $2} END {
    if (n) printf "median %.3g, p95 %.3g, max %.3g", v[int(n / 2)], v[int(n * 0.95)], v[n - 1]}'
}
echo "soak: $PUBLISHED events published in $((T1 - T0)) s ($((PUBLISHED / (T1 - T0))) events/s), $(wc -l <"$KILLS") SIGKILLs, drained $((T2 - T1)) s after the last event"
echo "soak: consumer lag (messages, 5 s points): $(summary "$WORK/lag.tsv")"
echo "soak: p99 event age (s, 15 s windows): $(summary "$WORK/age.tsv")"
echo "soak: RSS (MiB): $(summary "$WORK/rss.tsv")"
echo "soak: kinerja kpis after the soak equals a clean replay of the topic: $EXACT"
[[ "$EXACT" == yes ]] || die "the soaked state differs from a clean replay"
