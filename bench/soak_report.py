#!/usr/bin/env python3
"""Summarises a bench/soak.sh run: RSS growth after warm-up, loss, table/registry sizes, and a PNG.

usage: soak_report.py OUT_DIR WARMUP_S PID_WRAPS PEAK_RSS_KIB HOST_PROCESSES SUMMARY_JSON_LINE
Reads OUT_DIR/rss.csv and OUT_DIR/record.err; writes rss.png, summary.json, summary.md there.
"""
import csv
import json
import re
import statistics
import sys

out, warmup, wraps, hwm, host = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
summary_line = sys.argv[6]
rows = [(int(r["seconds"]), int(r["rss_kib"])) for r in csv.DictReader(open(f"{out}/rss.csv")) if int(r["rss_kib"]) > 0]
after = [r for r in rows if r[0] >= warmup]
if len(after) < 6:
    sys.exit(f"soak: only {len(after)} samples after the warm-up of {warmup}s; run longer")
first = statistics.median(v for _, v in after[:3])
last = statistics.median(v for _, v in after[-3:])
growth = 100.0 * (last - first) / first

try:
    summary = json.loads(summary_line)
except ValueError:
    summary = {}
err = open(f"{out}/record.err").read()
sizes = {m.group(1): json.loads(m.group(2)) for m in re.finditer(r"sizes at (start|end) (\{.*\})", err)}
start, end = sizes.get("start", {}), sizes.get("end", {})
# What must come back: what the churn adds while it runs. Exited processes are kept 5 s by design.
# Containers and their bookkeeping must be back to the start's; the live process count must be the
# host's own at the end (other users' processes come and go on a shared host, so not the start's).
checked = ["live_containers", "containers_by_id", "pid_namespaces", "table_held"]
baseline_ok = all(start.get(k) is not None and end.get(k) is not None and end[k] <= start[k] for k in checked)
table_ok = end.get("table_live") is not None and abs(end["table_live"] - host) <= max(5, host // 20) \
    and end.get("pids", 0) <= end.get("table_live", 0)
baseline_ok = baseline_ok and table_ok

result = {
    "samples": len(rows), "warmup_s": warmup, "rss_kib_after_warmup": first, "rss_kib_at_end": last,
    "growth_pct": round(growth, 2), "peak_rss_kib": hwm, "pid_wraps": wraps,
    "events": summary.get("events"), "lost": summary.get("lost"), "sizes_start": start, "sizes_end": end,
    "host_processes_at_end": host, "sizes_back_to_baseline": baseline_ok,
}
json.dump(result, open(f"{out}/summary.json", "w"), indent=1)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot([t / 60 for t, _ in rows], [v / 1024 for _, v in rows], marker=".")
    ax.axvline(warmup / 60, color="grey", linestyle="--", label="end of warm-up")
    ax.set_xlabel("minutes")
    ax.set_ylabel("RSS MiB")
    ax.set_ylim(bottom=0)
    ax.set_title(f"boxtrace record under exec and container churn: growth after warm-up {growth:+.1f} %")
    ax.legend()
    fig.tight_layout()
    fig.savefig(f"{out}/rss.png", dpi=100)
    png = "rss.png"
except ImportError:
    png = "(no plot: python3-matplotlib is not installed)"

with open(f"{out}/summary.md", "w") as f:
    f.write(f"# soak: {rows[-1][0]} s, samples every 10 s, warm-up {warmup} s\n\n")
    f.write("| figure | value | target |\n|---|---|---|\n")
    f.write(f"| RSS after warm-up → at end | {first / 1024:.1f} → {last / 1024:.1f} MiB | |\n")
    f.write(f"| growth after warm-up | {growth:+.2f} % | ≤ 5 % |\n")
    f.write(f"| peak RSS | {hwm / 1024:.1f} MiB | ≤ 64 MiB |\n")
    f.write(f"| events, lost | {summary.get('events')}, {summary.get('lost')} | 0 lost |\n")
    f.write(f"| pid wrap-arounds seen | {wraps} | ≥ 1 |\n")
    f.write(f"| container maps back to the start's, table = host's {host} processes | {'yes' if baseline_ok else 'NO'} | yes |\n\n")
    f.write("| size | start | end |\n|---|---|---|\n")
    for k in sorted(set(start) | set(end)):
        f.write(f"| {k} | {start.get(k)} | {end.get(k)} |\n")
    f.write(f"\n![RSS over time]({png})\n")
