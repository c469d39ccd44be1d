#!/usr/bin/env bash
# Fails (exit 1) when clang-tidy (.clang-tidy: bugprone, performance, naming) finds anything in
# the product's C++ sources (not tests, fuzzers or benchmarks). Needs a build directory with
# compile_commands.json. Run by the test command.
# Usage: ops/check_tidy.sh BUILD_DIR [FILE...]   (files: all product sources when none)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
  -h | --help | "") sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; [[ -n "${1:-}" ]]; exit $? ;;
esac
build=$1
shift
[[ -f "$build/compile_commands.json" ]] || { echo "no $build/compile_commands.json" >&2; exit 1; }
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
[[ -n "$tidy" ]] || { echo "clang-tidy not found; run ops/setup.sh" >&2; exit 1; }

if (($# > 0)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files '*.cc' | grep -vE '^(tests|fuzz|bench)/')
fi
# Two at a time (the machine's cores); each prints its findings, the first failure fails all.
# (clang-tidy's "N warnings generated" counts what its filters then drop: not findings.)
printf '%s\n' "${files[@]}" | xargs -P 2 -n 4 "$tidy" -p "$build" --quiet \
  2> >(grep -v ' warnings\? generated\.$' >&2)
echo "clang-tidy: ${#files[@]} files checked"
