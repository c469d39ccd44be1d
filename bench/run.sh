#!/usr/bin/env bash
# End-to-end consume throughput: Kinerja (`kinerja run --stop-at-end`) against a plain
# librdkafka consumer (kinerja_bench_raw_consume) on the same topic, same broker, same run.
# Results are written up in docs/benchmarks.md.
#
# Everything happens on a throw-away local broker (ops/kafka.sh) in a mktemp directory that is
# removed on exit. Steps: Release build in build-bench/, for each of TIMESTAMPS a 64-partition
# topic filled with the same >= EVENTS simulated events (`now`: Kafka timestamps of the time of
# producing, so the whole year is inside the 7-day dedup window; `event`: each message stamped
# with its event's time, as a replayed real year), then RUNS rounds of (a) raw consume with a
# fresh group and (b) kinerja run with a fresh group and an empty state dir, timed and with peak
# RSS.
#
# Usage: bash bench/run.sh
# Env:   RUNS (3)            rounds
#        EVENTS (5000000)    minimum number of events in the topic (fewer for a quick trial)
#        EMPLOYEES (EVENTS/500, i.e. 10000 for 5M; ~530 events per employee-year)
#        PARTITIONS (64)
#        TIMESTAMPS ("now event")  the topics measured, by `kinerja simulate --timestamps`
#        BUILD_DIR (build-bench)  SKIP_BUILD=1 uses what is there
#        WAIT_FOR_COMPILES (1)    before each round, wait (up to 1 h) while a cc1plus runs
#        RESULTS (unset)          also write the final Markdown table to this file
#        CHART (docs/run_rss.png) RSS of kinerja run over time, every round of every topic
#                                 (sampled twice a second); CHART= skips it
#        KINERJA_ARGS (unset)     extra flags for `kinerja run`, for experiments (word-split),
#                                 e.g. KINERJA_ARGS="--dedup-window-hours 0"
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
RUNS=${RUNS:-3}
EVENTS=${EVENTS:-5000000}
EMPLOYEES=${EMPLOYEES:-$(((EVENTS + 499) / 500))}
PARTITIONS=${PARTITIONS:-64}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
WAIT_FOR_COMPILES=${WAIT_FOR_COMPILES:-1}
read -r -a KINERJA_EXTRA <<<"${KINERJA_ARGS:-}"
TIMESTAMPS=${TIMESTAMPS:-now event}
CHART=${CHART-$ROOT/docs/run_rss.png}
DLQ=bench.events.dlq

log() { echo "bench: $*" >&2; }
die() {
  echo "bench: error: $*" >&2
  exit 1
}

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_positive RUNS EVENTS EMPLOYEES
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"
[[ -z "$CHART" ]] || command -v gnuplot >/dev/null || die "gnuplot not found (apt-get install gnuplot-nox)"

# --- build -----------------------------------------------------------------------------------
bench_build "$BUILD_DIR" kinerja kinerja_bench_raw_consume
KINERJA=$BUILD_DIR/app/kinerja
RAW=$BUILD_DIR/bench/kinerja_bench_raw_consume
[[ -x "$KINERJA" && -x "$RAW" ]] || die "missing $KINERJA or $RAW (build first)"

# --- broker ----------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kinerja-bench.XXXXXX")
cleanup() {
  local rc=$?
  # ops/kafka.sh stops the one PID in $WORK/kafka/kafka.pid (TERM, then KILL).
  bash "$ROOT/ops/kafka.sh" stop "$WORK/kafka" --clean || true
  rm -rf -- "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting a broker in $WORK/kafka"
BROKERS=$(bash "$ROOT/ops/kafka.sh" start "$WORK/kafka")
log "broker at $BROKERS"

for ts in $TIMESTAMPS; do
  [[ "$ts" == now || "$ts" == event ]] || die "TIMESTAMPS: '$ts' is neither now nor event"
  TOPIC=bench.events.$ts
  "$KINERJA" create-topics --brokers "$BROKERS" --partitions "$PARTITIONS" --topic "$TOPIC" --dlq-topic "$DLQ" >&2
  log "producing to $TOPIC: kinerja simulate --employees $EMPLOYEES --agencies 20 --days 365 --timestamps $ts (target >= $EVENTS events)"
  t0=$(date +%s.%N)
  "$KINERJA" simulate --brokers "$BROKERS" --topic "$TOPIC" --employees "$EMPLOYEES" --agencies 20 --days 365 \
    --timestamps "$ts" 2>"$WORK/simulate.log" || {
    cat "$WORK/simulate.log" >&2
    die "kinerja simulate failed"
  }
  t1=$(date +%s.%N)
  cat "$WORK/simulate.log" >&2
  PRODUCED=$(sed -n 's/.*produced \([0-9][0-9]*\) events.*/\1/p' "$WORK/simulate.log" | tail -n 1)
  [[ -n "$PRODUCED" ]] || die "could not read the event count from kinerja simulate's output"
  log "produced $PRODUCED events in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"
  ((PRODUCED >= EVENTS)) || die "only $PRODUCED events < EVENTS=$EVENTS; raise EMPLOYEES"
done

# --- rounds ----------------------------------------------------------------------------------
wait_for_compiles() {
  [[ "$WAIT_FOR_COMPILES" == 1 ]] || return 0
  local waited=0
  while pgrep -x cc1plus >/dev/null; do
    ((waited == 0)) && log "a compiler (cc1plus) is running; waiting for it to finish (2 cores)"
    ((waited >= 3600)) && {
      log "still compiling after ${waited}s; measuring anyway (results are noisier)"
      return 0
    }
    sleep 5
    waited=$((waited + 5))
  done
  ((waited == 0)) || log "compiler done after ~${waited}s"
}

json_field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }

