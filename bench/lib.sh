# Shared by the bench scripts (sourced after they define ROOT, log and die).

# bench_positive NAME...: each named variable must hold a positive integer.
bench_positive() {
  local v
  for v in "$@"; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
  done
}

# bench_build DIR TARGET...: a Release build of the targets in DIR (tests off), unless
# SKIP_BUILD=1 (then whatever is there is used).
bench_build() {
  local dir=$1
  shift
  [[ "${SKIP_BUILD:-0}" == 1 ]] && return 0
  log "building Release in $dir"
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKINERJA_BUILD_TESTS=OFF >&2
  ninja -C "$dir" "$@" >&2
}

# bench_free_port: a free TCP port on 127.0.0.1 (for a /metrics address).
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bench_sample_rss PROCESS FILE: in the background, every half second, appends "unix_seconds
# MiB" to FILE for PROCESS, from when it appears until it is gone. PROCESS is a PID, or a pattern
# for the newest process whose command line matches (pgrep -f; anchor it with ^ so that a
# wrapper such as /usr/bin/time does not match). Sets BENCH_RSS_PID to the sampler's PID (it
# ends on its own).
bench_sample_rss() {
  local pattern=$1 out=$2
  (
    pid=""
    [[ "$pattern" =~ ^[0-9]+$ ]] && pid=$pattern
    while :; do
      [[ -n "$pid" ]] || pid=$(pgrep -n -f -- "$pattern" || true)
      if [[ -n "$pid" ]]; then
        awk -v t="$(date +%s.%N)" '/VmRSS/ {printf "%.2f %.0f\n", t, $2 / 1024}' \
          "/proc/$pid/status" 2>/dev/null || break
      fi
      sleep 0.5
    done
  ) >>"$out" 2>/dev/null &
  BENCH_RSS_PID=$!
}
