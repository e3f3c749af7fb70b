package io.boxtrace.source.procfs;

import io.boxtrace.event.Clock;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads every process in a /proc tree into {@link ProcessInfo}s, parents before children, so the
 * start-up state goes through the same pipeline as live events. A process that exits during the
 * scan is simply left out. Threads are not processes and are not listed.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ProcSnapshot {

    /** The namespaces recorded per process, as named under /proc/PID/ns. */
    public static final List<String> NAMESPACES = List.of("pid", "mnt", "net", "uts", "ipc", "user", "cgroup", "time");

    private final ProcReader proc;
    private final Clock clock;

    public ProcSnapshot(ProcReader proc, Clock clock) {
        this.proc = proc;
        this.clock = clock;
    }

    /** Every process, parents first. */
    public List<ProcessInfo> scan() {
        List<Integer> pids = proc.pids();
        // Each process is a handful of small /proc reads, independent of the others: on a host with
        // thousands of processes they are spread over the cores (tree's wall time is mostly this).
        List<ProcessInfo> read = (pids.size() < PARALLEL_FROM ? pids.stream() : pids.parallelStream())
                .map(this::read).flatMap(Optional::stream).toList();
        Map<Integer, ProcessInfo> byPid = new LinkedHashMap<>();
        for (ProcessInfo p : read) {
            byPid.put(p.pid(), p);
        }
        return parentsFirst(byPid);
    }

    /** Below this many processes a scan stays on the caller's thread: handing out work costs more. */
    static final int PARALLEL_FROM = 512;

    /** The scan as snapshot events stamped now. */
    public List<SnapshotEvent> events() {
        long now = clock.nowMono();
        return scan().stream().map(p -> new SnapshotEvent(now, p)).toList();
    }

    /** One process, or empty if it is gone (or is not a process). */
    public Optional<ProcessInfo> read(int pid) {
        Optional<ProcStat> stat = proc.stat(pid);
        if (stat.isEmpty()) {
            return Optional.empty();
        }
        ProcStat st = stat.get();
        Optional<ProcStatus> status = proc.status(pid);
        if (status.isPresent() && status.get().tgid() != pid) {
            return Optional.empty(); // a thread id reached through /proc/TID
        }
        int uid = status.map(ProcStatus::uid).orElse(Task.UNKNOWN);
        List<Integer> nsPids = status.map(ProcStatus::nsPids).orElse(List.of());
        String cgroupText = proc.cgroup(pid).orElse(null);
        Map<String, Long> ns = new HashMap<>();
        for (String name : NAMESPACES) {
            proc.namespaceInode(pid, name).ifPresent(ino -> ns.put(name, ino));
        }
        List<String> args = st.kernelThread() ? List.of() : proc.cmdline(pid).orElse(List.of());
        String exe = st.kernelThread() ? null : proc.exe(pid).orElse(null);
        String cwd = st.kernelThread() ? null : proc.cwd(pid).orElse(null);
        long startNs = clock.bootToMono(st.startBootNs());
        return Optional.of(new ProcessInfo(new ProcessKey(pid, startNs), st.ppid(), uid, st.comm(), exe, args, cwd,
                cgroupText == null ? null : CgroupPath.choose(cgroupText), 0, nsPids, ns, 0, Task.UNKNOWN, 0,
                st.kernelThread()));
    }

    /** Orders so that every parent comes before its children (breadth-first from the roots). */
    static List<ProcessInfo> parentsFirst(Map<Integer, ProcessInfo> byPid) {
        Map<Integer, List<ProcessInfo>> children = new HashMap<>();
        List<ProcessInfo> roots = new ArrayList<>();
        for (ProcessInfo p : byPid.values()) {
            if (p.ppid() == 0 || p.ppid() == p.pid() || !byPid.containsKey(p.ppid())) {
                roots.add(p);
            } else {
                children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
            }
        }
        List<ProcessInfo> out = new ArrayList<>(byPid.size());
        ArrayDeque<ProcessInfo> queue = new ArrayDeque<>(roots);
        while (!queue.isEmpty()) {
            ProcessInfo p = queue.poll();
            out.add(p);
            queue.addAll(children.getOrDefault(p.pid(), List.of()));
        }
        return out;
    }
}
