#!/usr/bin/env bash
# One-command demo of Kinerja on a fresh Debian 12 machine: install, build, start a throw-away
# Kafka + Kinerja + Prometheus + simulator, show where to look and live KPIs, and clean up
# everything on Ctrl-C / SIGTERM / exit. Run `bash ops/demo.sh --help` for the knobs.
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
OPS=$ROOT/ops
# shellcheck source=ops/lib.sh
source "$OPS/lib.sh"

BUILD_DIR=$ROOT/build-release
KINERJA=$BUILD_DIR/app/kinerja
TOPIC=kinerja.events.v1 # `kinerja` defaults; the demo does not override them
DLQ_TOPIC=kinerja.events.dlq.v1
PARTITIONS=64
PROGRESS_EVERY=15       # seconds between progress lines
READY_DEADLINE=180      # seconds to wait for the first KPIs in Prometheus
KINERJA_STOP_GRACE=30   # seconds Kinerja gets to finish its batch and commit after SIGTERM

usage() {
  cat <<USAGE
usage: bash ops/demo.sh [--help]

Runs the whole Kinerja pipeline locally, in one command:
  1. ops/setup.sh (installs missing Debian packages and the Kafka jars; may need sudo),
     then a Release build into build-release/ (logs in build-release/demo-*.log);
  2. in a throw-away dir /tmp/kinerja-demo.XXXXXX: a single-node Kafka, the topics
     ($TOPIC with $PARTITIONS partitions, $DLQ_TOPIC), \`kinerja run\`, a Prometheus
     scraping it every second, and \`kinerja simulate\` producing a year of synthetic
     ASN events at a modest rate;
  3. waits for the first KPIs in Prometheus, prints the URLs to open, the logs and live
     KPI values, then a progress line every ${PROGRESS_EVERY}s.
Ctrl-C (or SIGTERM) stops everything it started, Kinerja gracefully (it commits its
last batch), and removes the work dir.

Environment:
  DEMO_EMPLOYEES  employees simulated                     (default 3000)
  DEMO_AGENCIES   agencies simulated                      (default 6)
  DEMO_RATE       events per second the simulator sends   (default 25000: a simulated year in ~5 min)
  DEMO_DURATION   if set, stop by itself (exit 0) this many seconds after the banner
                  (for automated checks); unset: run until Ctrl-C
  KEEP=1          keep the work dir (state, logs, Prometheus data) after exit
USAGE
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") ;;
  *) echo "demo.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
esac

EMPLOYEES=${DEMO_EMPLOYEES:-3000}
AGENCIES=${DEMO_AGENCIES:-6}
RATE=${DEMO_RATE:-25000}
DURATION=${DEMO_DURATION:-}
KEEP=${KEEP:-0}
bad_config() {
  echo "demo.sh: $*" >&2
  exit 2
}
for knob in EMPLOYEES AGENCIES RATE; do
  [[ "${!knob}" =~ ^[1-9][0-9]*$ ]] || bad_config "DEMO_$knob must be a positive integer, got '${!knob}'"
done
[[ -z "$DURATION" || "$DURATION" =~ ^[0-9]+$ ]] ||
  bad_config "DEMO_DURATION must be a number of seconds, got '$DURATION'"

say() { echo "demo: $*" >&2; }

# ---------------------------------------------------------------------------------------------
# Cleanup: runs once, on any exit. Only PIDs this script recorded are signalled.
WORK=""
SLEEP_PID=""
cleanup() {
  local rc=$?
  set +e
  trap - EXIT
  trap '' INT TERM # a second Ctrl-C must not leave daemons behind half-way through
  [[ -n "$SLEEP_PID" ]] && kill "$SLEEP_PID" 2>/dev/null
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    say "stopping (simulator, Grafana if started, Kinerja, Prometheus, Kafka)..."
    stop_pid "$WORK/simulate.pid" 5
    [[ -f "$WORK/grafana.pid" ]] && stop_pid "$WORK/grafana.pid" 10
    if [[ -f "$WORK/kinerja.pid" ]]; then
      stop_pid "$WORK/kinerja.pid" "$KINERJA_STOP_GRACE"
      if grep -q "stopped cleanly" "$WORK/kinerja.log" 2>/dev/null; then
        say "Kinerja committed its last batch and stopped cleanly"
      else
        say "Kinerja did not report a clean stop; last lines of $WORK/kinerja.log:"
        tail -n 10 "$WORK/kinerja.log" >&2
      fi
    fi
    bash "$OPS/prometheus.sh" stop "$WORK/prometheus"
    bash "$OPS/kafka.sh" stop "$WORK/kafka"
    if [[ "$KEEP" == 1 ]]; then
      say "kept $WORK (KEEP=1). Final KPIs: $KINERJA kpis --state-dir $WORK/state"
    else
      rm -rf -- "$WORK"
      say "removed $WORK"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs CMD... with its output in LOG; on failure shows the end of LOG and exits.
quietly() {
  local log=$1 what=$2
  shift 2
  if ! "$@" >>"$log" 2>&1; then
    say "$what failed; last 60 lines of $log:"
    tail -n 60 "$log" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------------------------------------
# 1. Prerequisites and build.
mkdir -p -- "$BUILD_DIR"
say "checking prerequisites with ops/setup.sh (the first run installs packages and fetches Kafka; minutes)"
: >"$BUILD_DIR/demo-setup.log"
quietly "$BUILD_DIR/demo-setup.log" "ops/setup.sh" bash "$OPS/setup.sh"
tail -n 1 "$BUILD_DIR/demo-setup.log" >&2

say "building Release into build-release/ (log: build-release/demo-build.log)"
: >"$BUILD_DIR/demo-build.log"
quietly "$BUILD_DIR/demo-build.log" "cmake configure" \
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DKINERJA_BUILD_TESTS=OFF -DKINERJA_BUILD_BENCH=OFF
quietly "$BUILD_DIR/demo-build.log" "build" ninja -C "$BUILD_DIR" -j2
[[ -x "$KINERJA" ]] || die "build finished but $KINERJA is missing"

# ---------------------------------------------------------------------------------------------
# 2. Kafka, topics, Kinerja, Prometheus, simulator.
WORK=$(mktemp -d /tmp/kinerja-demo.XXXXXX)
say "work dir $WORK"

say "starting Kafka"
# A second try covers transient failures (a port taken between probe and bind, or a random
# cluster id that begins with '-', which kafka-storage rejects); each try draws new ones.
BROKERS=""
for try in 1 2; do
  if BROKERS=$(bash "$OPS/kafka.sh" start "$WORK/kafka" 2>>"$WORK/kafka-start.log"); then
    break
  fi
  BROKERS=""
  ((try == 1)) && say "Kafka did not start; trying once more (details in $WORK/kafka-start.log)"
done
if [[ -z "$BROKERS" ]]; then
  say "Kafka did not start; $WORK/kafka-start.log:"
  cat "$WORK/kafka-start.log" >&2
  exit 1
fi
quietly "$WORK/create-topics.log" "kinerja create-topics" \
  "$KINERJA" create-topics --brokers "$BROKERS" --partitions "$PARTITIONS"

# free_port only sees listeners, so a port can still be taken (e.g. as the local end of an
# outgoing connection) when Kinerja binds it; then Kinerja exits at once and we pick another.
metrics_up() {
  pid_alive "$KINERJA_PID" || return 125
  curl -fsS -m 2 -o /dev/null "$METRICS_URL"
}
for try in 1 2 3; do
  METRICS_PORT=$(free_port)
  METRICS_URL=http://127.0.0.1:$METRICS_PORT/metrics
  say "starting kinerja run (metrics on $METRICS_URL)"
  touch "$WORK/kinerja.log"
  log_lines=$(wc -l <"$WORK/kinerja.log")
  spawn_detached "$WORK/kinerja.pid" "$WORK/kinerja.log" \
    "$KINERJA" run --brokers "$BROKERS" --state-dir "$WORK/state" \
    --metrics-address "127.0.0.1:$METRICS_PORT"
  KINERJA_PID=$(<"$WORK/kinerja.pid")
  wait_until 60 "Kinerja metrics at $METRICS_URL" metrics_up && break
  if ((try < 3)) && ! pid_alive "$KINERJA_PID" &&
    tail -n "+$((log_lines + 1))" "$WORK/kinerja.log" | grep -q "cannot listen"; then
    say "port $METRICS_PORT was taken after all; trying another"
    continue
  fi
  say "last lines of $WORK/kinerja.log:"
  tail -n 30 "$WORK/kinerja.log" >&2
  exit 1
done

# The recording rules (the dashboards read them) and the alerts of ops/prometheus/rules.
RULE_ARGS=()
for rules in "$OPS"/prometheus/rules/*.yaml; do RULE_ARGS+=(--rules "$rules"); done
say "starting Prometheus (with the $((${#RULE_ARGS[@]} / 2)) rule files of ops/prometheus/rules)"
PROM_URL=""
for try in 1 2; do # a second try for the same port race inside prometheus.sh
  if PROM_URL=$(bash "$OPS/prometheus.sh" start "$WORK/prometheus" "${RULE_ARGS[@]}" \
    "127.0.0.1:$METRICS_PORT" 2>>"$WORK/prometheus-start.log"); then
    break
  fi
  PROM_URL=""
  ((try == 1)) && say "Prometheus did not start; trying once more (details in $WORK/prometheus-start.log)"
done
if [[ -z "$PROM_URL" ]]; then
  say "Prometheus did not start; $WORK/prometheus-start.log:"
  cat "$WORK/prometheus-start.log" >&2
  exit 1
fi

say "starting the simulator ($EMPLOYEES employees, $AGENCIES agencies, 365 days, $RATE events/s)"
spawn_detached "$WORK/simulate.pid" "$WORK/simulate.log" \
  "$KINERJA" simulate --brokers "$BROKERS" --employees "$EMPLOYEES" --agencies "$AGENCIES" \
  --days 365 --rate "$RATE"
SIM_PID=$(<"$WORK/simulate.pid")


# ---------------------------------------------------------------------------------------------
# Prometheus queries. prom_rows EXPR [LABEL] prints one "LABEL_VALUE<TAB>VALUE" line per
# series of an instant query (LABEL_VALUE empty without LABEL). JSON is parsed with python3
# when it exists, otherwise with grep/sed (Prometheus answers compact JSON).
urlencode() {
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  echo "$out"
}

graph_link() {
  echo "$PROM_URL/graph?g0.expr=$(urlencode "$1")&g0.tab=0&g0.range_input=15m"
}

parse_rows() {
  local label=$1
  if command -v python3 >/dev/null 2>&1; then
    python3 -c '
import json, sys
label = sys.argv[1]
try:
    doc = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for r in (doc.get("data") or {}).get("result") or []:
    print("%s\t%s" % (r["metric"].get(label, "") if label else "", r["value"][1]))
' "$label"
  else
    local row name value
    grep -o '"metric":{[^}]*},"value":\[[^]]*\]' | while IFS= read -r row; do
      value=$(sed -E 's/.*"value":\[[^,]*,"([^"]*)"\].*/\1/' <<<"$row")
      name=""
      [[ -n "$label" ]] && name=$(sed -n -E 's/.*[{,]"'"$label"'":"([^"]*)".*/\1/p' <<<"$row")
      printf '%s\t%s\n' "$name" "$value"
    done
  fi
}

prom_rows() {
  local json
  json=$(curl -fsS -m 5 -G "$PROM_URL/api/v1/query" --data-urlencode "query=$1" 2>/dev/null) || return 0
  parse_rows "${2:-}" <<<"$json"
}

# 1234567.8 -> 1,234,568 (rounded; commas for readability)
int_fmt() {
  local n
  printf -v n '%.0f' "$1" 2>/dev/null || n=$1
  sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$n"
}

# "A01 1,234  A02 987 ..." from prom_rows output.
per_label_line() {
  local rows name value out=""
  rows=$(sort)
  while IFS=$'\t' read -r name value; do
    [[ -n "$value" ]] && out+="${out:+   }$name $(int_fmt "$value")"
  done <<<"$rows"
  echo "${out:-none yet}"
}

# The gauges of the KPI catalogue (docs/kpis.md) the demo expects to see.
KPI_FAMILIES=(kinerja_employees kinerja_employees_without_master_data kinerja_skp_employees
  kinerja_skp_achievement kinerja_skp_targets_met_employees kinerja_realisasi_reporting_employees
  kinerja_realisasi_reports kinerja_realisasi_reports_with_evidence kinerja_feedback_employees
  kinerja_feedback_given kinerja_predikat_employees kinerja_training_jp kinerja_training_employees
  kinerja_activity_seconds kinerja_admin_heavy_employees kinerja_talent_box_employees)

# One value of a PromQL query (empty when none).
prom_value() { prom_rows "$1" | cut -f2 | head -n 1; }
# "label value  label value ..." of a query grouped by one label.
by_label() { prom_rows "$1" "$2" | per_label_line; }
fixed3() { [[ -n "$1" ]] && printf '%.3f' "$1" || echo "-"; }

# Every KPI of the catalogue, summed over agencies, for the newest year and month in the data.
kpi_overview() {
  local year month rmonth pmonth present missing=() f avg
  # Newest label of a family (month and year labels sort as text).
  newest() { prom_rows "count by ($2) ({__name__=~\"$1\"})" "$2" | cut -f1 | grep -E "$3" | sort | tail -n 1; }
  year=$(newest 'kinerja_(skp_employees|training_jp)' year '^[0-9]{4}$')
  month=$(newest 'kinerja_(activity_seconds|feedback_given)' month '.')
  # Realisasi and periodic ratings come early the next month: show their own newest month.
  rmonth=$(newest kinerja_realisasi_reports month '.')
  pmonth=$(newest kinerja_predikat_employees period '-')
  year=${year:-none} month=${month:-none} rmonth=${rmonth:-none} pmonth=${pmonth:-none}
  present=$(prom_rows 'count by (__name__) ({__name__=~"kinerja_.+"})' __name__ | cut -f1)
  for f in "${KPI_FAMILIES[@]}"; do grep -qx "$f" <<<"$present" || missing+=("$f"); done
  avg=$(prom_value "sum(kinerja_skp_achievement{year=\"$year\"}) / sum(kinerja_skp_employees{year=\"$year\"})")
  cat <<OVERVIEW
 Every KPI, all agencies summed (newest in the data: year $year, month $month):
   employees                  $(int_fmt "$(prom_value 'sum(kinerja_employees)')")   without master data: $(int_fmt "$(prom_value 'sum(kinerja_employees_without_master_data)')")
   SKP $year                   employees $(int_fmt "$(prom_value "sum(kinerja_skp_employees{year=\"$year\"})")")   average achievement $(fixed3 "$avg")   targets met $(int_fmt "$(prom_value "sum(kinerja_skp_targets_met_employees{year=\"$year\"})")")
   realisasi $rmonth            reporting employees $(int_fmt "$(prom_value "sum(kinerja_realisasi_reporting_employees{month=\"$rmonth\"})")")   reports $(int_fmt "$(prom_value "sum(kinerja_realisasi_reports{month=\"$rmonth\"})")")   with evidence $(int_fmt "$(prom_value "sum(kinerja_realisasi_reports_with_evidence{month=\"$rmonth\"})")")
   feedback $month             employees $(int_fmt "$(prom_value "sum(kinerja_feedback_employees{month=\"$month\"})")")   given $(int_fmt "$(prom_value "sum(kinerja_feedback_given{month=\"$month\"})")")
   predikat $pmonth             $(by_label "sum by (predikat) (kinerja_predikat_employees{period=\"$pmonth\"})" predikat)
   predikat $year (annual)    $(by_label "sum by (predikat) (kinerja_predikat_employees{period=\"$year\"})" predikat)
   training $year              JP $(int_fmt "$(prom_value "sum(kinerja_training_jp{year=\"$year\"})")")   bands: $(by_label "sum by (jp_band) (kinerja_training_employees{year=\"$year\"})" jp_band)
   activity $month             $(by_label "sum by (category) (kinerja_activity_seconds{month=\"$month\"}) / 3600" category) hours   admin-heavy employees $(int_fmt "$(prom_value "sum(kinerja_admin_heavy_employees{month=\"$month\"})")")
   talent boxes $year          $(by_label "sum by (box) (kinerja_talent_box_employees{year=\"$year\"})" box)
   KPI families present       $(( ${#KPI_FAMILIES[@]} - ${#missing[@]} ))/${#KPI_FAMILIES[@]}${missing[*]:+   not yet (they come later in the simulated year): ${missing[*]}}
OVERVIEW
}

# ---------------------------------------------------------------------------------------------
# 3. Wait for the first KPIs in Prometheus, then print where to look.
PROM_PID=$(<"$WORK/prometheus/prometheus.pid")
kpis_in_prometheus() {
  pid_alive "$KINERJA_PID" && pid_alive "$PROM_PID" || return 125
  local v
  v=$(prom_rows 'sum(kinerja_employees)' | cut -f2)
  [[ -n "$v" && "$v" != 0 ]]
}
say "waiting (up to ${READY_DEADLINE}s) for the first KPIs to reach Prometheus"
if ! wait_until "$READY_DEADLINE" "kinerja_employees in Prometheus" kpis_in_prometheus; then
  say "Kinerja's own view ($METRICS_URL):"
  curl -fsS -m 5 "$METRICS_URL" 2>&1 | grep -E '^kinerja_(events_total|assigned_partitions|rebalances_total|consumer_lag|employees)' |
    awk '{ n[$1 ~ /_lag_/ ? "kinerja_consumer_lag_messages(sum)" : $1] += $NF } END { for (k in n) print "  " k, n[k] }' |
    sort | head -n 40 >&2
  say "Prometheus targets: $(curl -fsS -m 5 "$PROM_URL/api/v1/targets" 2>&1 | grep -o '"health":"[^"]*"\|"lastError":"[^"]*"' | tr '\n' ' ')"
  if pid_alive "$SIM_PID"; then say "the simulator is still running"; else say "the simulator has exited"; fi
  say "last lines of $WORK/kinerja.log:"
  tail -n 20 "$WORK/kinerja.log" >&2
  say "last lines of $WORK/simulate.log:"
  tail -n 20 "$WORK/simulate.log" >&2
  exit 1
fi
# A few messages that break the contract, from agency AG002, so that the dead-letter panels show
# something: each goes to the dead-letter topic with its reason. Sent once AG002's first events
# are applied, so that its per-agency counters exist already and count them (a counter's first
# increment is invisible to increase()).
REJECTS_NIP=198609262015051001
cat >"$WORK/rejects.ndjson" <<NDJSON
{"specversion":"1.0","id":"demo-bad-1","source":"/agencies/AG002","type":"kinerja.activity.logged.v1","subject":"$REJECTS_NIP","time":"2026-03-02T09:00:00+07:00","data":{"date":"2026-03-02","minutes":0,"category":"administrative"}}
{"specversion":"1.0","id":"demo-bad-2","source":"/agencies/AG002","type":"kinerja.activity.logged.v2","subject":"$REJECTS_NIP","time":"2026-03-02T09:00:00+07:00","data":{}}
{"specversion":"1.0","id":"demo-bad-3","source":"/agencies/AG002","type":"kinerja.feedback.given.v1","subject":"$REJECTS_NIP","time":"2026-03-02T09:00:00+07:00","data":{"giver":"12345"}}
NDJSON
quietly "$WORK/rejects.log" "kinerja publish (deliberate rejects)" \
  "$KINERJA" publish --brokers "$BROKERS" --no-validate "$WORK/rejects.ndjson"

# A 1m rate from a few seconds of samples of a counter that moves once per batch is noise:
# let Prometheus collect ~20 s of samples first (it scrapes every second).
rate_settled() {
  [[ -n "$(prom_rows 'max(count_over_time(kinerja_events_total{outcome="applied"}[1m])) >= 20')" ]]
}
wait_until 30 "20 s of samples in Prometheus" rate_settled 2>/dev/null || true

EMPLOYEES_Q='sum by (agency) (kinerja_employees)'
JP_Q='sum by (agency) (kinerja_training_jp)'
RATE_Q='sum(rate(kinerja_events_total{outcome="applied"}[1m]))'
# The counters sit at 0 until the simulator's first events, so for the first minute the 1m rate
# averages in that idle start; the banner shows the last 15 s as well.
RATE15_Q='sum(rate(kinerja_events_total{outcome="applied"}[15s]))'
DLQ_Q='sum(kinerja_dead_letters_total)'
DUP_Q='sum(kinerja_events_total{outcome="duplicate"})'
LAG_Q='sum(kinerja_consumer_lag_messages)'

employees_line=$(prom_rows "$EMPLOYEES_Q" agency | per_label_line)
jp_year=$(prom_rows 'count by (year) (kinerja_training_jp)' year | sort | tail -n 1 | cut -f1)
jp_line=$(prom_rows "sum by (agency) (kinerja_training_jp{year=\"${jp_year:-none}\"})" agency | per_label_line)
rate_now=$(prom_rows "$RATE_Q" | cut -f2)
rate15_now=$(prom_rows "$RATE15_Q" | cut -f2)
dead_now=$(prom_rows "$DLQ_Q" | cut -f2)
dup_now=$(prom_rows "$DUP_Q" | cut -f2)
lag_now=$(prom_rows "$LAG_Q" | cut -f2)

# ---------------------------------------------------------------------------------------------
# Dashboards and alerts: every panel's queries as Prometheus links (ops/dashboards.py), the
# alerts page, and the dashboards in Grafana when one is available.
GRAFANA_HOME=${GRAFANA_HOME:-/usr/share/grafana}

# A Grafana given by URL and API token: the datasource (kept if it exists) and the dashboards.
grafana_api_upload() {
  local auth="Authorization: Bearer $GRAFANA_TOKEN" f code
  code=$(curl -sS -m 10 -o "$WORK/grafana-api.log" -w '%{http_code}' -H "$auth" \
    -H 'Content-Type: application/json' -X POST "$GRAFANA_URL/api/datasources" \
    -d "{\"name\":\"Kinerja demo Prometheus\",\"type\":\"prometheus\",\"access\":\"proxy\",\"url\":\"$PROM_URL\"}") || code=000
  case "$code" in
    200 | 409) ;; # created, or one of that name exists already
    *) echo "   Grafana at $GRAFANA_URL refused the datasource (HTTP $code); see $WORK/grafana-api.log"; return 0 ;;
  esac
  for f in "$ROOT"/dashboards/*.json; do
    python3 -c 'import json,sys; print(json.dumps({"dashboard": json.load(open(sys.argv[1])), "overwrite": True}))' "$f" |
      curl -fsS -m 10 -o /dev/null -H "$auth" -H 'Content-Type: application/json' \
        -X POST "$GRAFANA_URL/api/dashboards/db" --data-binary @- ||
      { echo "   Grafana at $GRAFANA_URL refused $(basename "$f")"; return 0; }
  done
  echo "   Grafana            $GRAFANA_URL (datasource \"Kinerja demo Prometheus\" and 3 dashboards uploaded)"
}

# grafana-server on the PATH: our own, provisioned from dashboards/provisioning.
grafana_start() {
  local port
  port=$(free_port)
  mkdir -p -- "$WORK/grafana"
  spawn_detached "$WORK/grafana.pid" "$WORK/grafana.log" env \
    GF_PATHS_PROVISIONING="$ROOT/dashboards/provisioning" KINERJA_DASHBOARDS_DIR="$ROOT/dashboards" \
    KINERJA_PROMETHEUS_URL="$PROM_URL" GF_PATHS_DATA="$WORK/grafana/data" \
    GF_PATHS_LOGS="$WORK/grafana/logs" GF_SERVER_HTTP_ADDR=127.0.0.1 GF_SERVER_HTTP_PORT="$port" \
    GF_AUTH_ANONYMOUS_ENABLED=true GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer \
    grafana-server --homepath "$GRAFANA_HOME"
  grafana_up() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/api/health"; }
  if wait_until 60 "Grafana on port $port" grafana_up 2>/dev/null; then
    echo "   Grafana            http://127.0.0.1:$port/dashboards (folder Kinerja; anonymous viewer)"
  else
    echo "   grafana-server did not come up; see $WORK/grafana.log"
  fi
}

dashboards_section() {
  local rmonth args
  rmonth=$(prom_rows 'count by (month) (kinerja_realisasi_reports)' month | cut -f1 | sort | tail -n 1)
  args=(--prometheus "$PROM_URL" --rate-interval 1m)
  [[ -n "$rmonth" ]] && args+=(--var "month=$rmonth")
  echo " Dashboards (dashboards/*.json) and alerts (ops/prometheus/rules):"
  echo "   Alerts             $PROM_URL/alerts  ($(prom_value 'count(ALERTS{alertstate="firing"}) or vector(0)') firing now)"
  if [[ -n "${GRAFANA_URL:-}" && -n "${GRAFANA_TOKEN:-}" ]]; then
    grafana_api_upload
  elif command -v grafana-server >/dev/null 2>&1; then
    grafana_start
  else
    echo "   Grafana            none here (no Grafana package exists for this platform); set"
    echo "                      GRAFANA_URL and GRAFANA_TOKEN, or put grafana-server on the PATH."
    echo "                      Until then every panel's query is below, as a Prometheus link."
  fi
  echo "   Pictures           python3 ops/dashboards.py ${args[*]} render --out docs/dashboards"
  echo
  if python3 "$OPS/dashboards.py" "${args[@]}" links >"$WORK/dashboard-links.txt" 2>"$WORK/dashboards.log"; then
    echo " Every panel's query in Prometheus (also in $WORK/dashboard-links.txt; variables as Grafana"
    echo " would set them${rmonth:+, month $rmonth: the newest with realisasi}):"
    cat "$WORK/dashboard-links.txt"
  else
    echo " (the panel links could not be made: $(tail -n 1 "$WORK/dashboards.log"))"
  fi
  echo
}

RULE=$(printf '=%.0s' {1..96})
cat <<BANNER

$RULE
 Kinerja demo is running. Open these:

   Kinerja /metrics   $METRICS_URL
   Prometheus         $PROM_URL
     employees per agency (graph):
       $(graph_link "$EMPLOYEES_Q")
     training JP per agency (graph):
       $(graph_link "$JP_Q")
     events applied per second (graph):
       $(graph_link "$RATE_Q")

   Kafka bootstrap    $BROKERS  (topics $TOPIC x$PARTITIONS, $DLQ_TOPIC)
   Work dir           $WORK  ($([[ "$KEEP" == 1 ]] && echo "kept on exit: KEEP=1" || echo "removed on exit; KEEP=1 keeps it"))
   Logs               $WORK/kinerja.log
                      $WORK/simulate.log
                      $WORK/kafka/kafka.log
                      $WORK/prometheus/prometheus.log

 Live KPIs from Prometheus (simulated year ${jp_year:-?}; $EMPLOYEES employees, $AGENCIES agencies, $RATE events/s):
   employees per agency       $employees_line
   training JP per agency     $jp_line
   events applied per second  $(int_fmt "${rate15_now:-0}") over the last 15 s, $(int_fmt "${rate_now:-0}") over 1 m (counting the idle start)
   dead letters               $(int_fmt "${dead_now:-0}")   (duplicates recognised and skipped: $(int_fmt "${dup_now:-0}"))
   consumer lag (messages)    $(int_fmt "${lag_now:-0}")

$(kpi_overview)

 $(if [[ -n "$DURATION" ]]; then echo "DEMO_DURATION=$DURATION: stopping by itself in ${DURATION}s."; else echo "Ctrl-C stops everything and cleans up."; fi) Progress every ${PROGRESS_EVERY}s below.
$RULE

BANNER

dashboards_section

# ---------------------------------------------------------------------------------------------
# Progress: one line every PROGRESS_EVERY seconds, from Kinerja's own /metrics.
last_applied=""
last_at=$SECONDS
progress() {
  local metrics applied agencies sim delta secs
  metrics=$(curl -fsS -m 5 "$METRICS_URL" 2>/dev/null) || {
    echo "[$(date +%T)] Kinerja /metrics did not answer"
    return 0
  }
  applied=$(awk '/^kinerja_events_total\{/ && /outcome="applied"/ { s += $NF } END { printf "%.0f", s }' <<<"$metrics")
  agencies=$(grep -c '^kinerja_employees{' <<<"$metrics" || true)
  if pid_alive "$SIM_PID"; then
    sim=running
  elif grep -q "kinerja simulate: produced" "$WORK/simulate.log" 2>/dev/null; then
    sim="done, the simulated year is complete"
  else
    sim="exited early, see $WORK/simulate.log"
  fi
  delta=""
  if [[ -n "$last_applied" ]]; then
    secs=$((SECONDS - last_at))
    ((secs > 0)) || secs=1
    delta=" (+$(int_fmt $((applied - last_applied))) in ${secs}s, $(int_fmt $(((applied - last_applied) / secs)))/s)"
  fi
  echo "[$(date +%T)] events applied: $(int_fmt "$applied")$delta   agencies: $agencies   simulator: $sim"
  last_applied=$applied
  last_at=$SECONDS
}

# Interruptible pause: a trapped signal ends `wait` at once, unlike a foreground sleep.
pause() {
  sleep "$1" &
  SLEEP_PID=$!
  wait "$SLEEP_PID" || true
  SLEEP_PID=""
}

progress
start=$SECONDS
next=$((start + PROGRESS_EVERY))
next_overview=$((start + 60))
while true; do
  now=$SECONDS
  if [[ -n "$DURATION" ]] && ((now - start >= DURATION)); then
    say "DEMO_DURATION=${DURATION}s reached"
    exit 0
  fi
  if ! pid_alive "$KINERJA_PID"; then
    say "kinerja run exited unexpectedly; last lines of $WORK/kinerja.log:"
    tail -n 20 "$WORK/kinerja.log" >&2
    exit 1
  fi
  if ((now >= next)); then
    progress
    # Every minute, the whole KPI overview again (the simulated year moves on).
    if ((SECONDS >= next_overview)); then
      kpi_overview
      next_overview=$((SECONDS + 60))
    fi
    next=$((SECONDS + PROGRESS_EVERY))
  fi
  nap=$((next - now))
  [[ -n "$DURATION" ]] && ((start + DURATION - now < nap)) && nap=$((start + DURATION - now))
  ((nap < 1)) && nap=1
  pause "$nap"
done
