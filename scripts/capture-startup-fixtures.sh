#!/usr/bin/env bash
# Records the start-ups that StartupRecordingsTest replays (src/test/resources/recordings/analyses/startup-*):
# each one host-wide (the daemon side is no descendant of the client), with the client's pid beside it
# (FILE.client) so `boxtrace run --from FILE --client PID` picks exactly that start. The scenarios are the
# ones issue 13 found wrong: a `docker exec` into a container whose own loop forks all the time, failed
# starts (docker: a missing binary; podman: runc cannot set an rlimit), and a pid 1 that replaces its
# shell by exec. Needs root, dockerd, podman and the test image (scripts/setup-host.sh).
# Usage: sudo scripts/capture-startup-fixtures.sh [OUTDIR [SCENARIO...]]   (default: every scenario)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/src/test/resources/recordings/analyses}
shift || true
only=" $* "
img=boxtrace-test/busybox:latest
jar=${BOXTRACE_JAR:-$here/target/boxtrace.jar}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
mkdir -p "$out"
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"; docker rm -f bt-fix-loop bt-fix-health >/dev/null 2>&1 || true' EXIT

# record NAME COMMAND...: a host-wide recording around one run of COMMAND
record() {
  local name=$1; shift
  [ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
  "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" record -o "$out/$name.jsonl.gz" 2>"$ctx/$name.log" & local rec=$!
  for _ in $(seq 1 150); do grep -q "using the" "$ctx/$name.log" 2>/dev/null && break; sleep 0.2; done
  grep -q "using the" "$ctx/$name.log" || { cat "$ctx/$name.log" >&2; kill "$rec" 2>/dev/null; exit 1; }
  sleep 0.5
  sh -c 'echo $$ >"$0"; exec "$@"' "$out/$name.client" "$@" >"$ctx/$name.out" 2>&1 || true
  sleep 1
  kill -TERM "$rec"; wait "$rec" || true
  echo "capture: $name ($(du -h "$out/$name.jsonl.gz" | cut -f1)): $(head -c 300 "$ctx/$name.out")" >&2
}

# a service whose own loop forks a short sleep all the time: none of it belongs to an exec into it
docker run -d --name bt-fix-loop "$img" sh -c 'while true; do sleep 0.1; done' >/dev/null
sleep 1
record startup-docker-exec docker exec bt-fix-loop sh -c 'sleep 0.3; exit 4'
# the engine runs its own execs into the container (a HEALTHCHECK every 100 ms) while ours runs
docker run -d --name bt-fix-health --health-cmd 'sleep 0.05' --health-interval 100ms "$img" sleep 300 >/dev/null
sleep 1
record startup-docker-exec-health docker exec bt-fix-health sh -c 'sleep 0.3; exit 4'
record startup-docker-failed docker run --rm --name bt-fix-dfail "$img" /no/such/binary
# without --ulimit, podman asks runc for limits this root cannot raise: runc create fails
record startup-podman-failed podman run --rm --runtime runc --name bt-fix-pfail "$img" true
record startup-docker-exec-chain docker run --rm --name bt-fix-chain "$img" sh -c 'echo hi; exec /bin/sleep 0.2'
echo "capture: the tests assert on these recordings; rerun them (mvn -B test -Dtest=StartupRecordingsTest)" >&2
