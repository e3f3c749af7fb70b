#!/usr/bin/env bash
# Installs and starts what boxtrace's full test suite needs on a Debian/Ubuntu host:
# build tools for the eBPF program, a Docker engine, runc, podman, and a locally built test image
# (no registry is reachable from CI, so the image is made from Debian's busybox-static).
# Idempotent: a second run only checks. Needs root.
set -euo pipefail

log() { printf 'setup: %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { echo "setup: must run as root (it installs packages and starts dockerd)" >&2; exit 3; }

packages=(clang llvm libbpf-dev libbpf1 bpftool libbpf-tools gcc libc6-dev bc python3 docker.io runc podman busybox-static forkstat bpftrace bpfcc-tools strace babeltrace2 chromium uidmap iproute2 util-linux procps psmisc
  containerd crun lxc systemd-container bubblewrap auditd hyperfine python3-matplotlib linux-perf)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Prometheus server the agent's IT scrapes with (started by the test itself on a loopback port):
# installed without letting the package start its own service on :9090.
if ! command -v prometheus >/dev/null; then
  log "installing prometheus"
  added_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && added_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [ -n "$added_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

# Docker engine: start Debian's dockerd ourselves when nothing answers on the socket (no systemd here).
docker_cli=/usr/bin/docker
if ! "$docker_cli" version >/dev/null 2>&1; then
  # /run is not a tmpfs on every host: a containerd killed with the machine leaves its socket behind, and dockerd
  # then dials that dead socket instead of starting its own containerd, and fails. A socket nobody answers on is removed.
  for sock in /run/containerd/containerd.sock /run/containerd/containerd.sock.ttrpc; do
    if [ -S "$sock" ] && ! ctr --address /run/containerd/containerd.sock version >/dev/null 2>&1; then
      log "removing stale $sock"
      rm -f "$sock"
    fi
  done
  log "starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/boxtrace-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    "$docker_cli" version >/dev/null 2>&1 && break
    sleep 0.5
  done
  "$docker_cli" version >/dev/null 2>&1 || { log "dockerd did not come up; see /var/log/boxtrace-dockerd.log"; tail -5 /var/log/boxtrace-dockerd.log >&2; exit 1; }
fi

# The test image: a busybox rootfs with /bin/sh and the applets as hard links.
make_rootfs() {
  local dir=$1
  mkdir -p "$dir/bin" "$dir/tmp" "$dir/etc" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/root"
  cp /bin/busybox "$dir/bin/busybox"
  for applet in $("$dir/bin/busybox" --list); do
    [ -e "$dir/bin/$applet" ] || ln "$dir/bin/busybox" "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$dir/etc/group"
}

image=boxtrace-test/busybox:latest
if ! "$docker_cli" image inspect "$image" >/dev/null 2>&1; then
  log "building $image"
  tmp=$(mktemp -d)
  make_rootfs "$tmp/rootfs"
  tar -C "$tmp/rootfs" -c . | "$docker_cli" import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - "$image" >/dev/null
  rm -rf "$tmp"
fi

# The same image for podman, which keeps its own store.
if command -v podman >/dev/null && ! podman image exists "$image" 2>/dev/null; then
  log "loading $image into podman"
  "$docker_cli" save "$image" | podman load -q >/dev/null
fi

# A runc bundle for tests that run runc directly.
bundle=/var/lib/boxtrace-test/bundle
if [ ! -f "$bundle/config.json" ]; then
  log "making runc bundle at $bundle"
  rm -rf "$bundle"
  make_rootfs "$bundle/rootfs"
  (cd "$bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"sleep", "3600"/' config.json)
fi
# The other runtimes (scripts/setup-runtimes.sh): containerd on its own, crun, LXC, systemd-nspawn,
# bubblewrap, Docker in Docker, rootless Podman.
"$(dirname "$0")/setup-runtimes.sh"
log "ready: dockerd, runc, podman, image $image, bundle $bundle"
