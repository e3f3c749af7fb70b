#!/usr/bin/env python3
"""Summarises bench/startup/run.sh: start times per mode, and the phases boxtrace and strace both bound."""
import glob
import json
import re
import statistics
import sys

work, n = sys.argv[1], int(sys.argv[2])


def times(name):
    with open(f"{work}/{name}") as f:
        return [float(x) for x in f if x.strip()]


def med(xs):
    return statistics.median(xs) if xs else float("nan")


untraced, boxtrace, strace = times("untraced"), times("boxtrace"), times("strace")

# strace: per start, first unshare(CLONE_NEW...) -> pivot_root -> the next execve by the pivot_root pid.
line_re = re.compile(r"^(\d+)\s+(\d+):(\d+):(\d+\.\d+) (\w+)\((.*)$")
starts, cur = [], None
with open(f"{work}/strace.log") as f:
    for line in f:
        m = line_re.match(line)
        if not m:
            continue
        pid, h, mi, s, call, rest = m.groups()
        t = (int(h) * 3600 + int(mi) * 60 + float(s)) * 1000
        if call == "unshare" and "CLONE_NEW" in rest and "= 0" in rest:
            cur = {"unshare": t}
        elif call == "pivot_root" and cur is not None and "pivot" not in cur:
            cur["pivot"], cur["pid"] = t, pid
        elif call == "execve" and cur is not None and cur.get("pid") == pid and "exec" not in cur:
            cur["exec"] = t
            starts.append(cur)
            cur = None
st_rootfs = [x["pivot"] - x["unshare"] for x in starts]
st_exec = [x["exec"] - x["pivot"] for x in starts]

bt_rootfs, bt_exec = [], []
for path in glob.glob(f"{work}/run-*.json"):
    with open(path) as f:
        phases = {p["name"]: p["duration_ms"] for p in json.load(f)["phases"]}
    if "root filesystem switch" in phases:
        bt_rootfs.append(phases["root filesystem switch"] + phases.get("namespace set-up", 0))
    if "user process exec" in phases:
        bt_exec.append(phases["user process exec"])

base = med(untraced)
print(f"# start-up: {n} x `docker run --rm boxtrace-test/busybox:latest true`\n")
print("| mode | median start ms | overhead vs untraced |")
print("|---|---|---|")
print(f"| untraced | {base:.1f} | – |")
print(f"| boxtrace tracing the host (eBPF) | {med(boxtrace):.1f} | {100 * (med(boxtrace) / base - 1):+.1f} % |")
print(f"| strace -f -tt on dockerd + containerd | {med(strace):.1f} | {100 * (med(strace) / base - 1):+.1f} % |")
print("\n| phase (same bounds in both) | boxtrace median ms | strace median ms |")
print("|---|---|---|")
print(f"| root filesystem switch (first unshare -> pivot_root) | {med(bt_rootfs):.1f} (n={len(bt_rootfs)}) | {med(st_rootfs):.1f} (n={len(st_rootfs)}) |")
print(f"| user process exec (pivot_root -> exec) | {med(bt_exec):.1f} (n={len(bt_exec)}) | {med(st_exec):.1f} (n={len(st_exec)}) |")
print(f"\nspread (untraced min..max): {min(untraced):.1f}..{max(untraced):.1f} ms; "
      f"boxtrace {min(boxtrace):.1f}..{max(boxtrace):.1f}; strace {min(strace):.1f}..{max(strace):.1f}")
