#!/usr/bin/env bash
# Shared helpers for the ops/ scripts. Source it; do not run it.
#   free_port                          print a free TCP port on 127.0.0.1
#   wait_until SECS DESC CMD...        poll CMD every 0.2 s until it succeeds
#   stop_pid PIDFILE GRACE_SECS        TERM, wait, then KILL the one PID in PIDFILE
#   kafka_home                         print the cached Kafka libs dir
#   spawn_detached PIDFILE LOG CMD...  start CMD in its own session, record its PID
#   pid_alive PID                      true if PID runs (zombies count as dead)
#   die MSG...                         print to stderr and exit 1
# Callers own `set -euo pipefail`; these helpers are written to be safe under it.

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  echo "usage: source ops/lib.sh   (helpers: free_port, wait_until, stop_pid, kafka_home)" >&2
  [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]] && exit 0
  exit 2
fi

KINERJA_KAFKA_VERSION=3.9.1

die() {
  echo "${0##*/}: $*" >&2
  exit 1
}

# The cache lives outside the repo so fresh clones and `git clean` keep it.
kafka_root() {
  echo "${KINERJA_CACHE:-$HOME/.cache/kinerja}/kafka-${KINERJA_KAFKA_VERSION}"
}

kafka_home() {
  echo "$(kafka_root)/libs"
}

# Random probing instead of a sequential scan so parallel test runs rarely collide.
# The port is only free at the time of the check; callers bind it soon after.
free_port() {
  local try p
  for ((try = 0; try < 200; try++)); do
    p=$(((RANDOM << 15 | RANDOM) % 41000 + 20000))
    # Any socket on the port counts (listening, connected, TIME_WAIT): a port that is the
    # local end of an outgoing connection cannot be bound either.
    if [[ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]]; then
      echo "$p"
      return 0
    fi
  done
  echo "free_port: no free port found after 200 tries" >&2
  return 1
}

# A condition may return 125 to mean "this will never succeed, stop now"
# (e.g. the daemon we are waiting for has died), so callers need not sit out the deadline.
wait_until() {
  if (($# < 3)); then
    echo "usage: wait_until <deadline_seconds> <description> <command...>" >&2
    return 2
  fi
  local secs=$1 desc=$2 rc
  shift 2
  local deadline=$((SECONDS + secs))
  while true; do
    rc=0
    "$@" || rc=$?
    if ((rc == 0)); then
      return 0
    elif ((rc == 125)); then
      echo "wait_until: gave up waiting for ${desc} (condition reported a fatal state)" >&2
      return 1
    elif ((SECONDS >= deadline)); then
      echo "wait_until: timed out after ${secs}s waiting for ${desc}" >&2
      return 1
    fi
    sleep 0.2
  done
}

# kill -0 succeeds on zombies; an init that never reaps would make a dead
# daemon look alive forever, so treat state Z (and X) as dead.
pid_alive() {
  local pid=$1 stat
  kill -0 "$pid" 2>/dev/null || return 1
  stat=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ "$stat" != Z && "$stat" != X ]]
}

stop_pid() {
  if (($# != 2)); then
    echo "usage: stop_pid <pidfile> <grace_seconds>" >&2
    return 2
  fi
  local pidfile=$1 grace=$2 pid
  [[ -f "$pidfile" ]] || return 0
  pid=$(<"$pidfile")
  # Never signal anything but one plain positive PID (kill 0 / -1 would hit groups).
  if [[ ! "$pid" =~ ^[1-9][0-9]*$ ]]; then
    echo "stop_pid: ignoring $pidfile: not a PID: '$pid'" >&2
    rm -f -- "$pidfile"
    return 0
  fi
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + grace))
    while pid_alive "$pid" && ((SECONDS < deadline)); do
      sleep 0.2
    done
    if pid_alive "$pid"; then
      echo "stop_pid: PID $pid still alive after ${grace}s, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      local i=0
      while pid_alive "$pid" && ((i++ < 50)); do
        sleep 0.1
      done
      if pid_alive "$pid"; then
        echo "stop_pid: PID $pid survived SIGKILL" >&2
        return 1
      fi
    fi
  fi
  rm -f -- "$pidfile"
}

# Own session (setsid) so terminal/job-control signals aimed at the caller do not
# reach the daemon; stdin from /dev/null and output to LOG so a caller capturing
# our stdout with $(...) is not held open. The inner shell writes its own PID and
# then execs, so the PID recorded is the daemon's whether or not setsid forks.
spawn_detached() {
  local pidfile=$1 log=$2
  shift 2
  rm -f -- "$pidfile"
  # shellcheck disable=SC2016  # $$ and $@ expand in the inner shell on purpose
  setsid bash -c 'echo "$$" >"$1.tmp" && mv -f "$1.tmp" "$1"; shift; exec "$@"' \
    spawn "$pidfile" "$@" </dev/null >>"$log" 2>&1 &
  wait_until 10 "PID file $pidfile" test -s "$pidfile"
}

# The stop command of a service script: `stop_service NAME PIDFILE MARKER OUTFILE GRACE [DIR] [--clean]`.
# Stops the service whose PID is in DIR/PIDFILE; --clean then deletes DIR, but only if it
# looks like the service's own (holds MARKER) or is empty, never e.g. $HOME.
stop_service() {
  local name=$1 pidfile=$2 marker=$3 outfile=$4 grace=$5 dir="" clean=0 arg
  shift 5
  for arg in "$@"; do
    case "$arg" in
      --clean) clean=1 ;;
      -*) bad_usage "unknown option: $arg" ;;
      *) [[ -z "$dir" ]] || bad_usage "stop takes one DIR"; dir=$arg ;;
    esac
  done
  [[ -n "$dir" ]] || bad_usage "stop needs DIR"
  [[ -d "$dir" ]] || return 0
  stop_pid "$dir/$pidfile" "$grace"
  rm -f -- "${dir:?}/$outfile"
  if ((clean)); then
    if [[ -f "$dir/$marker" || -z "$(ls -A -- "$dir")" ]]; then
      rm -rf -- "$dir"
    else
      die "refusing --clean: $dir has no $marker, so it is not a $name dir"
    fi
  fi
}

# Reports a service that did not become ready: `report_failed_start PID LOGFILE`.
report_failed_start() {
  pid_alive "$1" || log "process $1 exited"
  log "last 40 lines of $2:"
  tail -n 40 "$2" >&2
}
