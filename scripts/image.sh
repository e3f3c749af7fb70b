#!/usr/bin/env bash
# Builds the boxtrace agent's container image locally, with nothing pulled from a registry:
#   - a Java runtime cut by jlink to the modules the jar uses (jdeps --print-module-deps), no JDK;
#   - the jar (with its eBPF object, CO-RE, built against this kernel's BTF);
#   - the shared libraries these need, copied from this host (glibc, libbpf.so.1, libelf, zlib, zstd):
#     the image's base is this host's own Debian libraries, no package manager, no shell.
# Usage: scripts/image.sh [TAG]   (default boxtrace/agent:dev; the engine is docker, or $ENGINE)
set -euo pipefail

tag=${1:-boxtrace/agent:dev}
engine=${ENGINE:-docker}
root=$(cd "$(dirname "$0")/.." && pwd)
java_home=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
log() { printf 'image: %s\n' "$*" >&2; }

[ -x "$java_home/bin/jlink" ] || { log "needs a JDK 25 with jlink (JAVA_HOME)"; exit 3; }
jar=$root/target/boxtrace.jar
if [ ! -f "$jar" ]; then
  log "building $jar"
  (cd "$root" && JAVA_HOME=$java_home mvn -B -q -DskipTests package)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs"/{opt/boxtrace,proc,sys,dev,tmp,etc,run,var/run,var/log/boxtrace}
chmod 1777 "$rootfs/tmp"

# jdk.unsupported: sun.misc.Signal (SIGTERM handling); jdk.httpserver: /metrics; java.net.http: OTLP.
modules=$("$java_home/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$jar")
modules="$modules,jdk.unsupported,jdk.httpserver,java.net.http"
log "jlink $modules"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$rootfs/opt/java"
cp "$jar" "$rootfs/opt/boxtrace/boxtrace.jar"

# The libraries: what the runtime's binaries and libbpf link against, and the dynamic loader.
libbpf=$(ldconfig -p | awk '/libbpf\.so\.1 / && !p {p = $NF} END {print p}')  # no early exit: ldconfig would get SIGPIPE (141 under pipefail)
[ -n "$libbpf" ] || { log "libbpf.so.1 not found (apt-get install libbpf1)"; exit 3; }
objects=("$libbpf" "$rootfs/opt/java/bin/java")
while IFS= read -r so; do objects+=("$so"); done < <(find "$rootfs/opt/java" -name '*.so')
copy() { cp -L --parents "$1" "$rootfs" 2>/dev/null || true; }
for o in "${objects[@]}"; do
  ldd "$o" 2>/dev/null | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' | while read -r lib; do copy "$lib"; done
done
copy "$libbpf"
# libbpf is opened by name (dlopen "libbpf.so.1"): the loader must find it without ldconfig's cache.
mkdir -p "$rootfs/etc"
printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n/lib64\n' >"$rootfs/etc/ld.so.conf"
if [ -x /sbin/ldconfig ]; then /sbin/ldconfig -r "$rootfs" 2>/dev/null || true; fi
printf 'root:x:0:0:root:/:/nonexistent\nnobody:x:65534:65534:nobody:/:/nonexistent\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$rootfs/etc/group"

log "importing $tag into $engine"
# Same JVM options as ./boxtrace: C1 only and a small heap (measured in bench/: C2's compile work
# dominated the agent's CPU), serial GC for one pipeline thread, and the heap given back after the
# periodic full collection (HeapTrim) as ./boxtrace's MinHeapFreeRatio/MaxHeapFreeRatio ask. Without
# that, the cap rather than the live set (~10 MiB) sets a long-running agent's resident size: with
# -Xmx256m the image sat at 335 MiB after 30 min on a busy host (bench/agent-image.sh, README).
tar -C "$rootfs" -c . | "$engine" import \
  -c 'ENV PATH=/opt/java/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu' \
  -c 'ENTRYPOINT ["/opt/java/bin/java","--enable-native-access=ALL-UNNAMED","-XX:+UseSerialGC","-XX:TieredStopAtLevel=1","-Xms8m","-Xmx128m","-XX:MinHeapFreeRatio=20","-XX:MaxHeapFreeRatio=40","-Xss512k","-jar","/opt/boxtrace/boxtrace.jar"]' \
  -c 'CMD ["agent","--metrics",":9464"]' \
  - "$tag" >/dev/null
size=$("$engine" image inspect -f '{{.Size}}' "$tag")
log "built $tag ($((size / 1024 / 1024)) MiB)"
