#!/usr/bin/env bash
# Event age under steady traffic, and during a backfill of one agency. Results are written up in
# docs/benchmarks.md ("Latency").
#
# On a throw-away local broker (mktemp directory, removed on exit), one `kinerja run` with the
# default settings consumes a 64-partition topic while:
#   steady:   `kinerja simulate --rate RATE` publishes for WARMUP + DURATION s;
#   backfill: the same steady stream, and BACKFILL_DELAY s into it one agency's BACKFILL events
#             are published at once (kinerja simulate --agencies 1, no rate limit).
# Event age is measured two ways in each phase:
#   inside:  the pipeline's histogram kinerja_event_age_seconds (Kafka timestamp -> commit),
#            p50/p99 by linear interpolation in the buckets, of the phase's events;
#   outside: kinerja_bench_latency_probe publishes an event of its own agency every 100 ms and
#            polls /metrics until it is counted (Kafka timestamp -> visible in /metrics): the age
#            another agency sees, also while the backfill is consumed.
# RSS is sampled twice a second. A chart of both (probe age and RSS over time) goes to CHART.
# The backfill delay counts from the end of the warm-up.
#
# Usage: bash bench/latency.sh
# Env:   RATE (10000)  DURATION (60)  BACKFILL (1000000)  BACKFILL_DELAY (10)  PARTITIONS (64)
#        WARMUP (5): seconds of steady traffic before measuring (the producer's start)
#        BUILD_DIR (build-bench)  SKIP_BUILD=1  RESULTS (unset: also write the table there)
#        CHART (docs/latency.png)
#        KINERJA_ARGS (unset): extra flags for `kinerja run`, for experiments (word-split),
#                              e.g. KINERJA_ARGS="--commit-threads 0"
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
RATE=${RATE:-10000}
DURATION=${DURATION:-60}
BACKFILL=${BACKFILL:-1000000}
BACKFILL_DELAY=${BACKFILL_DELAY:-10}
WARMUP=${WARMUP:-5}
PARTITIONS=${PARTITIONS:-64}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
CHART=${CHART:-$ROOT/docs/latency.png}
read -r -a KINERJA_EXTRA <<<"${KINERJA_ARGS:-}"
TOPIC=latency.events
DLQ=latency.events.dlq

log() { echo "latency: $*" >&2; }
die() {
  echo "latency: error: $*" >&2
  exit 1
}

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_positive RATE DURATION BACKFILL BACKFILL_DELAY PARTITIONS WARMUP
command -v gnuplot >/dev/null || die "gnuplot not found (apt-get install gnuplot-nox)"
bench_build "$BUILD_DIR" kinerja kinerja_bench_latency_probe
KINERJA=$BUILD_DIR/app/kinerja
PROBE=$BUILD_DIR/bench/kinerja_bench_latency_probe

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kinerja-latency.XXXXXX")
PIDS=()
cleanup() {
  local rc=$?
  local pid
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
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
PORT=$(bench_free_port)
"$KINERJA" run --brokers "$BROKERS" --topic "$TOPIC" --dlq-topic "$DLQ" --group latency \
  --state-dir "$WORK/state" --metrics-address "127.0.0.1:$PORT" ${KINERJA_EXTRA[@]+"${KINERJA_EXTRA[@]}"} 2>"$WORK/run.log" &
RUN_PID=$!
PIDS+=("$RUN_PID")
for _ in $(seq 1 300); do
  grep -q 'partitions assigned' "$WORK/run.log" && break
  sleep 0.1
done
grep -q 'partitions assigned' "$WORK/run.log" || die "kinerja run did not get its partitions: $(tail -n 5 "$WORK/run.log")"

# RSS twice a second, "unix_seconds MiB".
bench_sample_rss "$RUN_PID" "$WORK/rss.txt"
PIDS+=("$BENCH_RSS_PID")
disown "$BENCH_RSS_PID"

buckets() { curl -s "http://127.0.0.1:$PORT/metrics" | grep '^kinerja_event_age_seconds_bucket'; }

# quantiles BEFORE AFTER: p50, p99 and the bucket of the largest age, from the difference of two
# scrapes of the histogram (linear interpolation inside a bucket, as histogram_quantile does).
quantiles() {
  python3 - "$1" "$2" <<'EOF'
import re, sys
def read(path):
    out = {}
    for line in open(path):
        m = re.search(r'le="([^"]+)"\} (\S+)', line)
        if m:
            out[float('inf') if m.group(1) == '+Inf' else float(m.group(1))] = float(m.group(2))
    return out
a, b = read(sys.argv[1]), read(sys.argv[2])
les = sorted(b)
cum = [b[le] - a.get(le, 0) for le in les]
total = cum[-1]
def q(x):
    rank = x * total
    prev_le, prev = 0.0, 0.0
    for le, c in zip(les, cum):
        if c >= rank:
            if le == float('inf'):
                return prev_le
            return prev_le + (le - prev_le) * ((rank - prev) / (c - prev) if c > prev else 0)
        prev_le, prev = le, c
    return les[-2]
top = next(le for le, c in zip(les, cum) if c >= total)
print(f"{total:.0f} {q(0.5) * 1000:.1f} {q(0.99) * 1000:.1f} {top * 1000:.0f}")
EOF
}

# probe_summary FILE: count p50 p99 max of the probe's ages (ms).
probe_summary() {
  sort -n -k2 "$1" | awk '{v[NR] = $2} END {
    i50 = int(NR * 0.5); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
    printf "%d %.0f %.0f %.0f\n", NR, v[i50], v[i99], v[NR]
  }'
}

