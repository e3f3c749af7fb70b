#!/usr/bin/env bash
# The agent's image over time: resident size and CPU of the image built by scripts/image.sh, run with
# the options of deploy/kubernetes/daemonset.yaml (host pid namespace, named capabilities, read-only
# root and state mounts; JSON lines and metrics on, --kubernetes-labels), with an exec storm of STORM
# execs every minute, for MINUTES minutes. Over hours a JVM's resident size is set by what its collector
# once committed, not by the live heap: this shows both (the live heap by jcmd's class histogram).
#
# usage: sudo bench/agent-image.sh [MINUTES] [STORM] [TAG]   (defaults 10, 20000, boxtrace/agent:bench)
# Results: bench/out/agent-image-<date>.md (and on stdout).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
minutes=${1:-10}
storm=${2:-20000}
tag=${3:-boxtrace/agent:bench}
[ "$(id -u)" -eq 0 ] || { echo "agent-image bench: run as root" >&2; exit 3; }
java_home=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* | head -1)}
docker image inspect "$tag" >/dev/null 2>&1 || JAVA_HOME=$java_home "$root/scripts/image.sh" "$tag"
work=$(mktemp -d); chmod 755 "$work"
out="$here/out"; mkdir -p "$out"
name=${BENCH_NAME:-bt-bench-agent-image-$$}
mkdir -p "$work/out" "$work/etc"; chmod 777 "$work/out"
printf 'metrics: ":9464"\nkubernetes_labels: true\noutput: /out/events.jsonl\nrotate_size: 50M\nkeep: 2\n' >"$work/etc/agent.yaml"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# The manifest's capabilities; a Docker that does not know BPF/PERFMON (20.10) gets SYS_ADMIN instead,
# as the manifest's comment says.
caps=(--cap-add BPF --cap-add PERFMON)
docker run --rm --cap-drop ALL "${caps[@]}" --entrypoint /opt/java/bin/java "$tag" -version >/dev/null 2>&1 \
  || caps=(--cap-add SYS_ADMIN)
optional=()
[ -d /run/containers ] && optional+=(-v /run/containers:/run/containers:ro)
docker run -d --name "$name" --pid=host --read-only --tmpfs /tmp:size=16m --security-opt no-new-privileges \
  --user 0 --cap-drop ALL "${caps[@]}" --cap-add SYS_PTRACE --cap-add DAC_READ_SEARCH --cap-add NET_ADMIN \
  -v "$work/etc:/etc/boxtrace:ro" -v /sys/kernel/btf:/sys/kernel/btf:ro -v /sys/kernel/tracing:/sys/kernel/tracing:ro \
  -v /sys/fs/cgroup:/sys/fs/cgroup:ro -v /run/containerd:/run/containerd:ro "${optional[@]}" \
  -v /var/run/docker.sock:/var/run/docker.sock:ro -v "$work/out:/out" \
  "$tag" agent --config /etc/boxtrace/agent.yaml >/dev/null
until docker logs "$name" 2>&1 | grep -q "using the"; do
  [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || { docker logs "$name"; exit 1; }
  sleep 0.5
done
pid=$(docker inspect -f '{{.State.Pid}}' "$name")
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
mib() { awk -v k="$1" '$1 == k":" {print int($2 / 1024)}' "/proc/$pid/status"; }

rows=()
t0=$(ticks)
for m in $(seq 1 "$minutes"); do
  start=$(date +%s)
  sh -c "i=0; while [ \$i -lt $storm ]; do /bin/true; i=\$((i+1)); done"
  sleep $((60 - ($(date +%s) - start) > 0 ? 60 - ($(date +%s) - start) : 0))
  t1=$(ticks)
  rows+=("| $m | $(mib VmRSS) | $(mib VmHWM) | $(echo "scale=1; 100 * ($t1 - $t0) / $hz / 60" | bc) |")
  t0=$t1
done
live=$("$java_home/bin/jcmd" "$pid" GC.class_histogram 2>/dev/null | awk '/^Total/{print int($3 / 1048576)}' || true)
heap=$("$java_home/bin/jcmd" "$pid" GC.heap_info 2>/dev/null | awk '/total/{printf "%s %s %s; ", $1, $3, $5}' || true)
docker stop -t 30 "$name" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$name")

report=$out/agent-image-$(date -u +%Y%m%d-%H%M).md
{
  echo "# boxtrace agent image over time, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, kernel $(uname -r)"
  echo
  echo "image $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{print int($1 / 1048576)}') MiB), capabilities ${caps[*]} …;"
  echo "JSON lines and metrics on; a storm of $storm execs at the start of every minute"
  echo
  echo "| minute | RSS MiB | peak RSS MiB | CPU, % of one core |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "live heap after a full collection: ${live:-?} MiB; heap committed (KiB): ${heap:-?}"
  echo "exit code after SIGTERM: $code; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$report"
