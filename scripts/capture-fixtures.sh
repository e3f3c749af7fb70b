#!/usr/bin/env bash
# Records the real runs that the analyses' unit tests replay (src/test/resources/recordings/*.jsonl.gz):
# each scenario is recorded host-wide (the daemon side is no descendant of the client), then
# `boxtrace run|build --from` writes the report the test expects, which a person reviews before
# committing (the tests never write these files). Needs root, dockerd, podman and the test image
# (scripts/setup-host.sh). Usage: sudo scripts/capture-fixtures.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/src/test/resources/recordings}
img=boxtrace-test/busybox:latest
jar=${BOXTRACE_JAR:-$here/target/boxtrace.jar}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
bt() { "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"; }
mkdir -p "$out"
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"; docker rm -f bt-fix-svc >/dev/null 2>&1 || true' EXIT

# record NAME COMMAND...: a host-wide recording around one run of COMMAND
record() {
  local name=$1; shift
  # java itself in the background (not a function in a subshell), so the TERM below reaches it
  "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" record -o "$out/$name.jsonl.gz" 2>"$ctx/$name.log" & local rec=$!
  for _ in $(seq 1 150); do grep -q "using the" "$ctx/$name.log" 2>/dev/null && break; sleep 0.2; done
  grep -q "using the" "$ctx/$name.log" || { cat "$ctx/$name.log" >&2; kill "$rec" 2>/dev/null; exit 1; }
  sleep 0.5
  # the client's pid, so the analyses pick this client (--client) and not another host's at the same time
  sh -c 'echo $$ >"$0"; exec "$@"' "$out/$name.client" "$@" >"$ctx/$name.out" 2>&1 || true
  sleep 1
  kill -TERM "$rec"; wait "$rec" || true
  echo "capture: $name ($(du -h "$out/$name.jsonl.gz" | cut -f1))" >&2
}

docker run -d --name bt-fix-svc "$img" sh -c 'while true; do sleep 5; done' >/dev/null
record docker-run docker run --rm --name bt-fix-run "$img" sh -c 'echo hello; sleep 0.2'
record docker-exec docker exec bt-fix-svc sh -c 'sleep 0.3; exit 4'
record docker-failed docker run --rm --name bt-fix-fail "$img" /no/such/binary
record podman-run podman run --rm --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --name bt-fix-pod "$img" sh -c 'echo hi; sleep 0.2'
printf 'FROM %s\nRUN echo one && sleep 0.3\nRUN true\n' "$img" >"$ctx/Dockerfile"
cp "$ctx/Dockerfile" "$out/builds.Dockerfile" # the context is gone after the run: --from is given this copy
record build-classic env DOCKER_BUILDKIT=0 /usr/local/bin/docker build --no-cache -q -t bt-fix-build "$ctx"
record build-buildkit env DOCKER_BUILDKIT=1 /usr/bin/docker build --no-cache --progress=plain -t bt-fix-build "$ctx"
record build-podman podman build --runtime runc --ulimit nofile=1024:1024 --no-cache -t bt-fix-build "$ctx"

for f in docker-run docker-exec docker-failed podman-run; do
  bt run --from "$out/$f.jsonl.gz" --client "$(cat "$out/$f.client")" --json "$out/$f.run.expected.json" >/dev/null 2>&1 || true
done
for f in build-classic build-buildkit build-podman; do
  bt build --from "$out/$f.jsonl.gz" --client "$(cat "$out/$f.client")" --dockerfile "$out/builds.Dockerfile" \
    --json "$out/$f.build.expected.json" >/dev/null 2>&1 || true
done
echo "capture: review $out/*.expected.json before committing" >&2
