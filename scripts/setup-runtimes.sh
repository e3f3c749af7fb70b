#!/usr/bin/env bash
# Makes every other runtime boxtrace is tested against run on this host (docs/runtimes.md), after
# setup-host.sh has installed the packages, started dockerd and built boxtrace-test/busybox:latest.
# No registry: every image is made here. Idempotent: a second run only checks. Needs root.
set -euo pipefail

log() { printf 'setup-runtimes: %s\n' "$*" >&2; }
image=boxtrace-test/busybox:latest
state=/var/lib/boxtrace-test
mkdir -p "$state"

# crun refuses a hybrid cgroup host whose unified hierarchy still holds a controller ("cgroups in
# hybrid mode not supported, drop all controllers from cgroupv2"): here that is hugetlb, which no v1
# hierarchy had taken. Giving hugetlb a v1 hierarchy of its own empties cgroup2's controllers; runc,
# dockerd and podman work as before.
if [ -d /sys/fs/cgroup/unified ] && grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null \
   && [ -z "$(cat /sys/fs/cgroup/unified/cgroup.subtree_control)" ]; then
  log "moving the hugetlb controller to a cgroup v1 hierarchy (crun needs an empty cgroup2 on hybrid hosts)"
  mkdir -p /sys/fs/cgroup/hugetlb
  mountpoint -q /sys/fs/cgroup/hugetlb || mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
fi

# containerd on its own (Docker runs a private one under /run/docker/containerd): /run/containerd.
if ! ctr version >/dev/null 2>&1; then
  log "starting containerd"
  nohup containerd >/var/log/boxtrace-containerd.log 2>&1 &
  for _ in $(seq 1 40); do ctr version >/dev/null 2>&1 && break; sleep 0.25; done
  ctr version >/dev/null 2>&1 || { log "containerd did not come up; see /var/log/boxtrace-containerd.log"; exit 1; }
fi
docker save "$image" -o "$state/busybox-image.tar"
for ns in default k8s.io; do
  if ! ctr -n "$ns" images ls -q | grep -qx "docker.io/$image"; then
    log "importing $image into containerd namespace $ns"
    ctr -n "$ns" images import - <"$state/busybox-image.tar" >/dev/null
  fi
done

# One busybox root filesystem for LXC, systemd-nspawn and bubblewrap (nspawn wants /usr and os-release).
rootfs=$state/rootfs
if [ ! -x "$rootfs/bin/sh" ]; then
  log "making rootfs $rootfs"
  mkdir -p "$rootfs/bin" "$rootfs/usr" "$rootfs/tmp" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/root" "$rootfs/run"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do
    [ -e "$rootfs/bin/$applet" ] || ln "$rootfs/bin/busybox" "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
  printf 'ID=boxtrace-test\nNAME=boxtrace-test\n' >"$rootfs/etc/os-release"
fi

# Docker in Docker: an image made from this host's own docker.io binaries and their libraries.
dind=boxtrace-test/dind:latest
if ! docker image inspect "$dind" >/dev/null 2>&1; then
  log "building $dind from the host's dockerd, containerd, runc and docker"
  tmp=$(mktemp -d)
  r=$tmp/rootfs
  mkdir -p "$r/bin" "$r/tmp" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/root" "$r/run" "$r/var/run" "$r/var/lib"
  cp /bin/busybox "$r/bin/busybox"
  for applet in $(/bin/busybox --list); do [ -e "$r/bin/$applet" ] || ln "$r/bin/busybox" "$r/bin/$applet"; done
  for b in /usr/sbin/dockerd /usr/bin/containerd /usr/sbin/runc /usr/bin/docker /usr/bin/containerd-shim-runc-v2 \
           /usr/bin/ctr /usr/sbin/docker-init /usr/bin/docker-init /usr/sbin/docker-proxy /usr/bin/docker-proxy; do
    [ -e "$b" ] || continue
    mkdir -p "$r$(dirname "$b")"
    cp -L "$b" "$r$b"
    for l in $(ldd "$b" 2>/dev/null | grep -o '/[^ ]*'); do mkdir -p "$r$(dirname "$l")"; cp -Ln "$l" "$r$l"; done
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\n' >"$r/etc/group"
  # The outer container's init: its own cgroup namespace seen through fresh cgroup mounts (as the
  # official dind entrypoint does), so the inner daemon's cgroups nest under the outer container's.
  cat >"$r/usr/bin/bt-dind-init" <<'INIT'
#!/bin/sh
set -e
mount -t tmpfs cgroup-root /sys/fs/cgroup
while IFS=: read -r _ ctrl _; do
  [ -n "$ctrl" ] || continue
  d=${ctrl#name=}
  mkdir -p "/sys/fs/cgroup/$d"
  mount -t cgroup -o "$ctrl" cgroup "/sys/fs/cgroup/$d"
done </proc/self/cgroup
if grep -q '^0::' /proc/self/cgroup; then mkdir -p /sys/fs/cgroup/unified; mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified; fi
exec dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs "$@"
INIT
  chmod +x "$r/usr/bin/bt-dind-init"
  tar -C "$r" -c . | docker import -c 'ENV PATH=/usr/sbin:/usr/bin:/bin' -c 'CMD ["/usr/bin/bt-dind-init"]' - "$dind" >/dev/null
  rm -rf "$tmp"
fi

# Rootless Podman: a normal user with subordinate uids and gids, the test image in its own store.
user=btrootless
id "$user" >/dev/null 2>&1 || { log "adding user $user"; useradd -m -s /bin/sh "$user"; }
grep -q "^$user:" /etc/subuid || echo "$user:100000:65536" >>/etc/subuid
grep -q "^$user:" /etc/subgid || echo "$user:100000:65536" >>/etc/subgid
runtime_dir=/tmp/bt-rootless-run
mkdir -p "$runtime_dir" && chown "$user:" "$runtime_dir" && chmod 700 "$runtime_dir"
cp "$state/busybox-image.tar" "$runtime_dir/busybox-image.tar" && chown "$user:" "$runtime_dir/busybox-image.tar"
if ! (cd / && runuser -u "$user" -- env XDG_RUNTIME_DIR="$runtime_dir" podman image exists "$image" 2>/dev/null); then
  log "loading $image into $user's rootless podman store"
  (cd / && runuser -u "$user" -- env XDG_RUNTIME_DIR="$runtime_dir" podman load -q -i "$runtime_dir/busybox-image.tar" >/dev/null 2>&1)
fi
log "ready: containerd, crun, lxc, systemd-nspawn, bwrap, $dind, rootless podman ($user)"
