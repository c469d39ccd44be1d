#!/usr/bin/env bash
# Idempotent machine setup: Debian packages plus the Apache Kafka broker jars
# (from Maven Central, since there is no Docker and no Kafka .deb). Cheap when
# everything is present, so CI and developers can run it unconditionally.
set -euo pipefail

PACKAGES=(
  librdkafka-dev librocksdb-dev prometheus-cpp-dev catch2 libsimdjson-dev
  prometheus kcat cmake ninja-build pkg-config g++ libcli11-dev
  nlohmann-json3-dev clang-format clang-tidy-14 clang-14 libclang-rt-14-dev maven openjdk-17-jdk-headless curl
  ca-certificates openssl uuid-runtime procps iproute2 python3-jsonschema
  jsonnet prometheus-alertmanager libyaml-cpp-dev gnuplot-nox python3-venv
)

# The broker, plus the log4j binding its POM leaves out (without it the broker
# logs nothing and we cannot see "Kafka Server started").
KAFKA_ARTIFACTS=(
  org.apache.kafka:kafka_2.13:3.9.1
  org.slf4j:slf4j-reload4j:1.7.36
  ch.qos.reload4j:reload4j:1.2.25
)
MAVEN_DEPENDENCY_PLUGIN=3.6.1

usage() {
  cat <<USAGE
usage: ${0##*/} [--help]
Installs missing Debian packages (${#PACKAGES[@]} listed in this script) and caches
the Kafka ${KAFKA_ARTIFACTS[0]##*:} broker jars under \${KINERJA_CACHE:-\$HOME/.cache/kinerja}.
Safe to re-run; prints one summary line when nothing needs doing.
USAGE
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

# shellcheck source=ops/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root to run '$*' (not root and sudo is not installed)"
  fi
}

# One dpkg-query for all packages keeps the no-op path well under a second.
missing_packages() {
  local -A installed=()
  local name status
  while IFS=$'\t' read -r name status; do
    [[ "$status" == "install ok installed" ]] && installed[$name]=1
  done < <(dpkg-query -W -f='${Package}\t${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
  for name in "${PACKAGES[@]}"; do
    [[ -n "${installed[$name]:-}" ]] || echo "$name"
  done
}

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) && return 0
  echo "setup: installing ${#missing[@]} Debian package(s): ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) || die "still missing after apt-get install: ${missing[*]}"
}

write_pom() {
  local dir=$1 art g a v deps=""
  for art in "${KAFKA_ARTIFACTS[@]}"; do
    IFS=: read -r g a v <<<"$art"
    deps+="    <dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>
"
  done
  # Plugin version pinned so the download does not drift with Maven's defaults.
  cat >"$dir/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.kinerja</groupId>
  <artifactId>kafka-broker-classpath</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
$deps  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>$MAVEN_DEPENDENCY_PLUGIN</version>
      </plugin>
    </plugins>
  </build>
</project>
POM
}

fetch_kafka() {
  local root
  root=$(kafka_root)
  [[ -f "$root/.complete" ]] && return 0
  mkdir -p "$(dirname "$root")"
  # Serialise concurrent setups (parallel CI jobs sharing a cache); re-check after the lock.
  exec 9>"$root.lock"
  flock 9
  if [[ -f "$root/.complete" ]]; then
    exec 9>&-
    return 0
  fi
  # Stage next to the final dir (same filesystem) so the final mv is an atomic rename.
  local stage
  stage=$(mktemp -d "$root.tmp.XXXXXX")
  # shellcheck disable=SC2064  # expand $stage now
  trap "rm -rf -- '$stage'" EXIT
  write_pom "$stage"
  echo "setup: fetching Kafka broker jars from Maven Central (first run only)" >&2
  local attempt
  for attempt in 1 2 3; do
    # Scope must be runtime (compile + runtime): kafka_2.13's POM declares almost
    # all of its dependencies runtime-scoped, so compile scope yields only 6 jars.
    # Maven 3.8 prints ANSI resets even with -B -q, so keep its output in a file.
    if mvn -q -B -f "$stage/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$stage/libs" -DincludeScope=runtime >"$stage/mvn.log" 2>&1; then
      break
    fi
    cat "$stage/mvn.log" >&2
    ((attempt < 3)) || die "mvn failed 3 times; see output above"
    echo "setup: mvn attempt $attempt failed; retrying" >&2
    rm -rf -- "$stage/libs"
    sleep $((attempt * 5))
  done
  # Prove the classpath loads the tool we need before calling the cache complete.
  local out
  if ! out=$(java -cp "$stage/libs/*" kafka.tools.StorageTool random-uuid 2>&1); then
    echo "$out" >&2
    die "downloaded jars cannot run kafka.tools.StorageTool"
  fi
  rm -f -- "$stage/pom.xml" "$stage/mvn.log"
  touch "$stage/.complete"
  rm -rf -- "$root" # a half-finished dir from an interrupted older run, if any
  mv -T -- "$stage" "$root"
  trap - EXIT
  exec 9>&-
}

install_packages
fetch_kafka

libs=$(kafka_home)
jars=("$libs"/*.jar)
echo "setup: ${#PACKAGES[@]} Debian packages present; Kafka ${KINERJA_KAFKA_VERSION}: ${#jars[@]} jars in $libs"
