#!/usr/bin/env bash
# Memory of boxtrace's commands, idle and during an exec storm, and where it is: RSS by mapping
# (bench/mem_parts.py smaps: AOT cache, libjvm.so, eBPF ring buffer, other files, anonymous) and the
# JVM's own accounting by NMT (-XX:NativeMemoryTracking=summary: heap, metaspace, code cache, threads, …).
#
# Each of `trace`, `record` and `agent` runs twice through ./boxtrace: once as it is (the RSS and peak
# RSS figures) and once with NMT on (the parts; NMT itself costs a little memory). Per run: started,
# attached, IDLE seconds idle (RSS and parts), then TOTAL execs of /bin/true from 2 parallel forkers
# (bench/storm.c) until drained (parts after, and VmHWM: the peak over the whole run). `tree` runs once
# on the idle host and once during a storm (peak RSS from /usr/bin/time, NMT at exit).
#
# usage: sudo bench/memory.sh [TOTAL] [COMMANDS...]   defaults: 20000, trace record agent tree
#   IDLE=SECONDS (default 10); BOXTRACE_JAVA_OPTS is passed on (A/B of JVM flags)
# Results: bench/out/memory-<date>.md (and on stdout). Run under `flock /tmp/bench.lock` on a shared host.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
total=${1:-20000}
shift || true
commands=("$@")
[ ${#commands[@]} -gt 0 ] || commands=(trace record agent tree)
idle=${IDLE:-10}
[ "$(id -u)" -eq 0 ] || { echo "memory: run as root (the tracers need it)" >&2; exit 3; }
java_home=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* | head -1)}
"$root/boxtrace" --version >/dev/null   # builds the jar and the AOT cache when needed: not measured

work=$(mktemp -d)
out="$here/out"; mkdir -p "$out"
gcc -O2 -o "$work/storm" "$here/storm.c"
half=$((total / 2))
nmt_opts="-XX:NativeMemoryTracking=summary"
user_opts=${BOXTRACE_JAVA_OPTS:-}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# The agent's OTLP/HTTP collector: a loopback sink that answers 200 to everything.
oport=$(free_port)
python3 - "$oport" >/dev/null 2>&1 <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
PY
pids+=($!)

storm() {  # TAG: TOTAL execs from two forkers, waits for them
  "$work/storm" "$1" 0 "$half" & local a=$!
  "$work/storm" "$1" "$half" $((total - half)) & local b=$!
  wait $a $b
}
mib() { awk -v k="$1" '$1 == k":" {printf "%.1f", $2 / 1024}' "/proc/$2/status"; }

start() {  # COMMAND OUTPUT OPTS: starts ./boxtrace COMMAND writing OUTPUT; sets pid (the JVM: the launcher execs it)
  local mport
  case "$1" in
    trace)  BOXTRACE_JAVA_OPTS="$3" "$root/boxtrace" trace --json --source ebpf -o "$2" 2>"$2.err" & pid=$! ;;
    record) BOXTRACE_JAVA_OPTS="$3" "$root/boxtrace" record -o "$2" 2>"$2.err" & pid=$! ;;
    agent)  mport=$(free_port)
            BOXTRACE_JAVA_OPTS="$3" "$root/boxtrace" agent --metrics "127.0.0.1:$mport" \
              --otlp-endpoint "http://127.0.0.1:$oport" --output "$2" --rotate-size 50M --keep 2 2>"$2.err" & pid=$!
            # scraped every second, as a Prometheus would
            ( while sleep 1; do curl -s "127.0.0.1:$mport/metrics" >/dev/null || true; done ) & pids+=($!) ;;
  esac
  pids+=("$pid")
  for _ in $(seq 1 300); do
    grep -q "using the" "$2.err" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "memory: $1 did not start: $(cat "$2.err")" >&2; exit 1; }
    sleep 0.1
  done
  echo "memory: $1 did not attach in 30 s" >&2; exit 1
}

