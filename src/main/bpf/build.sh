#!/usr/bin/env bash
# Compiles the eBPF program against this kernel's BTF (CO-RE). Called by Maven (generate-resources)
# with the output directory. Without clang, bpftool or BTF it warns and builds nothing: boxtrace
# then reports the eBPF source unavailable and names what was missing.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR}
gen=${2:-$out/../bpf-gen}
mkdir -p "$out/bpf" "$gen"
missing=()
command -v clang >/dev/null || missing+=(clang)
command -v bpftool >/dev/null || missing+=(bpftool)
[ -r /sys/kernel/btf/vmlinux ] || missing+=(/sys/kernel/btf/vmlinux)
[ -r /usr/include/bpf/bpf_helpers.h ] || missing+=(libbpf-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[WARNING] eBPF program not built: missing ${missing[*]}" >&2
  echo "missing ${missing[*]} at build time" >"$out/bpf/UNAVAILABLE"
  exit 0
fi
rm -f "$out/bpf/UNAVAILABLE"
[ -s "$gen/vmlinux.h" ] || bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$gen/vmlinux.h"
if [ ! -f "$out/bpf/boxtrace.bpf.o" ] || [ "$src/boxtrace.bpf.c" -nt "$out/bpf/boxtrace.bpf.o" ] || [ "$src/boxtrace.h" -nt "$out/bpf/boxtrace.bpf.o" ]; then
  clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$gen" -I"$src" -c "$src/boxtrace.bpf.c" -o "$out/bpf/boxtrace.bpf.o"
  # Keep the BTF (the layout test reads it), drop DWARF to keep the jar small.
  llvm-strip -g "$out/bpf/boxtrace.bpf.o" 2>/dev/null || true
fi
