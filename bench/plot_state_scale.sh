#!/usr/bin/env bash
# Chart of bench/state_scale.sh results: events/s against the employees of state, every round
# as a point and the medians joined, one series per results file (the JSON lines that
# state_scale.sh writes to RESULTS).
#
# Usage: bash bench/plot_state_scale.sh OUT.png LABEL=RESULTS [LABEL=RESULTS...]
# e.g.   bash bench/plot_state_scale.sh docs/state_scale.png \
#          "fixed working set (--active 10000)=/tmp/active.txt" "uniform over all N=/tmp/uniform.txt"
set -euo pipefail

log() { echo "plot_state_scale: $*" >&2; }
die() {
  echo "plot_state_scale: error: $*" >&2
  exit 1
}
(($# >= 2)) || die "usage: $0 OUT.png LABEL=RESULTS [LABEL=RESULTS...]"
command -v gnuplot >/dev/null || die "gnuplot not found (apt-get install gnuplot-nox)"
OUT=$1
shift
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kinerja-plot.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT

colors=('#1f77b4' '#d62728' '#2ca02c' '#9467bd')
plots=()
i=0
for spec in "$@"; do
  label=${spec%%=*}
  file=${spec#*=}
  [[ -r "$file" && "$label" != "$spec" ]] || die "'$spec' is not LABEL=READABLE_FILE"
  # "employees events_per_s" per measured round; then per size the median.
  python3 - "$file" >"$WORK/points-$i.dat" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    if line.startswith('{'):
        r = json.loads(line)
        if r.get('phase') == 'measure' and 'events_per_s' in r:
            print(r['employees'], r['events_per_s'])
PY
  [[ -s "$WORK/points-$i.dat" ]] || die "$file has no measured rounds"
  sort -n -k1 -k2 "$WORK/points-$i.dat" | awk '
    { n[$1]++; v[$1, n[$1]] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
    END { for (j = 1; j <= k; j++) { e = order[j]; c = n[e]
      m = c % 2 ? v[e, (c + 1) / 2] : (v[e, c / 2] + v[e, c / 2 + 1]) / 2; print e, m } }' \
    >"$WORK/median-$i.dat"
  c=${colors[$((i % ${#colors[@]}))]}
  plots+=("\"$WORK/points-$i.dat\" using 1:2 with points pt 7 ps 0.8 lc rgb \"$c\" notitle")
  plots+=("\"$WORK/median-$i.dat\" using 1:2 with linespoints lw 2 pt 5 lc rgb \"$c\" title \"$label (median)\"")
  i=$((i + 1))
done
joined=$(printf '%s, ' "${plots[@]}")
gnuplot <<GNUPLOT
set terminal pngcairo size 900,480 font "sans,10" noenhanced
set offsets graph 0.05, graph 0.05, 0, 0
set output "$OUT"
set title "bench/state_scale.sh: events/s against the state already stored (points: rounds)"
set xlabel "employees of state"
set ylabel "events/s"
set logscale x
set format x "%.0s%c"
set yrange [0:*]
set key bottom left
set grid
plot ${joined%, }
GNUPLOT
log "chart: $OUT"
