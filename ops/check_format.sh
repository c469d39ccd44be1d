#!/usr/bin/env bash
# Fails (exit 1) when a C++ source of the repository differs from what clang-format makes of it
# with the repository's .clang-format; prints the offending lines. Run by the test command.
# `--fix` rewrites the files in place instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
  -h | --help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --fix) mode=(-i) ;;
  "") mode=(--dry-run --Werror) ;;
  *) echo "usage: ${0##*/} [--fix]" >&2; exit 2 ;;
esac
command -v clang-format >/dev/null || { echo "clang-format not found; run ops/setup.sh" >&2; exit 1; }

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cc' '*.h')
else
  mapfile -t files < <(find . -path ./build\* -prune -o \( -name '*.cc' -o -name '*.h' \) -print)
fi
((${#files[@]} > 0)) || { echo "no C++ sources found" >&2; exit 1; }
clang-format "${mode[@]}" "${files[@]}"
echo "clang-format: ${#files[@]} files ${mode[0]/--dry-run/checked}"
