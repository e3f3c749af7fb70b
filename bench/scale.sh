#!/usr/bin/env bash
# Scale: boxtrace tree and trace on a host with N extra processes in N/40 "containers" (each one its
# own cgroup under the unified hierarchy and its own pid namespace: `unshare --pid --fork`, a shell as
# its init and 39 sleeps), for N = 1000, 5000, 20000 by default (500 containers at 20,000).
#
# For each N:
#   - `boxtrace tree`: wall time (median of 3), CPU time (user+sys) and peak RSS, and where the time
#     went (BOXTRACE_DEBUG_TIMING: /proc scan, state and containers, render);
#   - `boxtrace trace --json --source ebpf`: the CPU it takes to start (snapshot of /proc, the check
#     after attaching), then, once it is idle again, a 4,000-exec storm: its CPU per event written.
#     The per-event figure must stay flat as N grows (nothing per event is O(n)); the start-up one
#     may grow with N (one scan of /proc).
# Each measurement runs under `flock /tmp/bench.lock` (the machine is shared); spawning does not.
#
# The extra processes live in the cgroup bt-perf-scale/c<i> and are reused: a size reuses the
# containers of the one before, a smaller size stops the extra ones. --keep leaves them running at the
# end (for the next run, which reuses them); --clean only stops them.
#
# usage: sudo bench/scale.sh [--keep] [N...]      sudo bench/scale.sh --clean
# results: bench/out/scale-<date>.md
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
keep=0; clean_only=0; sizes=()
for a in "$@"; do
  case "$a" in
    --keep) keep=1 ;;
    --clean) clean_only=1 ;;
    *) sizes+=("$a") ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000 20000)
[ "$(id -u)" -eq 0 ] || { echo "scale: run as root" >&2; exit 3; }
cg=/sys/fs/cgroup; [ -f "$cg/cgroup.controllers" ] || cg=/sys/fs/cgroup/unified
base="$cg/bt-perf-scale"
lock() { flock /tmp/bench.lock "$@"; }
lock_on() { exec 9>>/tmp/bench.lock; flock 9; }
lock_off() { flock -u 9; exec 9>&-; }

# cgroup files always have size 0 (test -s is false): read them.
has_procs() { [ -n "$(head -c1 "$1/cgroup.procs" 2>/dev/null)" ]; }

