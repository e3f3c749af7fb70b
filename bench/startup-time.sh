#!/usr/bin/env bash
# Start-up: `boxtrace tree` wall time with hyperfine (warm page cache) on a host with PROCS processes
# (default 500: extra `sleep`s are started to get there), through the ./boxtrace launcher and for the
# JVM alone (the launcher's java command line, printed by BOXTRACE_PRINT_JAVA=1), with and without the
# AOT cache (BOXTRACE_NO_AOT=1); its CPU time and peak RSS; and for `trace --json -- /bin/true` the time
# from launch to the first event (the command's exec: boxtrace attaches before it starts the command).
# A host that already runs far more than PROCS processes: measured in a pid namespace of its own.
#
# usage: sudo bench/startup-time.sh [RUNS] [PROCS]     defaults 10 and 500; results on stdout
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${1:-10}
procs=${2:-500}
command -v hyperfine >/dev/null || { echo "startup-time: needs hyperfine (apt-get install hyperfine)" >&2; exit 3; }
"$root/boxtrace" --version >/dev/null
work=$(mktemp -d)
sleepers=()
cleanup() { [ ${#sleepers[@]} -eq 0 ] || kill "${sleepers[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
count() { ls /proc | grep -c '^[0-9]'; }
# A host already running many more processes than PROCS (another benchmark's): measured in a pid
# namespace of its own with its own /proc, where boxtrace sees PROCS processes. Said in the output.
# (`trace` is measured on the host: it follows host pids.)
tree_here=1
if [ "$(count)" -gt $((procs + 100)) ] && [ -z "${STARTUP_NS:-}" ]; then
  echo "startup-time: the host runs $(count) processes; tree measured in a pid namespace with its own /proc"
  env STARTUP_NS=1 unshare --pid --fork --mount-proc "$0" "$runs" "$procs"
  tree_here=""
fi
if [ -n "$tree_here" ]; then
  extra=$((procs - $(count)))
  for _ in $(seq 1 "$extra"); do sleep 3600 & sleepers+=($!); done
  # The JVM alone: the java command line the launcher would exec.
  java_cmd=$(BOXTRACE_PRINT_JAVA=1 "$root/boxtrace" tree)
  echo "$(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores, $(count) processes, load $(cut -d' ' -f1-3 /proc/loadavg)"
  hyperfine -N -w 3 -r "$runs" --export-markdown "$work/h.md" \
    -n "tree (launcher, AOT cache)" "$root/boxtrace tree" \
    -n "tree (JVM alone, AOT cache)" "$java_cmd" \
    -n "tree (launcher, no AOT cache)" "env BOXTRACE_NO_AOT=1 $root/boxtrace tree" >/dev/null 2>&1
  cat "$work/h.md"
  for mode in aot noaot; do
    env_=(); [ $mode = noaot ] && env_=(BOXTRACE_NO_AOT=1)
    /usr/bin/time -f "%U %S %M" -o "$work/t" env "${env_[@]}" "$root/boxtrace" tree >/dev/null
    read -r u s m <"$work/t"
    echo "tree ($mode): CPU $(echo "$u + $s" | bc) s, peak RSS $((m / 1024)) MiB"
  done
fi
[ -z "${STARTUP_NS:-}" ] || exit 0
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  "$root/boxtrace" trace --json -o "$work/t.jsonl" -- /bin/true 2>/dev/null
  /usr/bin/python3 - "$t0" "$work/t.jsonl" <<'EOF'
import json, sys, datetime
t0 = int(sys.argv[1])
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e.get("type") == "exec":
        s = e["time"]; secs, frac = s[:19], s[20:-1]
        epoch = int(datetime.datetime.fromisoformat(secs).replace(tzinfo=datetime.timezone.utc).timestamp())
        print(f"trace -- /bin/true: launch to first event {(epoch * 10**9 + int(frac) - t0) / 1e6:.0f} ms")
        break
EOF
done
