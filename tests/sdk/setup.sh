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
stamp() { cat "$@" | sha256sum | cut -d' ' -f1; }
fresh() { [[ -f "$1/.complete" && "$(<"$1/.complete")" == "$2" ]]; }

PY_INPUTS="cloudevents==2.2.0 confluent-kafka==2.16.1"
py_stamp=$(echo "$PY_INPUTS" | sha256sum | cut -d' ' -f1)
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
go_stamp=$(stamp "$HERE"/go/go.mod "$HERE"/go/go.sum "$HERE"/go/*.go)
if ! fresh "$OUT/go" "$go_stamp"; then
  rm -rf -- "$OUT/go"
  mkdir -p -- "$OUT/go"
  (cd "$HERE/go" && twice "$OUT/go.log" go build -o "$OUT/go/publish" .)
  echo "$go_stamp" >"$OUT/go/.complete"
fi
echo "setup: CloudEvents SDKs ready in $OUT (Python $("$OUT/python/bin/python" -c \
  'import importlib.metadata as m; print(m.version("cloudevents"))'), Java cloudevents-kafka 4.0.1,
  Go sdk-go v2)"
