#!/usr/bin/env bash
# Soak: is boxtrace flat over time? Runs `boxtrace record` of the whole host for DURATION seconds while
# the host churns: continuous execs (paced, ~300-400 a second, so pids wrap around pid_max every few
# minutes) and a container started every 2 s that lives 3 s (docker run --rm, image
# boxtrace-test/busybox:latest). Samples the recorder's RSS every 10 s, then stops the churn, lets the
# table's 5 s grace period pass, and stops the recorder.
#
# Reports (bench/out/soak-<date>/: rss.csv, rss.png, summary.md, summary.json):
#   - RSS growth after warm-up: median of the last 3 samples against the median of the 3 samples right
#     after warm-up (default warm-up: the first 20 % of the run, at least 60 s); target <= 5 %
#   - events and lost events (from the recording's summary line); target 0 lost
#   - the process table's and container registry's sizes at start and at end (BOXTRACE_DEBUG_SIZES):
#     after the churn they must be back to the start's (live processes, containers, pid namespaces)
#   - how many times pids wrapped around
#
# usage: sudo bench/soak.sh [DURATION_SECONDS]      default 1800 (30 min); not run by CI
#   SOAK_WARMUP=SECONDS overrides the warm-up.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
duration=${1:-1800}
[ "$(id -u)" -eq 0 ] || { echo "soak: run as root (the tracer needs it)" >&2; exit 3; }
warmup=${SOAK_WARMUP:-$(( duration / 5 > 60 ? duration / 5 : 60 ))}
image=boxtrace-test/busybox:latest
docker image inspect "$image" >/dev/null 2>&1 || { echo "soak: needs $image (scripts/setup-host.sh builds it)" >&2; exit 3; }

out="$here/out/soak-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$out"
work=$(mktemp -d)
gcc -O2 -o "$work/storm" "$here/storm.c"
"$root/boxtrace" --version >/dev/null  # builds the jar and its start-up cache before anything is timed

pids=()
cleanup() {
  rm -f "$work/run"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  docker ps -aq --filter name=bt-perf-soak- | xargs -r docker rm -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

BOXTRACE_DEBUG_SIZES=1 "$root/boxtrace" record -o "$work/soak.jsonl.gz" 2>"$out/record.err" &
rec=$!
for _ in $(seq 1 300); do grep -q 'using the' "$out/record.err" 2>/dev/null && break; sleep 0.2; done
grep -q 'using the' "$out/record.err" || { cat "$out/record.err" >&2; echo "soak: record did not start" >&2; exit 1; }
echo "soak: recording (java pid $rec) for ${duration}s, warm-up ${warmup}s; results in $out" >&2

touch "$work/run"
( n=0; while [ -f "$work/run" ]; do "$work/storm" "SOAK$n" 0 200; n=$((n + 1)); sleep 0.5; done ) &
pids+=($!)
( i=0; while [ -f "$work/run" ]; do
    docker run -d --rm --name "bt-perf-soak-$$-$i" "$image" sleep 3 >/dev/null 2>&1 || true
    i=$((i + 1)); sleep 2
  done ) &
pids+=($!)

echo "seconds,rss_kib,last_pid" >"$out/rss.csv"
t0=$(date +%s); wraps=0; last=0
while :; do
  now=$(($(date +%s) - t0))
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$rec/status" 2>/dev/null || echo 0)
  lp=$(cat /proc/sys/kernel/ns_last_pid)
  [ "$lp" -lt "$last" ] && wraps=$((wraps + 1))
  last=$lp
  echo "$now,$rss,$lp" >>"$out/rss.csv"
  [ "$now" -ge "$duration" ] && break
  kill -0 "$rec" 2>/dev/null || { echo "soak: the recorder died" >&2; break; }
  sleep $((10 - ($(date +%s) - t0) % 10))
done
# wraps counted at 10 s resolution can miss some; the churn makes at least one per pid_max forks

rm -f "$work/run"
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
pids=()
sleep 8                                  # the last containers end, exited processes pass their 5 s grace
for i in $(seq 1 20); do /bin/true; sleep 0.1; done   # events that move the table's clock past the grace
sleep 2
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$rec/status" 2>/dev/null || echo 0)
host_procs=$(ls /proc | grep -c '^[0-9]')   # the host's truth the table must match (others' processes move too)
kill -TERM "$rec"; wait "$rec" 2>/dev/null || true
summary_line=$(zcat "$work/soak.jsonl.gz" 2>/dev/null | tail -1)

# Debian's python3 (python3-matplotlib), not one a version manager put first on PATH
/usr/bin/python3 "$here/soak_report.py" "$out" "$warmup" "$wraps" "$hwm" "$host_procs" "$summary_line"
cat "$out/summary.md"
