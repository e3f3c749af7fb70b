#!/usr/bin/env python3
"""Counts, in one tool's output, the storm's execs and those whose argv came out exactly right.

usage: analyse.py TOOL OUTPUT_FILE TAG TOTAL
Prints: captured correct (as two integers). A line counts as captured when it names TAG-<i> for an
index in range; correct when the exec's full argv is exactly ["/bin/true", "TAG-<i>"].
"""
import json
import re
import sys

tool, path, tag, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
pattern = re.compile(re.escape(tag) + r"-(\d+)")
captured, correct = set(), set()

with open(path, "rb") as f:
    for raw in f:
        line = raw.decode("utf-8", "replace")
        m = pattern.search(line)
        if not m:
            continue
        i = int(m.group(1))
        if i >= total:
            continue
        if tool.startswith("boxtrace"):
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("type") != "exec":
                continue
            captured.add(i)
            if ev.get("args") == ["/bin/true", f"{tag}-{i}"]:
                correct.add(i)
        elif tool.startswith("auditd"):
            # the audit log: an EXECVE record names the argv, quoted when it is plain ASCII
            if "type=EXECVE" not in line:
                continue
            captured.add(i)
            if re.search(r'argc=2 a0="/bin/true" a1="' + re.escape(f"{tag}-{i}") + r'"\s*$', line):
                correct.add(i)
        else:
            # forkstat and execsnoop print the command line as text: it must end the line exactly.
            captured.add(i)
            if re.search(r"(^|\s)/bin/true " + re.escape(f"{tag}-{i}") + r"\s*$", line) or \
               re.search(r"(^|\s)true\s+.*/bin/true " + re.escape(f"{tag}-{i}") + r"\s*$", line):
                correct.add(i)

print(len(captured), len(correct))
