#!/usr/bin/env bash
# Start-up: `boxtrace tree` wall time with hyperfine (warm page cache), with and without the launcher's
# AOT cache (BOXTRACE_NO_AOT=1), its CPU time and peak RSS; and for `trace --json -- /bin/true` the time
# from launch to the first event (the command's exec: boxtrace attaches before it starts the command).
#
# usage: sudo bench/startup-time.sh [RUNS]      default 10; results on stdout
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${1:-10}
command -v hyperfine >/dev/null || { echo "startup-time: needs hyperfine (apt-get install hyperfine)" >&2; exit 3; }
"$root/boxtrace" --version >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
echo "$(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores, $(ls /proc | grep -c '^[0-9]') processes, load $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N -w 2 -r "$runs" --export-markdown "$work/h.md" \
  -n "tree (AOT cache)" "$root/boxtrace tree" \
  -n "tree (no AOT cache)" "env BOXTRACE_NO_AOT=1 $root/boxtrace tree" >/dev/null 2>&1
cat "$work/h.md"
for mode in aot noaot; do
  env_=(); [ $mode = noaot ] && env_=(BOXTRACE_NO_AOT=1)
  /usr/bin/time -f "%U %S %M" -o "$work/t" env "${env_[@]}" "$root/boxtrace" tree >/dev/null
  read -r u s m <"$work/t"
  echo "tree ($mode): CPU $(echo "$u + $s" | bc) s, peak RSS $((m / 1024)) MiB"
done
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
