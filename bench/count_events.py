#!/usr/bin/env python3
"""Counts the events a tool reported: JSON objects of boxtrace (not the summary), else output lines."""
import json
import sys

tool, path = sys.argv[1], sys.argv[2]
n = 0
with open(path, "rb") as f:
    for raw in f:
        if tool.startswith("boxtrace"):
            try:
                if json.loads(raw).get("type") in ("fork", "exec", "exit"):
                    n += 1
            except ValueError:
                pass
        elif tool.startswith("auditd"):
            if b"type=SYSCALL" in raw:  # one per syscall event (fork, exec, exit_group, ...)
                n += 1
        elif raw.strip():
            n += 1
print(n)