drained() {  # OUTPUT TAG: waits until both forkers' last exec is in the output (at most 120 s)
  for _ in $(seq 1 600); do
    grep -qF "$2-$((half - 1))" "$1"* 2>/dev/null && grep -qF "$2-$((total - 1))" "$1"* 2>/dev/null && return 0
    sleep 0.2
  done
  echo "memory: not drained after 120 s" >&2
}

nmt_now() { "$java_home/bin/jcmd" "$1" VM.native_memory summary | python3 "$here/mem_parts.py" nmt; }

rows=()
measure_daemon() {  # COMMAND
  local cmd=$1 o="$work/$1.jsonl" tag="MEM$$$1" idle_rss idle_parts peak after_parts nmt_idle nmt_after lost
  # plain run: RSS as a user sees it
  start "$cmd" "$o" "$user_opts"
  sleep "$idle"
  idle_rss=$(mib VmRSS "$pid"); idle_parts=$(python3 "$here/mem_parts.py" smaps "$pid")
  storm "$tag"; drained "$o" "$tag"; sleep 1
  peak=$(mib VmHWM "$pid"); after_parts=$(python3 "$here/mem_parts.py" smaps "$pid")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  lost=$(grep -o "[0-9,]* lost\|none lost" "$o.err" | head -1 || true)
  rm -f "$o"*
  # NMT run: the parts
  start "$cmd" "$o" "$user_opts $nmt_opts"
  sleep "$idle"
  nmt_idle=$(nmt_now "$pid")
  storm "${tag}N"; drained "$o" "${tag}N"; sleep 1
  nmt_after=$(nmt_now "$pid")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$o"*
  rows+=("| \`$cmd\` idle ${idle} s | $idle_rss | | $idle_parts | $nmt_idle |")
  rows+=("| \`$cmd\` after the storm | | **$peak** | $after_parts | $nmt_after |")
  rows+=("| | $cmd: ${lost:-?} | | | |")
}

measure_tree() {
  local t="$work/tree.time" peak_idle peak_storm nmt_idle nmt_storm
  BOXTRACE_JAVA_OPTS="$user_opts" /usr/bin/time -f %M -o "$t" "$root/boxtrace" tree >/dev/null
  peak_idle=$(awk '{printf "%.1f", $1 / 1024}' "$t")
  nmt_idle=$(BOXTRACE_JAVA_OPTS="$user_opts $nmt_opts -XX:+UnlockDiagnosticVMOptions -XX:+PrintNMTStatistics" \
    "$root/boxtrace" tree | python3 "$here/mem_parts.py" nmt)
  storm "MEM$$tree" & local s=$!
  sleep 1
  BOXTRACE_JAVA_OPTS="$user_opts" /usr/bin/time -f %M -o "$t" "$root/boxtrace" tree >/dev/null
  peak_storm=$(awk '{printf "%.1f", $1 / 1024}' "$t")
  nmt_storm=$(BOXTRACE_JAVA_OPTS="$user_opts $nmt_opts -XX:+UnlockDiagnosticVMOptions -XX:+PrintNMTStatistics" \
    "$root/boxtrace" tree | python3 "$here/mem_parts.py" nmt)
  wait $s
  rows+=("| \`tree\` ($(ls /proc | grep -c '^[0-9]') processes) | | **$peak_idle** | | $nmt_idle |")
  rows+=("| \`tree\` during the storm | | **$peak_storm** | | $nmt_storm |")
}

storm "WARM$$"   # page cache and fork path warm
for c in "${commands[@]}"; do
  echo "memory: $c..." >&2
  case "$c" in tree) measure_tree ;; trace|record|agent) measure_daemon "$c" ;; *) echo "memory: unknown command $c" >&2; exit 2 ;; esac
done

report="$out/memory-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# boxtrace memory: idle and during a storm of $total execs"
  echo
  echo "$(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores, $(ls /proc | grep -c '^[0-9]') processes; $(uptime)"
  echo "JVM options added: ${user_opts:-none}. MiB. RSS and peak from /proc/PID/status (run without NMT);"
  echo "parts by mapping from smaps (same run); NMT committed from a second run with NMT on."
  echo
  echo "| run | RSS | peak RSS | parts (smaps) | NMT committed |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$report"
