#!/usr/bin/env bash
# Exec-storm benchmark: TOTAL execs of "/bin/true TAG-i" from 2 parallel forkers, run untraced and
# then under each tracer in turn, in the same run. For each tracer it reports the share of the
# storm's execs captured, the share with exactly the right argv, the workload's slowdown against
# the untraced run, the tracer's CPU time per exec of the storm (user+sys of the tracer's own process
# while the storm ran and it drained, divided by the storm's exec count) and its peak RSS.
#
# usage: sudo bench/exec-storm.sh [TOTAL] [TOOLS...]
#   TOTAL defaults to 20000; TOOLS default to every runnable one of:
#   boxtrace-ebpf boxtrace-netlink forkstat bpftrace-count bpftrace-execsnoop libbpf-execsnoop execsnoop-bpfcc
# Results: bench/out/exec-storm-<date>.md (and on stdout).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
total=${1:-20000}
shift || true
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(boxtrace-ebpf boxtrace-netlink forkstat bpftrace-count bpftrace-execsnoop libbpf-execsnoop execsnoop-bpfcc)
[ "$(id -u)" -eq 0 ] || { echo "exec-storm: run as root (the tracers need it)" >&2; exit 3; }

out="$here/out"; mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/storm" "$here/storm.c"
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
half=$((total / 2))

# Runs the storm once; prints its wall time in seconds.
storm() {
  local tag=$1 t0 t1
  t0=$(date +%s%N)
  "$work/storm" "$tag" 0 "$half" & local a=$!
  "$work/storm" "$tag" "$half" $((total - half)) & local b=$!
  wait $a $b
  t1=$(date +%s%N)
  echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}

# CPU ticks (utime+stime) of a process and its threads, and its peak RSS in KiB.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

start_tool() {  # sets tool_pid; output to $1
  local name=$2
  case "$name" in
    boxtrace-ebpf)     "$root/boxtrace" trace --json --source ebpf -o "$1" 2>"$1.err" & ;;
    boxtrace-netlink)  "$root/boxtrace" trace --json --source netlink -o "$1" 2>"$1.err" & ;;
    forkstat)          forkstat -e exec >"$1" 2>"$1.err" & ;;
    bpftrace-count)    bpftrace -e 'tracepoint:sched:sched_process_exec { @execs = count(); }' >"$1" 2>"$1.err" & ;;
    bpftrace-execsnoop) bpftrace /usr/sbin/execsnoop.bt >"$1" 2>"$1.err" & ;;
    libbpf-execsnoop)  stdbuf -oL /usr/sbin/execsnoop >"$1" 2>"$1.err" & ;;
    execsnoop-bpfcc)   execsnoop-bpfcc >"$1" 2>"$1.err" & ;;
  esac
  tool_pid=$!
}

# Waits until the tool has attached (its output or stderr shows life) or it died.
wait_ready() {
  local pid=$1 file=$2 name=$3
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || return 1
    case "$name" in
      boxtrace-*) grep -q 'source' "$file.err" 2>/dev/null && { sleep 1; return 0; } ;;
      bpftrace-*) grep -q 'Attaching' "$file" "$file.err" 2>/dev/null && { sleep 1; return 0; } ;;
      *) [ -s "$file" ] && { sleep 1; return 0; } ;;
    esac
    sleep 0.2
  done
  sleep 1
  kill -0 "$pid" 2>/dev/null
}

echo "exec-storm: $total execs from 2 forkers on $(nproc) cores, kernel $(uname -r)" >&2
base=$(storm "WARMUP$$")  # warm the page cache and the fork path
base=$(storm "BASE$$")
echo "untraced: ${base}s" >&2

report="$out/exec-storm-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# exec storm: $total execs of /bin/true TAG-i from 2 parallel forkers"
  echo
  echo "$(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores. Untraced storm: ${base} s."
  echo
  echo "| tool | captured | argv exact | slowdown | tool CPU µs per exec | peak RSS MiB | note |"
  echo "|---|---|---|---|---|---|---|"
} >"$report"

hz=$(getconf CLK_TCK)
for name in "${tools[@]}"; do
  file="$work/$name.out"
  tag="T$$x${name//-/}"
  start_tool "$file" "$name"
  if ! wait_ready "$tool_pid" "$file" "$name"; then
    note=$(tail -1 "$file.err" 2>/dev/null | tr '|' '/' | cut -c1-120)
    echo "| $name | - | - | - | - | - | not runnable here: ${note:-exited} |" >>"$report"
    echo "$name: not runnable: $note" >&2
    continue
  fi
  # For wrapper scripts (bpftrace, python), the tracer is the process itself; for boxtrace the launcher execs java.
  c0=$(cpu_ticks "$tool_pid")
  secs=$(storm "$tag")
  sleep 2  # let the tool drain what it buffered
  c1=$(cpu_ticks "$tool_pid")
  rss=$(peak_rss "$tool_pid")
  kill -INT "$tool_pid" 2>/dev/null || true
  wait "$tool_pid" 2>/dev/null || true
  read -r captured correct < <(python3 "$here/analyse.py" "$name" "$file" "$tag" "$total")
  if [ "$name" = bpftrace-count ]; then
    captured=$(grep -o '@execs: [0-9]*' "$file" | awk '{print $2}'); correct="-"
    note="count only (includes other execs on the host)"
  else
    note=""
  fi
  lost=$(grep -o '"lost":[0-9]*' "$file" 2>/dev/null | tail -1 | cut -d: -f2 || true)
  [ -n "$lost" ] && note="lost reported: $lost"
  slow=$(echo "scale=3; $secs / $base" | bc)
  # CPU per exec of the storm: the same denominator for every tool, whatever it managed to capture.
  cpu_us=$(echo "scale=1; ($c1 - $c0) * 1000000 / $hz / $total" | bc)
  pct() { [ "$1" = "-" ] && echo "-" || echo "$(echo "scale=2; 100 * $1 / $total" | bc)%"; }
  echo "| $name | $(pct "$captured") | $(pct "$correct") | ${slow}x | $cpu_us | $((rss / 1024)) | $note |" >>"$report"
  echo "$name: captured $captured, argv exact $correct, storm ${secs}s" >&2
done
cat "$report"
