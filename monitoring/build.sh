#!/usr/bin/env bash
# Generates the Grafana dashboards (dashboards/*.json) and the Prometheus rules
# (ops/prometheus/rules/*.yaml: recording rules and alerts) from monitoring/*.libsonnet.
#
# usage: bash monitoring/build.sh                 rewrite the committed files
#        bash monitoring/build.sh --check         exit 1 if a committed file differs from its source
#        bash monitoring/build.sh --out DIR [--config JSON]
#                                                 write them under DIR instead, with config overrides
#                                                 merged into config.libsonnet (e.g. short alert
#                                                 durations for a test)
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
mode=write out="" config="{}"
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --check) mode=check ;;
    --out) out=${2:?--out needs a directory}; mode=out; shift ;;
    --config) config=${2:?--config needs a JSON object}; shift ;;
    *) echo "build.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[[ "$mode" == out || "$config" == "{}" ]] || { echo "build.sh: --config needs --out" >&2; exit 2; }
for tool in jsonnet jsonnetfmt python3; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not found; run ops/setup.sh" >&2; exit 1; }
done

gen=$(mktemp -d)
trap 'rm -rf -- "$gen"' EXIT
mkdir -p "$gen/dashboards" "$gen/ops/prometheus/rules"
# -m writes one file per field of main.jsonnet's object (as JSON); render.py gives each its
# final form. Formatting of the sources is checked as well.
jsonnet -m "$gen" --tla-code "overrides=$config" "$ROOT/monitoring/main.jsonnet" >"$gen/.files"
mapfile -t generated <"$gen/.files"
python3 "$ROOT/monitoring/render.py" "${generated[@]}"

case "$mode" in
  out)
    mkdir -p "$out"
    (cd "$gen" && cp -r dashboards ops "$out"/)
    echo "build.sh: $(wc -l <"$gen/.files") files under $out"
    ;;
  write)
    while read -r path; do
      rel=${path#"$gen"/}
      mkdir -p -- "$(dirname -- "$ROOT/$rel")"
      cp -- "$path" "$ROOT/$rel"
    done <"$gen/.files"
    echo "build.sh: wrote $(wc -l <"$gen/.files") files"
    ;;
  check)
    stale=0
    mapfile -t sources < <(find "$ROOT/monitoring" -name '*.jsonnet' -o -name '*.libsonnet')
    if ! jsonnetfmt --max-blank-lines 1 --string-style s --comment-style s --test "${sources[@]}"; then
      echo "build.sh: jsonnet sources are not formatted; run: jsonnetfmt -i (options in build.sh)" >&2
      stale=1
    fi
    while read -r path; do
      rel=${path#"$gen"/}
      if ! cmp -s -- "$path" "$ROOT/$rel"; then
        echo "build.sh: $rel differs from what monitoring/ generates; run: bash monitoring/build.sh" >&2
        diff -u -- "$ROOT/$rel" "$path" | head -n 20 >&2 || true
        stale=1
      fi
    done <"$gen/.files"
    ((stale == 0)) && echo "build.sh: $(wc -l <"$gen/.files") generated files are up to date"
    exit "$stale"
    ;;
esac