# Stops containers c$1 and up.
stop_from() {
  local d i
  for d in "$base"/c*; do [ -d "$d" ] || continue; i=${d##*/c}; [ "$i" -ge "$1" ] || continue
    if [ -f "$d/cgroup.kill" ]; then echo 1 >"$d/cgroup.kill"; else xargs -r kill -9 <"$d/cgroup.procs" 2>/dev/null || true; fi
  done
  for d in "$base"/c*; do [ -d "$d" ] || continue; i=${d##*/c}; [ "$i" -ge "$1" ] || continue
    for _ in $(seq 1 100); do has_procs "$d" || break; sleep 0.1; done
    rmdir "$d" 2>/dev/null || true
  done
}
if [ "$clean_only" -eq 1 ]; then stop_from 0; rmdir "$base" 2>/dev/null || true; exit 0; fi

work=$(mktemp -d)
tp=""
cleanup() {
  [ -n "$tp" ] && kill -TERM "$tp" 2>/dev/null && wait "$tp" 2>/dev/null || true
  if [ "$keep" -eq 0 ]; then stop_from 0; rmdir "$base" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
gcc -O2 -o "$work/storm" "$here/storm.c"
"$root/boxtrace" --version >/dev/null   # builds the jar and its start-up cache first
hz=$(getconf CLK_TCK)
mkdir -p "$base"

processes_in() { cat "$base"/c*/cgroup.procs 2>/dev/null | wc -l; }

# Exactly $1 containers c0..c$1-1, each an init, 39 sleeps and the unshare that made them (41 processes).
ensure() {
  local want=$1 i
  stop_from "$want"
  for ((i = 0; i < want; i++)); do
    has_procs "$base/c$i" && continue
    mkdir -p "$base/c$i"
    setsid sh -c "echo \$\$ > '$base/c$i/cgroup.procs'; exec unshare --pid --fork sh -c 'for j in \$(seq 39); do sleep 86400 & done; wait'" \
      </dev/null >/dev/null 2>&1 &
    disown # no "Killed" job notice for each when they are stopped
    # a few at a time, so the fork burst does not starve the machine's other users
    if [ $((i % 25)) -eq 24 ]; then sleep 0.3; fi
  done
  for _ in $(seq 1 600); do
    [ "$(processes_in)" -ge $((want * 40)) ] && break
    sleep 0.2
  done
  # the spawn's own work settles: at most a few runnable tasks for a second (30 s at most)
  for _ in $(seq 1 30); do
    r1=$(cut -d' ' -f4 /proc/loadavg | cut -d/ -f1); sleep 0.5; r2=$(cut -d' ' -f4 /proc/loadavg | cut -d/ -f1); sleep 0.5
    if [ "$r1" -le 3 ] && [ "$r2" -le 3 ]; then break; fi
  done
  return 0
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

report="$here/out/scale-$(date -u +%Y%m%dT%H%M%SZ).md"; mkdir -p "$here/out"
{
  echo "# scale: tree and trace with N extra processes in N/40 pid-namespace containers"
  echo
  echo "$(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores, $(awk '/MemTotal/ {printf "%d GB", $2 / 1048576}' /proc/meminfo)."
  echo
  echo "| extra processes | containers (shown by tree) | host processes | tree wall (median of 3) | tree CPU (median) | tree peak RSS | tree phases (scan / state+containers / render) | trace start-up CPU | trace events in storm | trace CPU µs / event | trace peak RSS | uptime |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$report"

for n in "${sizes[@]}"; do
  c=$((n / 40))
  ensure "$c"
  procs=$(ls /proc | grep -c '^[0-9]')
  up=$(uptime | sed 's/.*load average/load average/')

  walls=(); cpus=(); rss=0
  for r in 1 2 3; do
    lock /usr/bin/time -f "%e %U %S %M" -o "$work/t" env BOXTRACE_DEBUG_TIMING=1 "$root/boxtrace" tree \
      >"$work/tree.out" 2>"$work/tree.err"
    read -r w u s m <"$work/t"
    walls+=("$w"); cpus+=("$(echo "$u + $s" | bc)"); if [ "$m" -gt "$rss" ]; then rss=$m; fi
  done
  shown=$(grep -c '^c[0-9]' "$work/tree.out" || true)
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 2p)
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n 2p)
  phases=$(sed -n 's/.*scan \([0-9]*\) ms, state and containers \([0-9]*\) ms, render \([0-9]*\) ms.*/\1 \/ \2 \/ \3 ms/p' "$work/tree.err" | tail -1)

  # trace: start, wait until attached and idle (the start-up scans done), then the storm.
  lock_on
  "$root/boxtrace" trace --json --source ebpf -o "$work/trace.jsonl" 2>"$work/trace.err" 9>&- &
  tp=$!
  for _ in $(seq 1 600); do grep -q 'using the' "$work/trace.err" 2>/dev/null && break; sleep 0.1; done
  for _ in $(seq 1 120); do
    a=$(cpu_ticks "$tp"); sleep 0.5; b=$(cpu_ticks "$tp")
    [ $((b - a)) -le 1 ] && break
  done
  c0=$(cpu_ticks "$tp")
  "$work/storm" "SCALE$n" 0 2000 9>&- & s1=$!
  "$work/storm" "SCALE$n" 2000 2000 9>&-; wait "$s1"
  sleep 2
  c1=$(cpu_ticks "$tp")
  trss=$(awk '/^VmHWM/ {print $2}' "/proc/$tp/status")
  kill -TERM "$tp"; wait "$tp" 2>/dev/null || true; tp=""
  lock_off
  events=$(grep -c '"type":"\(fork\|exec\|exit\)"' "$work/trace.jsonl" || true)
  per=$(echo "scale=1; ($c1 - $c0) * 1000000 / $hz / $events" | bc)
  start=$(echo "scale=2; $c0 / $hz" | bc)
  echo "| $n | $c ($shown) | $procs | ${wall} s | ${cpu} s | $((rss / 1024)) MiB | $phases | ${start} s | $events | $per | $((trss / 1024)) MiB | $up |" >>"$report"
  echo "scale: $n done" >&2
done
cat "$report"
