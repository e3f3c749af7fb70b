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

    /**
     * How much of each process a scan reads. Each file is an open, a read and a close (or a readlink),
     * and on a host with 20,000 processes each file read per process costs about 0.1-0.25 s of CPU.
     */
    public enum Detail {
        /** Everything a trace's table keeps: stat, status, cgroup, cmdline, exe, cwd, every namespace. */
        FULL,
        /**
         * What {@code tree} shows and attributes with: stat (name, parent, start), status (user, the pid
         * inside the container), cmdline, cgroup and the pid namespace. No exe, cwd or other namespaces.
         */
        TREE
    }

    /** Every process, parents first. */
    public List<ProcessInfo> scan() {
        return scan(Detail.FULL);
    }

    /** Every process, parents first, read to the given detail. */
    public List<ProcessInfo> scan(Detail detail) {
        List<Integer> pids = proc.pids();
        // Each process is a handful of small /proc reads, independent of the others: on a host with
        // thousands of processes they are spread over the cores (tree's wall time is mostly this).
        List<ProcessInfo> read = (pids.size() < PARALLEL_FROM ? pids.stream() : pids.parallelStream())
                .map(pid -> read(pid, detail)).flatMap(Optional::stream).toList();
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
        return events(Detail.FULL);
    }

    /** The scan, read to the given detail, as snapshot events stamped now. */
    public List<SnapshotEvent> events(Detail detail) {
        long now = clock.nowMono();
        return scan(detail).stream().map(p -> new SnapshotEvent(now, p)).toList();
    }

    /**
     * Every process, with what the caller already knows reused: a pid whose known record has the parent
     * /proc/PID/stat shows now and a known NSpid chain is not read further (one file instead of
     * fourteen); any other pid is read in full. For reconciling a process table with /proc (a heal
     * after a loss, the check after attaching), which only needs to know who is gone and whose parent
     * changed: reading all of every process made that check cost seconds of CPU at 20,000 processes.
     * Not ordered parents first.
     *
     * @param known the caller's record of a pid, or empty
     */
    public List<ProcessInfo> rescan(java.util.function.IntFunction<Optional<ProcessInfo>> known) {
        List<Integer> pids = proc.pids();
        List<ProcStat> stats = (pids.size() < PARALLEL_FROM ? pids.stream() : pids.parallelStream())
                .map(proc::stat).flatMap(Optional::stream).toList();
        List<ProcessInfo> out = new ArrayList<>(stats.size());
        List<ProcStat> unknown = new ArrayList<>();
        for (ProcStat st : stats) {
            Optional<ProcessInfo> k = known.apply(st.pid());
            if (k.isPresent() && k.get().ppid() == st.ppid() && !k.get().nsPids().isEmpty()) {
                out.add(k.get());
            } else {
                unknown.add(st);
            }
        }
        (unknown.size() < PARALLEL_FROM ? unknown.stream() : unknown.parallelStream())
                .map(st -> read(st, Detail.FULL)).flatMap(Optional::stream).toList().forEach(out::add);
        return out;
    }

    /** One process, or empty if it is gone (or is not a process). */
    public Optional<ProcessInfo> read(int pid) {
        return read(pid, Detail.FULL);
    }

    private Optional<ProcessInfo> read(int pid, Detail detail) {
        return proc.stat(pid).flatMap(st -> read(st, detail));
    }

    private Optional<ProcessInfo> read(ProcStat st, Detail detail) {
        int pid = st.pid();
        boolean full = detail == Detail.FULL;
        Optional<ProcStatus> status = proc.status(pid);
        if (status.isPresent() && status.get().tgid() != pid) {
            return Optional.empty(); // a thread id reached through /proc/TID
        }
        int uid = status.map(ProcStatus::uid).orElse(Task.UNKNOWN);
        List<Integer> nsPids = status.map(ProcStatus::nsPids).orElse(List.of());
        String cgroupText = proc.cgroup(pid).orElse(null);
        Map<String, Long> ns = new HashMap<>();
        for (String name : full ? NAMESPACES : List.of("pid")) {
            proc.namespaceInode(pid, name).ifPresent(ino -> ns.put(name, ino));
        }
        List<String> args = st.kernelThread() ? List.of() : proc.cmdline(pid).orElse(List.of());
        String exe = st.kernelThread() || !full ? null : proc.exe(pid).orElse(null);
        String cwd = st.kernelThread() || !full ? null : proc.cwd(pid).orElse(null);
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
