#!/usr/bin/env bash
# The eBPF program's own cost per exec, measured by the kernel (kernel.bpf_stats_enabled: run time
# and run count of every program), while boxtrace traces a fixed exec storm. Unlike wall-clock
# slowdowns this does not move with the load of a shared machine: it counts only the time spent
# inside boxtrace's programs. Compare two builds by giving two checkouts.
#
# usage: sudo bench/exit-cost.sh [TOTAL] [CHECKOUT...]   (default: this checkout)
# Results: bench/out/exit-cost-<date>.md (and on stdout).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
total=${1:-20000}
shift || true
checkouts=("$@")
[ ${#checkouts[@]} -gt 0 ] || checkouts=("$(cd "$here/.." && pwd)")
[ "$(id -u)" -eq 0 ] || { echo "exit-cost: run as root" >&2; exit 3; }
command -v bpftool >/dev/null || { echo "exit-cost: needs bpftool" >&2; exit 3; }
work=$(mktemp -d)
prev=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$prev" > /proc/sys/kernel/bpf_stats_enabled; rm -rf "$work"' EXIT
gcc -O2 -o "$work/storm" "$here/storm.c"
mkdir -p "$here/out"
report="$here/out/exit-cost-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# eBPF cost per exec: $total execs of /bin/true from 2 forkers, $(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores"
  echo
  echo "| checkout | program | runs | ns per run | ns per storm exec |"
  echo "|---|---|---|---|---|"
} >"$report"
for co in "${checkouts[@]}"; do
  jar="$co/target/boxtrace.jar"
  [ -f "$jar" ] || { echo "exit-cost: $jar missing: build that checkout first" >&2; exit 1; }
  java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
  # Other tracers (other boxtraces) may be loaded: ours are the programs that appear after our start.
  bpftool -j prog show > "$work/preexisting.json"
  "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" trace --json --source ebpf -o /dev/null 2>"$work/err" &
  pid=$!
  for _ in $(seq 1 100); do grep -q source "$work/err" 2>/dev/null && break; sleep 0.2; done
  sleep 1
  echo 1 > /proc/sys/kernel/bpf_stats_enabled
  bpftool -j prog show > "$work/before.json"
  half=$((total / 2))
  "$work/storm" "EC$$" 0 "$half" & a=$!
  "$work/storm" "EC$$" "$half" $((total - half)) & b=$!
  wait $a $b
  bpftool -j prog show > "$work/after.json"
  echo 0 > /proc/sys/kernel/bpf_stats_enabled
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$work/before.json" "$work/after.json" "$co" "$total" "$work/preexisting.json" >>"$report" <<'PY'
import json, sys
old = {p["id"] for p in json.load(open(sys.argv[5]))}
before = {p["id"]: p for p in json.load(open(sys.argv[1])) if p["id"] not in old}
after = json.load(open(sys.argv[2]))
co, total = sys.argv[3], int(sys.argv[4])
rows, all_ns = [], 0
for p in after:
    name = p.get("name", "")
    if not name.startswith("on_") or p["id"] not in before:
        continue
    runs = p.get("run_cnt", 0) - before[p["id"]].get("run_cnt", 0)
    ns = p.get("run_time_ns", 0) - before[p["id"]].get("run_time_ns", 0)
    if runs <= 0:
        continue
    all_ns += ns
    rows.append((name, runs, ns))
for name, runs, ns in sorted(rows):
    print(f"| {co} | {name} | {runs} | {ns / runs:.0f} | {ns / total:.0f} |")
print(f"| {co} | **all** | | | **{all_ns / total:.0f}** |")
PY
done
cat "$report"
