#!/usr/bin/env bash
# The agent's own cost on a node: CPU and memory of `boxtrace agent` with every output on
# (metrics served and scraped every second, OTLP to a local sink that accepts and discards, JSON
# lines rotated at 10 MiB), first idle for IDLE seconds, then under an exec storm of TOTAL execs of
# /bin/true from 2 parallel forkers (bench/storm.c), until it has drained.
# Reports CPU (user+sys of the agent's process, as % of one core) and RSS (now and peak).
#
# usage: sudo bench/agent.sh [IDLE_SECONDS] [TOTAL]     (defaults 30 and 20000)
# Results: bench/out/agent-<date>.md (and on stdout). Runs the jar with ./boxtrace's JVM options.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
idle=${1:-30}
total=${2:-20000}
[ "$(id -u)" -eq 0 ] || { echo "agent bench: run as root" >&2; exit 3; }
java_home=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* | head -1)}
jar=$root/target/boxtrace.jar
[ -f "$jar" ] || (cd "$root" && JAVA_HOME=$java_home mvn -B -q -DskipTests package)
work=$(mktemp -d)
out="$here/out"; mkdir -p "$out"
gcc -O2 -o "$work/storm" "$here/storm.c"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mport=$(free_port); oport=$(free_port)

# An OTLP/HTTP sink on loopback that answers 200 to everything (the collector's side is not measured).
python3 - "$oport" >"$work/otlp.log" 2>&1 <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.send_response(200); self.send_header('Content-Type', 'application/x-protobuf')
        self.send_header('Content-Length', '0'); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
PY
otlp=$!

"$java_home/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms16m -Xmx512m \
  -Xss512k -jar "$jar" agent --metrics "127.0.0.1:$mport" --otlp-endpoint "http://127.0.0.1:$oport" \
  --output "$work/events.jsonl" --rotate-size 50M --keep 2 2>"$work/agent.err" &
agent=$!
cleanup() { kill "$agent" "$otlp" "${scraper:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
until grep -q "using the" "$work/agent.err"; do sleep 0.2; kill -0 "$agent" || { cat "$work/agent.err"; exit 1; }; done
# a scrape every second, as a Prometheus would
( while true; do curl -s "127.0.0.1:$mport/metrics" >/dev/null; sleep 1; done ) & scraper=$!

hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$agent/stat"; }
rss() { awk '/^VmRSS/{print int($2/1024)}' "/proc/$agent/status"; }
hwm() { awk '/^VmHWM/{print int($2/1024)}' "/proc/$agent/status"; }
events() { curl -s "127.0.0.1:$mport/metrics" | awk '/^boxtrace_events_total/{s+=$2} END{printf "%d", s}'; }

sleep 5 # start-up (snapshot, JIT) is not idle
t0=$(ticks); s0=$(date +%s%N)
sleep "$idle"
t1=$(ticks); s1=$(date +%s%N)
idle_cpu=$(echo "scale=2; 100 * ($t1 - $t0) / $hz / (($s1 - $s0) / 1000000000)" | bc)
idle_rss=$(rss)

e0=$(events); t0=$(ticks); s0=$(date +%s%N)
half=$((total / 2))
"$work/storm" "AGENTBENCH$$" 0 "$half" & a=$!
"$work/storm" "AGENTBENCH$$" "$half" $((total - half)) & b=$!
wait $a $b
storm_end=$(date +%s%N)
# drained: the agent has written each forker's last exec (the event count never stops moving on a
# shared host, so it cannot tell), or 300 s passed
tag=AGENTBENCH$$
last_a="\"$tag-$((half - 1))\""; last_b="\"$tag-$((total - 1))\""
for _ in $(seq 1 300); do
  if grep -qF "$last_a" "$work"/events.jsonl* && grep -qF "$last_b" "$work"/events.jsonl*; then break; fi
  sleep 1
done
cur=$(events)
t1=$(ticks); s1=$(date +%s%N)
load_cpu=$(echo "scale=1; 100 * ($t1 - $t0) / $hz / (($s1 - $s0) / 1000000000)" | bc)
storm_s=$(echo "scale=2; ($storm_end - $s0) / 1000000000" | bc)
per_event=$(echo "scale=1; 1000000 * ($t1 - $t0) / $hz / ($cur - $e0)" | bc)
load_rss=$(rss); peak=$(hwm)
kill -TERM "$agent"; wait "$agent" || true
summary=$(grep -E "events from|OTLP" "$work/agent.err" | tr '\n' ' ')

report=$out/agent-$(date -u +%Y%m%d-%H%M).md
{
  echo "# boxtrace agent cost, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, kernel $(uname -r)"
  echo
  echo "outputs: metrics scraped every 1 s, OTLP http/protobuf to a local sink, JSON lines rotated at 50 MiB"
  echo
  echo "| phase | CPU (% of one core) | RSS MiB | peak RSS MiB |"
  echo "|---|---|---|---|"
  echo "| idle ${idle} s | $idle_cpu | $idle_rss | |"
  echo "| storm of $total execs ($storm_s s) and drain | $load_cpu | $load_rss | $peak |"
  echo
  echo "events during the storm and drain (the whole host, other work included): $((cur - e0)); CPU per event: $per_event µs"
  echo
  echo "agent summary: $summary"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$report"
