#!/usr/bin/env bash
# Compiles boxtrace-debug, the helper process of `boxtrace debug` (see docs/debug.md), into the jar.
# Called by Maven (generate-resources) with the output directory. Without a C compiler or libc
# headers it warns and builds nothing: `boxtrace debug` then says the helper is missing (exit 3).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR}/io/boxtrace/debug
mkdir -p "$out"
cc=""
for c in "${CC:-}" cc gcc clang; do
  if [ -n "$c" ] && command -v "$c" >/dev/null; then cc=$c; break; fi
done
if [ -z "$cc" ] || [ ! -r /usr/include/stdio.h ]; then
  echo "[WARNING] boxtrace-debug helper not built: missing a C compiler or libc6-dev" >&2
  echo "missing a C compiler or libc6-dev at build time" >"$out/HELPER-UNAVAILABLE"
  rm -f "$out/boxtrace-debug"
  exit 0
fi
rm -f "$out/HELPER-UNAVAILABLE"
newest=$(ls -t "$src"/*.c "$src"/*.h | head -1)
if [ ! -f "$out/boxtrace-debug" ] || [ "$newest" -nt "$out/boxtrace-debug" ]; then
  "$cc" -O2 -Wall -Wextra -Werror -o "$out/boxtrace-debug" "$src"/helper.c "$src"/mounts.c "$src"/session.c
  strip "$out/boxtrace-debug" 2>/dev/null || true
fi
