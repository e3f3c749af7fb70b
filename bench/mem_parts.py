#!/usr/bin/env python3
"""Where a JVM's memory is, in MiB, as one line of key=value pairs (bench/memory.sh).

  mem_parts.py smaps PID   resident memory by mapping, from /proc/PID/smaps: the AOT/CDS cache
                           (and how much of it is dirty), libjvm.so, the eBPF ring buffer (the kernel
                           maps its data area twice: both count), other files (jars, libraries, the
                           JDK's modules) and anonymous memory (heap, metaspace, code cache, stacks,
                           malloc: NMT splits that part)
  mem_parts.py nmt         committed memory by NMT category, from `jcmd PID VM.native_memory summary`
                           or -XX:+PrintNMTStatistics output on stdin
"""
import re
import sys

NMT_GROUPS = {  # NMT category -> our name; the cache's mapping is counted by smaps, not here
    "Java Heap": "heap", "Class": "class", "Metaspace": "metaspace", "Code": "code",
    "Thread": "threads", "GC": "gc", "Symbol": "symbol", "Compiler": "compiler",
    "Arena Chunk": "arena", "Internal": "internal", "Other": "other",
}


def smaps_part(name):
    if name.endswith(".aot") or name.endswith(".jsa"):
        return "cache"
    if name.endswith("libjvm.so"):
        return "libjvm"
    if name.startswith("anon_inode:bpf"):
        return "bpf"
    if name.startswith("/"):
        return "files"
    return "anon"


def smaps(pid):
    rss, dirty, part = {}, {}, "anon"
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+$", fields[0]):
                part = smaps_part(" ".join(fields[5:]))
            elif fields[0] == "Rss:":
                rss[part] = rss.get(part, 0) + int(fields[1])
            elif fields[0] in ("Private_Dirty:", "Shared_Dirty:"):
                dirty[part] = dirty.get(part, 0) + int(fields[1])
    out = [f"rss={sum(rss.values()) / 1024:.1f}"]
    out += [f"{k}={rss.get(k, 0) / 1024:.1f}" for k in ("cache", "libjvm", "bpf", "files", "anon")]
    out.append(f"cache_dirty={dirty.get('cache', 0) / 1024:.1f}")
    print(" ".join(out))


def kib(number, unit):  # jcmd prints KB; -XX:+PrintNMTStatistics at exit prints bytes
    return int(number) if unit == "KB" else int(number) / 1024


def nmt(text):
    parts, total = {}, 0
    for line in text.splitlines():
        m = re.match(r"^\s*Total: reserved=\d+(?:KB)?, committed=(\d+)(KB)?", line)
        if m:
            total = kib(m.group(1), m.group(2))
        m = re.match(r"^-\s+(.+?) \(reserved=\d+(?:KB)?, committed=(\d+)(KB)?", line)
        if m and m.group(1) in NMT_GROUPS:
            key = NMT_GROUPS[m.group(1)]
            parts[key] = parts.get(key, 0) + kib(m.group(2), m.group(3))
    out = [f"nmt_total={total / 1024:.1f}"]
    out += [f"{k}={parts.get(k, 0) / 1024:.1f}" for k in dict.fromkeys(NMT_GROUPS.values())]
    print(" ".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "smaps":
        smaps(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "nmt":
        nmt(sys.stdin.read())
    else:
        sys.exit(__doc__)