# One line per round: round messages raw_s raw_rate kin_s kin_rate ratio rss_mib kin_cpu_s kin_clean_s
for ts in $TIMESTAMPS; do
  : >"$WORK/rows-$ts.tsv"
done
for ((r = 1; r <= RUNS; r++)); do
 for ts in $TIMESTAMPS; do
  TOPIC=bench.events.$ts
  ROWS=$WORK/rows-$ts.tsv
  wait_for_compiles
  id="$$-$r-$ts-$(date +%s)"
  log "round $r/$RUNS: load average $(cut -d' ' -f1-3 /proc/loadavg)"

  log "round $r/$RUNS: topic $TOPIC"
  log "round $r/$RUNS: raw consume"
  raw_json=$("$RAW" --brokers "$BROKERS" --topic "$TOPIC" --group "bench-raw-$id")
  raw_msgs=$(json_field "$raw_json" messages)
  raw_s=$(json_field "$raw_json" seconds)
  raw_rate=$(json_field "$raw_json" rate)
  log "round $r/$RUNS: raw: $raw_json"
  ((raw_msgs == PRODUCED)) || log "warning: raw consumer read $raw_msgs messages, $PRODUCED were produced"

  log "round $r/$RUNS: kinerja run --stop-at-end"
  state="$WORK/state-$r-$ts"
  mkdir -p "$state"
  # Each output line gets a timestamp, so the time until "stopped cleanly" (work done, group
  # left; what follows is process teardown, incl. the metrics server) is known too.
  s0=$(date +%s.%N)
  echo "$s0" >"$WORK/start-$r-$ts.txt"
  bench_sample_rss "^$KINERJA run .*--state-dir $state " "$WORK/rss-$r-$ts.txt"
  rc=0
  /usr/bin/time -v -o "$WORK/time-$r.txt" \
    "$KINERJA" run --brokers "$BROKERS" --topic "$TOPIC" --dlq-topic "$DLQ" --group "bench-kinerja-$id" \
    --state-dir "$state" --stop-at-end --metrics-address 127.0.0.1:0 ${KINERJA_EXTRA[@]+"${KINERJA_EXTRA[@]}"} 2>&1 |
    while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done >"$WORK/run-$r.log" || rc=$?
  s1=$(date +%s.%N)
  kill "$BENCH_RSS_PID" 2>/dev/null || true  # our sampler (gone already, unless it never saw kinerja)
  wait "$BENCH_RSS_PID" 2>/dev/null || true
  if ((rc != 0)); then
    tail -n 20 "$WORK/run-$r.log" >&2
    die "kinerja run exited with $rc"
  fi
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$WORK/time-$r.txt")
  cpu_s=$(awk -F': *' '/User time|System time/ {t += $2} END {printf "%.2f", t}' "$WORK/time-$r.txt")
  kin_s=$(awk -v a="$s0" -v b="$s1" 'BEGIN{printf "%.3f", b-a}')
  clean_s=$(awk -v a="$s0" '/stopped cleanly/ {printf "%.3f", $1 - a; exit}' "$WORK/run-$r.log")
  state_mib=$(du -sm "$state" | cut -f1)
  rm -rf -- "$state"

  # Kinerja's messages are the end offsets' total, which is what the raw consumer counted.
  awk -v r="$r" -v m="$raw_msgs" -v rs="$raw_s" -v rr="$raw_rate" -v ks="$kin_s" -v kb="$rss_kb" -v cpu="$cpu_s" -v cs="${clean_s:-0}" 'BEGIN{
    kr = m / ks
    printf "%d\t%d\t%.3f\t%.0f\t%.3f\t%.0f\t%.3f\t%.0f\t%.2f\t%.3f\n", r, m, rs, rr, ks, kr, kr / rr, kb / 1024, cpu, cs
  }' >>"$ROWS"
  log "round $r/$RUNS: kinerja: $(tail -n 1 "$ROWS" | awk -F'\t' '{printf "%.3f s (%.3f s until stopped cleanly), %d msg/s, ratio %.3f, peak RSS %d MiB, CPU %.1f s", $5, $10, $6, $7, $8, $9}'), state dir ${state_mib} MiB"
  grep -iE 'user time|system time|percent of cpu|elapsed' "$WORK/time-$r.txt" | sed 's/^\s*/bench:   /' >&2
  grep -o 'time spent: [^"]*' "$WORK/run-$r.log" | sed 's/^/bench:   /' >&2 || true
 done
