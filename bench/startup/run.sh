#!/usr/bin/env bash
# Start-up benchmark: N starts of `docker run --rm IMAGE true`, each timed the same way
#   1. untraced,
#   2. while boxtrace traces the whole host with eBPF (`boxtrace trace --json -o /dev/null`, the same
#      kernel work `boxtrace run` does), to show boxtrace's own overhead on start-up time,
#   3. while `strace -f -tt` follows dockerd and containerd (the usual manual method),
# and compares the phases that both boxtrace (`boxtrace run --json`, N more starts) and strace can
# bound the same way: root filesystem switch (first unshare -> pivot_root) and user process exec
# (pivot_root -> exec of the user's program).
#
# usage: sudo bench/startup/run.sh [N]      results: bench/out/startup-<date>.md
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-10}
image=boxtrace-test/busybox:latest
out="$root/bench/out"; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null || true' EXIT
[ "$(id -u)" -eq 0 ] || { echo "startup bench: run as root" >&2; exit 3; }

start_once() {  # prints the wall time of one start in ms
  local t0 t1
  t0=$(date +%s%N); docker run --rm "$image" true >/dev/null; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))e-3 | awk '{printf "%.1f\n", $1}'
}
series() { for _ in $(seq 1 "$n"); do start_once; done > "$1"; }

docker run --rm "$image" true >/dev/null   # warm up
series "$work/untraced"

"$root/boxtrace" trace --json -o /dev/null 2>"$work/bt.err" & bt=$!
for _ in $(seq 1 100); do grep -q source "$work/bt.err" 2>/dev/null && break; sleep 0.1; done
series "$work/boxtrace"
kill -TERM $bt; wait $bt 2>/dev/null || true

strace -f -tt -e trace=execve,clone,clone3,unshare,setns,pivot_root -o "$work/strace.log" \
  -p "$(pgrep -xo dockerd)" -p "$(pgrep -xo containerd)" 2>/dev/null & st=$!
sleep 1
for i in $(seq 1 "$n"); do
  start_once >> "$work/strace"
done
kill -INT $st; wait $st 2>/dev/null || true

for i in $(seq 1 "$n"); do
  "$root/boxtrace" run --json "$work/run-$i.json" -- docker run --rm "$image" true >/dev/null 2>&1
done

python3 "$here/compare.py" "$work" "$n" > "$out/startup-$(date -u +%Y%m%dT%H%M%SZ).md"
cat "$out"/startup-*.md | tail -n 20