# phase NAME SEED [backfill]: steady traffic for DURATION s (and the backfill), probed.
phase() {
  local name=$1 seed=$2 backfill=${3:-}
  "$KINERJA" simulate --brokers "$BROKERS" --topic "$TOPIC" --employees 72000 --agencies 20 \
    --seed "$seed" --rate "$RATE" --max-events $((RATE * (DURATION + WARMUP))) \
    2>"$WORK/$name.sim.log" &
  local sim=$!
  PIDS+=("$sim")
  # The producer's first messages wait for its idempotence id (a second or two on a new
  # broker): their age is the producer's, so the histogram is read from WARMUP s on.
  sleep "$WARMUP"
  buckets >"$WORK/$name.before"
  local bf=
  if [[ -n "$backfill" ]]; then
    (sleep "$BACKFILL_DELAY" && date +%s.%N >"$WORK/backfill.start" &&
      "$KINERJA" simulate --brokers "$BROKERS" --topic "$TOPIC" --employees 20000 --agencies 1 \
        --seed $((seed + 1000)) --max-events "$BACKFILL" 2>"$WORK/backfill.log" &&
      date +%s.%N >"$WORK/backfill.published") &
    bf=$!
    PIDS+=("$bf")
  fi
  "$PROBE" --brokers "$BROKERS" --topic "$TOPIC" --metrics-port "$PORT" --seconds "$DURATION" \
    >"$WORK/$name.probe" 2>>"$WORK/$name.probe.log"
  wait "$sim" || die "steady simulate failed: $(cat "$WORK/$name.sim.log")"
  [[ -z "$bf" ]] || wait "$bf" || die "backfill failed: $(cat "$WORK/backfill.log")"
  # Everything published is applied before the histogram is read again.
  local lag=1
  for _ in $(seq 1 600); do
    lag=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^kinerja_consumer_lag_messages\{/ {s += $2} END {print s + 0}')
    ((lag == 0)) && break
    sleep 0.5
  done
  buckets >"$WORK/$name.after"
}

log "steady: $RATE events/s for ${DURATION} s"
T0=$(date +%s.%N)
phase steady 11
log "backfill: $RATE events/s for ${DURATION} s, and $BACKFILL events of one agency after ${BACKFILL_DELAY} s"
T1=$(date +%s.%N)
phase backfill 21 yes
kill -TERM "$RUN_PID"
wait "$RUN_PID" || die "kinerja run failed: $(tail -n 5 "$WORK/run.log")"

read -r s_n s_p50 s_p99 s_top < <(quantiles "$WORK/steady.before" "$WORK/steady.after")
read -r b_n b_p50 b_p99 b_top < <(quantiles "$WORK/backfill.before" "$WORK/backfill.after")
read -r sp_n sp_p50 sp_p99 sp_max < <(probe_summary "$WORK/steady.probe")
read -r bp_n bp_p50 bp_p99 bp_max < <(probe_summary "$WORK/backfill.probe")
bf_published=$(awk -v a="$(cat "$WORK/backfill.start")" -v b="$(cat "$WORK/backfill.published")" 'BEGIN {printf "%.1f", b - a}')
peak_rss=$(sort -n -k2 "$WORK/rss.txt" | tail -n 1 | cut -d' ' -f2)

{
  echo "| phase | events (histogram) | p50 inside | p99 inside | max inside (bucket) | probes | p50 outside | p99 outside | max outside |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "| steady $RATE/s | $s_n | $s_p50 ms | $s_p99 ms | ≤ $s_top ms | $sp_n | $sp_p50 ms | $sp_p99 ms | $sp_max ms |"
  echo "| steady + backfill of $BACKFILL (published in $bf_published s) | $b_n | $b_p50 ms | $b_p99 ms | ≤ $b_top ms | $bp_n | $bp_p50 ms | $bp_p99 ms | $bp_max ms |"
  echo
  echo "Peak RSS of kinerja run: $peak_rss MiB."
} | tee ${RESULTS:+"$RESULTS"}

awk -v t0="$T0" '{print $1 - t0, $2}' "$WORK/steady.probe" >"$WORK/steady.dat"
awk -v t0="$T0" '{print $1 - t0, $2}' "$WORK/backfill.probe" >"$WORK/backfill.dat"
awk -v t0="$T0" '{print $1 - t0, $2}' "$WORK/rss.txt" >"$WORK/rss.dat"
bf_at=$(awk -v a="$T0" -v b="$(cat "$WORK/backfill.start")" 'BEGIN {printf "%.1f", b - a}')
gnuplot <<EOF
set terminal pngcairo size 1100,520 font "sans,10"
set output "$CHART"
set title "kinerja run: event age seen from outside (probe, ms, log scale) and RSS (MiB), $RATE events/s; backfill of $BACKFILL events of one agency at ${bf_at} s"
set xlabel "seconds"
set ylabel "event age ms"
set logscale y
set y2label "RSS MiB"
set y2tics
set ytics nomirror
set arrow from $bf_at, graph 0 to $bf_at, graph 1 nohead dt 2 lc rgb "#aa0000"
set key top left
plot "$WORK/steady.dat" using 1:2 with points pt 7 ps 0.4 lc rgb "#1f77b4" title "probe age, steady", \
     "$WORK/backfill.dat" using 1:2 with points pt 7 ps 0.4 lc rgb "#d62728" title "probe age, with backfill", \
     "$WORK/rss.dat" using 1:2 axes x1y2 with lines lc rgb "#2ca02c" title "RSS"
EOF
log "chart: $CHART"
