#!/usr/bin/env bash
# Scale: boxtrace tree and trace on a host with N extra processes in N/40 "containers" (each one its
# own cgroup under the unified hierarchy and its own pid namespace: `unshare --pid --fork`, a shell as
# its init and 39 sleeps), for N = 1000, 5000, 20000 by default (500 containers at 20,000).
#
# For each N: `boxtrace tree` wall time (median of 3), its CPU time (user+sys) and peak RSS; then
# `boxtrace trace --json` while a 4,000-exec storm runs, and the tracer's CPU time per event it wrote,
# so the per-event cost is visible as the table grows (it must stay flat: nothing per event is O(n)).
#
# usage: sudo bench/scale.sh [N...]      results: bench/out/scale-<date>.md
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000 20000)
[ "$(id -u)" -eq 0 ] || { echo "scale: run as root" >&2; exit 3; }
cg=/sys/fs/cgroup; [ -f "$cg/cgroup.controllers" ] || cg=/sys/fs/cgroup/unified
base="$cg/bt-perf-scale-$$"
work=$(mktemp -d)
gcc -O2 -o "$work/storm" "$here/storm.c"
"$root/boxtrace" --version >/dev/null   # builds the jar and its start-up cache first
hz=$(getconf CLK_TCK)

stop_all() {
  for d in "$base"/c*; do [ -d "$d" ] || continue
    if [ -f "$d/cgroup.kill" ]; then echo 1 >"$d/cgroup.kill"; else xargs -r kill -9 <"$d/cgroup.procs" 2>/dev/null || true; fi
  done
  for d in "$base"/c*; do [ -d "$d" ] || continue
    for _ in $(seq 1 50); do [ -s "$d/cgroup.procs" ] || break; sleep 0.1; done
    rmdir "$d" 2>/dev/null || true
  done
}
cleanup() { stop_all; rmdir "$base" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$base"

# Starts containers c$from..c$((to-1)), each with 40 processes.
spawn() {
  local i
  for ((i = $1; i < $2; i++)); do
    mkdir -p "$base/c$i"
    sh -c "echo \$\$ > '$base/c$i/cgroup.procs'; exec unshare --pid --fork sh -c 'for j in \$(seq 39); do sleep 3600 & done; wait'" \
      </dev/null >/dev/null 2>&1 &
    disown
  done
  wait_for $(( $2 * 40 ))
}
wait_for() {  # until the containers hold $1 processes
  for _ in $(seq 1 600); do
    [ "$(cat "$base"/c*/cgroup.procs 2>/dev/null | wc -l)" -ge "$1" ] && return 0
    sleep 0.2
  done
  echo "scale: only $(cat "$base"/c*/cgroup.procs | wc -l) of $1 processes started" >&2
}

report="$here/out/scale-$(date -u +%Y%m%dT%H%M%SZ).md"; mkdir -p "$here/out"
{
  echo "# scale: tree and trace with N extra processes in N/40 pid-namespace containers"
  echo
  echo "$(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| extra processes | containers | host processes | tree wall (median of 3) | tree CPU | tree peak RSS | trace events | trace CPU µs / event | trace peak RSS |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$report"

have=0
for n in "${sizes[@]}"; do
  c=$((n / 40))
  spawn "$have" "$c"; have=$c
  procs=$(ls /proc | grep -c '^[0-9]')
  walls=(); cpu=0; rss=0
  for r in 1 2 3; do
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$root/boxtrace" tree >"$work/tree.out" 2>/dev/null
    read -r w u s m <"$work/t"
    walls+=("$w"); cpu=$(echo "$u + $s" | bc); [ "$m" -gt "$rss" ] && rss=$m
  done
  shown=$(grep -c '^c[0-9]' "$work/tree.out" || true)
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 2p)

  "$root/boxtrace" trace --json -o "$work/trace.jsonl" 2>"$work/trace.err" &
  tp=$!
  for _ in $(seq 1 300); do grep -q 'using the' "$work/trace.err" 2>/dev/null && break; sleep 0.2; done
  sleep 1
  c0=$(awk '{print $14 + $15}' "/proc/$tp/stat")
  "$work/storm" "SCALE$n" 0 2000 & s1=$!
  "$work/storm" "SCALE$n" 2000 2000; wait "$s1"
  sleep 2
  c1=$(awk '{print $14 + $15}' "/proc/$tp/stat")
  trss=$(awk '/^VmHWM/ {print $2}' "/proc/$tp/status")
  kill -TERM "$tp"; wait "$tp" 2>/dev/null || true
  events=$(grep -c '"type":"\(fork\|exec\|exit\)"' "$work/trace.jsonl" || true)
  per=$(echo "scale=1; ($c1 - $c0) * 1000000 / $hz / $events" | bc)
  echo "| $n | $c ($shown shown by tree) | $procs | ${wall} s | ${cpu} s | $((rss / 1024)) MiB | $events | $per | $((trss / 1024)) MiB |" >>"$report"
  echo "scale: $n done" >&2
done
cat "$report"
