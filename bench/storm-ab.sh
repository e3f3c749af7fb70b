#!/usr/bin/env bash
# A/B of `trace --json -o` between checkouts (e.g. a git worktree of an older commit and this one),
# with libbpf-tools execsnoop alongside: each repetition runs each checkout's tracer, then execsnoop,
# through the same N-exec storm of /bin/true from 2 forkers, and prints the tracer's own CPU time per
# exec of the storm and its peak RSS. Alternating cancels most of a busy machine's drift.
#
# usage: sudo bench/storm-ab.sh N REPS CHECKOUT...     e.g. bench/storm-ab.sh 20000 3 /work/old "$PWD"
# Each checkout must have built its jar and cache once (run its ./boxtrace tree first).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=$1; reps=$2; shift 2
[ "$(id -u)" -eq 0 ] || { echo "storm-ab: run as root" >&2; exit 3; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/storm" "$here/storm.c"
for rep in $(seq 1 "$reps"); do
  for v in "$@" execsnoop; do
    if [ "$v" = execsnoop ]; then
      stdbuf -oL /usr/sbin/execsnoop >"$work/out" 2>/dev/null & tp=$!; sleep 3; pid=$tp
    else
      (cd "$v" && exec ./boxtrace trace --json -o "$work/out.json" --source ebpf >"$work/err" 2>&1) & tp=$!
      for _ in $(seq 1 100); do grep -q source "$work/err" 2>/dev/null && break; sleep 0.2; done; sleep 1
      pid=$(pgrep -f "$v/target/boxtrace.jar trace" | head -1)
    fi
    c0=$(awk '{print $14+$15}' "/proc/$pid/stat")
    "$work/storm" "AB$rep" 0 $((n / 2)) & a=$!; "$work/storm" "AB$rep" $((n / 2)) $((n - n / 2)) & b=$!
    wait $a $b; sleep 2
    c1=$(awk '{print $14+$15}' "/proc/$pid/stat"); hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    kill -TERM "$pid"; wait "$tp" 2>/dev/null || true
    echo "rep $rep $v: $(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) / n )) us CPU per exec, peak RSS $((hwm / 1024)) MiB, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
