#!/usr/bin/env bash
# Recording and conversion throughput: N build-like processes (fork + exec + exit each, 3N events,
# one container) written through every format (.jsonl, .jsonl.gz, .json, .pftrace, .html, .ctf)
# and the recordings read back. No root needed.
#
# usage: bench/recording.sh [N]    (N defaults to 100000)
# Prints one "BENCH ..." line per format; the figures in docs/recordings.md come from it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# the jar (boxtrace and its libraries) and the test classes (the sample event streams)
mvn -B -q -DskipTests package
exec "$JAVA_HOME/bin/java" -Xmx2g -cp target/boxtrace.jar:target/test-classes bench/RecordingBench.java "${1:-100000}"
