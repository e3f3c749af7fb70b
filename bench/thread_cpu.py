#!/usr/bin/env python3
"""CPU ticks (user+sys) per thread of a process, grouped by thread name, as JSON; with a second
snapshot file, prints the difference (what each thread group used in between), largest first.

usage: thread_cpu.py PID > before.json;  thread_cpu.py PID before.json
"""
import json
import os
import re
import sys


def snapshot(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        name = re.sub(r"\d+$", "N", name)  # GC Thread#0, C1 CompilerThre0 → one group
        fields = stat[stat.rindex(")") + 2:].split()
        out[name] = out.get(name, 0) + int(fields[11]) + int(fields[12])
    return out


now = snapshot(sys.argv[1])
if len(sys.argv) < 3:
    json.dump(now, sys.stdout)
else:
    with open(sys.argv[2]) as f:
        before = json.load(f)
    hz = os.sysconf("SC_CLK_TCK")
    diff = {k: v - before.get(k, 0) for k, v in now.items()}
    total = sum(diff.values())
    for k, v in sorted(diff.items(), key=lambda kv: -kv[1]):
        if v:
            print(f"{k:24s} {v * 1000 // hz:6d} ms  {100 * v / max(1, total):5.1f} %")
    print(f"{'total':24s} {total * 1000 // hz:6d} ms")
