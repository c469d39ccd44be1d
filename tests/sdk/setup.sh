#!/usr/bin/env bash
# Prepares the official CloudEvents SDKs for tests/integration/sdk_test.cc, under DIR (the
# build directory's sdk/): a Python virtual environment with cloudevents 2.2.0 and
# confluent-kafka from PyPI, the Java producer of tests/sdk/java built with Maven against
# io.cloudevents:cloudevents-kafka 4.0.1 from Maven Central, and the Go producer of tests/sdk/go
# built against github.com/cloudevents/sdk-go/v2 and IBM/sarama from the Go module proxy (go.sum
# pins them). Cheap when already done.
#
# usage: bash tests/sdk/setup.sh DIR
set -euo pipefail
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
(($# == 1)) || { echo "usage: ${0##*/} DIR" >&2; exit 2; }
mkdir -p -- "$1"
OUT=$(cd -- "$1" && pwd -P)

# Runs CMD... up to twice (registries have bad moments), its output in LOG.
twice() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 && return 0
  echo "setup: '$*' failed; once more" >&2
  sleep 3
  "$@" >>"$log" 2>&1 || { cat "$log" >&2; return 1; }
}

# A part is rebuilt when its inputs change: its marker holds their checksum.
stamp() { cat "${BASH_SOURCE[0]}" "$@" | sha256sum | cut -d' ' -f1; }  # this script counts too
fresh() { [[ -f "$1/.complete" && "$(<"$1/.complete")" == "$2" ]]; }

PY_INPUTS="cloudevents==2.2.0 confluent-kafka==2.16.1"
py_stamp=$(echo "$PY_INPUTS" | stamp -)
if ! fresh "$OUT/python" "$py_stamp"; then
  rm -rf -- "$OUT/python"
  python3 -m venv "$OUT/python"
  # shellcheck disable=SC2086  # one word per requirement
  twice "$OUT/pip.log" "$OUT/python/bin/pip" install --disable-pip-version-check $PY_INPUTS
  echo "$py_stamp" >"$OUT/python/.complete"
fi
java_stamp=$(stamp "$HERE/java/pom.xml" "$HERE"/java/src/main/java/kinerja/sdktest/*.java)
if ! fresh "$OUT/java" "$java_stamp"; then
  rm -rf -- "$OUT/java"
  twice "$OUT/mvn.log" mvn -q -B -f "$HERE/java/pom.xml" -Dkinerja.build.dir="$OUT/java" \
    package dependency:copy-dependencies -DoutputDirectory="$OUT/java/libs"
  echo "$java_stamp" >"$OUT/java/.complete"
fi
# Go 1.23 or newer: the one on the PATH or in /usr/local/go, else a toolchain fetched from the
# Go module proxy (golang.org/toolchain; Debian's golang-go is too old for these modules).
GO_TOOLCHAIN=v0.0.1-go1.23.4.linux-amd64
find_go() {
  local go
  for go in "$(command -v go || true)" /usr/local/go/bin/go "$OUT/toolchain/bin/go"; do
    [[ -x "$go" ]] || continue
    # "go version go1.23.4 linux/amd64" -> 1.23
    local v
    v=$("$go" env GOVERSION 2>/dev/null | sed -E 's/^go([0-9]+)\.([0-9]+).*/\1 \2/')
    read -r major minor <<<"$v"
    if [[ -n "${minor:-}" ]] && ((major > 1 || minor >= 23)); then
      echo "$go"
      return 0
    fi
  done
  return 1
}
go_stamp=$(stamp "$HERE"/go/go.mod "$HERE"/go/go.sum "$HERE"/go/*.go)
if ! fresh "$OUT/go" "$go_stamp"; then
  rm -rf -- "$OUT/go"
  mkdir -p -- "$OUT/go"
  if ! GO=$(find_go); then
    echo "setup: no Go 1.23+ here; fetching $GO_TOOLCHAIN from the Go module proxy" >&2
    rm -rf -- "$OUT/toolchain" "$OUT/toolchain.zip"
    twice "$OUT/toolchain.log" curl -fsSL -o "$OUT/toolchain.zip" \
      "https://proxy.golang.org/golang.org/toolchain/@v/$GO_TOOLCHAIN.zip"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      "$OUT/toolchain.zip" "$OUT/toolchain.unzipped"
    mv -- "$OUT/toolchain.unzipped/golang.org/toolchain@$GO_TOOLCHAIN" "$OUT/toolchain"
    chmod +x "$OUT"/toolchain/bin/* "$OUT"/toolchain/pkg/tool/*/*
    rm -rf -- "$OUT/toolchain.zip" "$OUT/toolchain.unzipped"
    GO=$(find_go) || { echo "setup: the fetched Go toolchain does not run" >&2; exit 1; }
  fi
  (cd "$HERE/go" && twice "$OUT/go.log" "$GO" build -o "$OUT/go/publish" .)
  echo "$GO" >"$OUT/go/go-binary"  # the docs test builds its Go program with the same Go
  echo "$go_stamp" >"$OUT/go/.complete"
fi
echo "setup: CloudEvents SDKs ready in $OUT (Python $("$OUT/python/bin/python" -c \
  'import importlib.metadata as m; print(m.version("cloudevents"))'), Java cloudevents-kafka 4.0.1,
  Go sdk-go v2)"
