#!/usr/bin/env bash
# Readiness of a host-wide trace: how long after launch `boxtrace trace` catches an exec, and where
# the time goes (BOXTRACE_DEBUG_TIMING: launcher+JVM to main, main to session, runtime watch, /proc
# snapshot, attach left after the background load). A marker `/bin/true` is exec'd every 20 ms from
# the launch on; the first marker in the trace gives the time to the first caught exec.
#
# usage: sudo bench/attach-time.sh [RUNS]      default 5; results on stdout
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${1:-5}
"$root/boxtrace" --version >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
echo "$(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$runs"); do
  : >"$work/markers"
  t0=$(date +%s%N)
  BOXTRACE_DEBUG_TIMING=1 "$root/boxtrace" trace --json -o "$work/t.jsonl" 2>"$work/err" &
  bt=$!
  for i in $(seq 0 250); do
    echo "$i $(date +%s%N)" >>"$work/markers"
    /bin/true "bt-attach-$r-$i"
    grep -q "ready after" "$work/err" 2>/dev/null && [ "$i" -gt 0 ] && { sleep 0.3; break; }
    sleep 0.02
  done
  kill -TERM "$bt"; wait "$bt" || true
  first=$(grep -o "\"bt-attach-$r-[0-9]*\"" "$work/t.jsonl" | head -1 | tr -dc '0-9-' | awk -F- '{print $NF}')
  ready=$(grep -o "ready after.*" "$work/err" || echo "no timing line")
  if [ -n "$first" ]; then
    at=$(awk -v i="$first" '$1 == i {print $2}' "$work/markers")
    echo "run $r: first exec caught $(( (at - t0) / 1000000 )) ms after launch; $ready"
  else
    echo "run $r: no marker caught; $ready"
  fi
done