done

# --- report ----------------------------------------------------------------------------------
# min and median of column $1 over the rounds (median of an even count: mean of the middle two).
minmed() {
  cut -f"$1" "$ROWS" | sort -g | awk '{v[NR] = $1} END {
    med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s\t%s\n", v[1], med
  }'
}

table() {
  echo "| round | messages | raw s | raw msg/s | kinerja s | kinerja msg/s | ratio kinerja/raw | kinerja peak RSS MiB | kinerja CPU s | kinerja s to clean stop |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '{printf "| %d | %d | %.2f | %.0f | %.2f | %.0f | %.3f | %.0f | %.1f | %.2f |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}' "$ROWS"
  local raw kin ratio rss
  raw=$(minmed 4)
  kin=$(minmed 6)
  ratio=$(minmed 7)
  rss=$(minmed 8)
  printf '| **min** | | | %.0f | | %.0f | %.3f | %.0f | | |\n' "${raw%%$'\t'*}" "${kin%%$'\t'*}" "${ratio%%$'\t'*}" "${rss%%$'\t'*}"
  printf '| **median** | | | %.0f | | %.0f | %.3f | %.0f | | |\n' "${raw##*$'\t'}" "${kin##*$'\t'}" "${ratio##*$'\t'}" "${rss##*$'\t'}"
}

: >"${RESULTS:-/dev/null}"
for ts in $TIMESTAMPS; do
  ROWS=$WORK/rows-$ts.tsv
  echo
  echo "Kinerja vs raw librdkafka consume, topic bench.events.$ts (Kafka timestamps: $ts): $PRODUCED events," \
    "$PARTITIONS partitions, $RUNS rounds, $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB RAM${KINERJA_ARGS:+, kinerja run $KINERJA_ARGS}"
  echo
  table | tee -a ${RESULTS:+"$RESULTS"}
done

# --- chart -----------------------------------------------------------------------------------
[[ -n "$CHART" ]] || exit 0
plots=()
for ts in $TIMESTAMPS; do
  color='#1f77b4'
  [[ $ts == now ]] || color='#d62728'
  for ((r = 1; r <= RUNS; r++)); do
    awk -v t0="$(cat "$WORK/start-$r-$ts.txt")" '{printf "%.2f %s\n", $1 - t0, $2}' \
      "$WORK/rss-$r-$ts.txt" >"$WORK/rss-$r-$ts.dat"
    plots+=("\"$WORK/rss-$r-$ts.dat\" using 1:2 with lines lw 1.5 dt $r lc rgb \"$color\" title \"$ts, round $r\"")
  done
done
joined=$(printf '%s, ' "${plots[@]}")
gnuplot <<GNUPLOT
set terminal pngcairo size 1000,480 font "sans,10" noenhanced
set output "$CHART"
set title "kinerja run --stop-at-end: RSS over time ($PRODUCED events, $PARTITIONS partitions${KINERJA_ARGS:+, $KINERJA_ARGS}); 1 GiB aim dashed"
set xlabel "seconds since start"
set ylabel "RSS MiB"
set yrange [0:1100]
set key bottom right
set grid
plot ${joined%, }, 1024 with lines lc rgb "#555555" dt 2 notitle
GNUPLOT
log "chart: $CHART"
