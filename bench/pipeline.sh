#!/usr/bin/env bash
# CPU per event of the pipeline thread's work in `trace --json` (process table, container
# attribution, JSON) for N synthetic execs (fork + exec + exit), with the launcher's JVM settings.
# Thread CPU time, so it holds on a busy machine. Run as root (reads /proc and the cgroup tree).
#
# usage: sudo bench/pipeline.sh [N] [ROUNDS]     (N defaults to 20000, ROUNDS to 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -f target/boxtrace.jar ] || mvn -B -q -DskipTests package
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms8m -Xmx128m \
  -cp target/boxtrace.jar bench/PipelineBench.java "${1:-20000}" "${2:-5}"
