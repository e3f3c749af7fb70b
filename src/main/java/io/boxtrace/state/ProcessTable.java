package io.boxtrace.state;

import io.boxtrace.event.CommEvent;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.IdChangeEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The live process tree, built from events. Owned by one thread (the pipeline's): no method is
 * thread-safe; others get immutable {@link ProcessInfo}s.
 *
 * <ul>
 * <li>Identity is (pid, start time): a fork for a pid still marked alive means its exit was missed;
 *     the old process is retired and counted.</li>
 * <li>Threads are kept apart: a fork whose child tid differs from its pid creates no process, and a
 *     thread's exit does not end one.</li>
 * <li>When a parent exits, its children go to the init of their pid namespace (pid 1 on the host).
 *     The kernel may pick a nearer child subreaper (containerd-shim, systemd --user) that events do
 *     not reveal, so such children are marked and their parent is re-read from /proc at their next
 *     event or heal.</li>
 * <li>Exited processes stay {@link #graceNs} (event time) so late events still resolve, at most
 *     {@link #maxExited} of them; then they are dropped. Memory is bounded by the kernel's pid space
 *     for live processes and by these two bounds for the rest.</li>
 * <li>A fork whose parent is unknown waits in a small retry queue for the parent's own fork; after
 *     {@link #RETRY_EVENTS} further events it is released anyway (counted), with the parent created
 *     from /proc when it is there.</li>
 * </ul>
 */
public final class ProcessTable {

    static final int RETRY_EVENTS = 256;
    static final int MAX_HELD = 1024;

    private final Map<Integer, ProcNode> live = new HashMap<>();
    /** Live processes by parent pid, so an exit re-parents its children without scanning the table. */
    private final Map<Integer, Set<ProcNode>> childrenByPpid = new HashMap<>();
    /** The init (nspid 1) of each pid namespace, among processes read from /proc. */
    private final Map<Long, ProcNode> initByPidNs = new HashMap<>();
    private final LinkedHashMap<ProcessKey, ProcNode> exited = new LinkedHashMap<>();
    /**
     * No later than the exit time of the oldest entry of {@link #exited} (Long.MAX_VALUE when none is
     * known): lets {@link #expireExited} return without an iterator on most events. Stale only towards
     * older, which costs one needless walk, never a missed expiry.
     */
    private long oldestExitedNs = Long.MAX_VALUE;
    /** What {@link #apply} collects for one event before it is copied out (the owner thread only). */
    private final List<TracedEvent> scratch = new ArrayList<>(4);
    private final Map<Integer, ProcNode> lastExitedByPid = new HashMap<>();
    private final List<Held> held = new ArrayList<>();
    private final IntFunction<Optional<ProcessInfo>> procLookup;
    private final long graceNs;
    private final int maxExited;
    private long eventCount;
    private long latestNs;
    private long releasedLate;
    private long pidReuses;
    private long heals;
    private long lazyCreated;

    private record Held(ForkEvent fork, long deadline) {
    }

    /**
     * @param procLookup reads one process from /proc (or returns empty); used for processes first
     *                   seen mid-life and to correct parents after re-parenting
     * @param graceNs    how long exited processes are kept, in event time
     * @param maxExited  the most exited processes kept
     */
    public ProcessTable(IntFunction<Optional<ProcessInfo>> procLookup, long graceNs, int maxExited) {
        this(procLookup, graceNs, maxExited, MAX_EXITED_ARG_CHARS);
    }

    /** As above, and exited processes' command lines together hold at most maxExitedArgChars characters. */
    public ProcessTable(IntFunction<Optional<ProcessInfo>> procLookup, long graceNs, int maxExited, long maxExitedArgChars) {
        this.procLookup = procLookup;
        this.graceNs = graceNs;
        this.maxExited = maxExited;
        this.maxExitedArgChars = maxExitedArgChars;
    }

    /**
     * Characters of command lines kept for exited processes: a container that execs as fast as it can
     * with 16 KiB argvs would otherwise keep up to maxExited of them (800 MB) for the grace period. Past
     * it, the eldest exited processes go before their grace period ends (a late event for one of them
     * is then resolved as for a process never seen).
     */
    public static final long MAX_EXITED_ARG_CHARS = 16L * 1024 * 1024;
    private final long maxExitedArgChars;
    private long exitedArgChars;

    /** Applies one event; returns it resolved, or nothing while it waits, or several when waiting ones are released. */
    public List<TracedEvent> apply(Event e) {
        eventCount++;
        latestNs = Math.max(latestNs, e.timeNs());
        List<TracedEvent> out = scratch;
        out.clear();
        switch (e) {
            case ForkEvent f -> onFork(f, out);
            case ExecEvent x -> out.add(onExec(x));
            case ExitEvent x -> out.add(onExit(x));
            case CommEvent c -> {
                ProcNode n = resolve(c.task().pid(), c.timeNs());
                if (!c.task().isThread() || c.task().tid() == c.task().pid()) {
                    n.comm = c.comm();
                    n.changed();
                }
                out.add(traced(e, n));
            }
            case IdChangeEvent id -> {
                ProcNode n = resolve(id.task().pid(), id.timeNs());
                if (id.kind() == IdChangeEvent.Kind.UID) {
                    n.uid = id.realId();
                    n.changed();
                }
                out.add(traced(e, n));
            }
            case NamespaceEvent ns -> out.add(traced(e, resolve(ns.task().pid(), ns.timeNs())));
            case SnapshotEvent s -> out.add(traced(e, adopt(s.process())));
            case LostEvent l -> out.add(TracedEvent.bare(l));
            case ContainerEvent c -> out.add(TracedEvent.bare(c));
        }
        releaseDue(out);
        expireExited();
        // One small immutable list per event (an ArrayList and its array were two); the caller may keep it.
        return out.size() == 1 ? List.of(out.getFirst()) : List.copyOf(out);
    }

    private void onFork(ForkEvent f, List<TracedEvent> out) {
        if (f.isThread()) {
            ProcNode owner = live.get(f.parent().pid());
            out.add(owner == null ? TracedEvent.bare(f) : new TracedEvent(f, owner.info(), null, null));
            return;
        }
        if (!live.containsKey(f.parent().pid()) && !createFromProc(f.parent().pid())) {
            if (held.size() < MAX_HELD) {
                held.add(new Held(f, eventCount + RETRY_EVENTS));
                return;
            }
            releasedLate++;
        }
        out.add(fork(f));
    }

    private TracedEvent fork(ForkEvent f) {
        ProcNode parent = resolve(f.parent().pid(), f.timeNs());
        ProcNode old = removeLive(f.childPid());
        if (old != null) {
            pidReuses++; // its exit was never seen: the kernel reused the pid
            retire(old, f.timeNs(), Task.UNKNOWN, 0);
        }
        ProcNode child = new ProcNode(new ProcessKey(f.childPid(), f.timeNs()), parent.pid());
        // A child starts as a copy of its parent: same program, user, cgroup and namespaces,
        // except those the clone flags ask to create anew (exec and namespace events update them).
        child.uid = parent.uid;
        child.comm = parent.comm;
        child.exe = parent.exe;
        child.args = parent.args;
        child.cwd = parent.cwd;
        child.cgroup = parent.cgroup;
        child.cgroupId = f.parent().cgroupId() != 0 ? f.parent().cgroupId() : parent.cgroupId;
        child.namespaces = parent.namespaces;
        child.nsPids = List.of();
        putLive(child);
        return new TracedEvent(f, child.info(), parent.info(), null);
    }

    private TracedEvent onExec(ExecEvent x) {
        ProcNode n = resolve(x.task().pid(), x.timeNs());
        if (!x.failed()) {
            Task t = x.task();
            if (t.comm() != null) {
                n.comm = t.comm();
            }
            if (x.filename() != null) {
                n.exe = x.filename();
            }
            // A GONE exec leaves no argv; keeping the pre-exec argv, name or program would show the
            // parent's (forkstat's mistake), so they become unknown.
            n.args = x.args();
            if (x.detail() == ExecEvent.ArgvSource.GONE) {
                n.comm = t.comm();
                n.exe = x.filename();
            }
            if (x.cwd() != null) {
                n.cwd = x.cwd();
            }
            if (t.uid() != Task.UNKNOWN) {
                n.uid = t.uid();
            }
            if (t.ppid() > 0 && t.ppid() != n.ppid) {
                setPpid(n, t.ppid());
            }
            if (t.cgroupId() != 0) {
                n.cgroupId = t.cgroupId();
            }
            n.changed();
        }
        return traced(x, n);
    }

    private TracedEvent onExit(ExitEvent x) {
        if (x.task().isThread()) {
            ProcNode owner = live.get(x.task().pid());
            return owner == null ? TracedEvent.bare(x) : new TracedEvent(x, owner.info(), null, null);
        }
        ProcNode n = removeLive(x.task().pid());
        if (n == null) {
            ProcNode late = lastExitedByPid.get(x.task().pid());
            if (late != null && late.exitNs <= x.timeNs()) {
                return traced(x, late); // a duplicate exit (e.g. healed as gone before its event came)
            }
            n = new ProcNode(new ProcessKey(x.task().pid(), 0), x.task().ppid());
            lazyCreated++;
        }
        retire(n, x.timeNs(), x.exitCode(), x.signal());
        reparentChildren(n);
        return traced(x, n);
    }

    private void retire(ProcNode n, long timeNs, int code, int signal) {
        n.exitNs = timeNs;
        n.exitCode = code;
        n.exitSignal = signal;
        n.changed();
        if (exited.put(n.key, n) == null) {
            oldestExitedNs = Math.min(oldestExitedNs, timeNs);
            n.retainedArgChars = argChars(n); // remembered: what is subtracted at expiry is what was added
            exitedArgChars += n.retainedArgChars;
        }
        lastExitedByPid.put(n.pid(), n);
    }

    private static long argChars(ProcNode n) {
        long c = 16;
        for (int i = 0, k = n.args.size(); i < k; i++) {
            c += n.args.get(i).length() + 1;
        }
        return c;
    }

    /** Orphans go to the init of their pid namespace; the kernel may have chosen a subreaper, so ask /proc later. */
    private void reparentChildren(ProcNode dead) {
        Set<ProcNode> orphans = childrenByPpid.get(dead.pid());
        if (orphans == null) {
            return;
        }
        for (ProcNode c : List.copyOf(orphans)) {
            setPpid(c, namespaceInit(c));
            c.parentUncertain = true;
            c.changed();
        }
    }

    private int namespaceInit(ProcNode c) {
        Long pidNs = c.namespaces.get("pid");
        if (pidNs != null && c.nsPids.size() > 1) {
            ProcNode init = initByPidNs.get(pidNs);
            if (init != null) {
                return init.pid();
            }
        }
        return 1;
    }

    /** Every change to the live map goes through here and {@link #removeLive}, which keep the indexes. */
    private void putLive(ProcNode n) {
        ProcNode old = live.put(n.pid(), n);
        if (old != null && old != n) {
            unindex(old);
        }
        childrenByPpid.computeIfAbsent(n.ppid, k -> new HashSet<>()).add(n);
        Long pidNs = n.namespaces.get("pid");
        if (pidNs != null && !n.nsPids.isEmpty() && n.nsPids.getLast() == 1) {
            initByPidNs.put(pidNs, n);
        }
    }

    private ProcNode removeLive(int pid) {
        ProcNode n = live.remove(pid);
        if (n != null) {
            unindex(n);
            Set<ProcNode> children = childrenByPpid.get(pid);
            if (children != null && children.isEmpty()) {
                childrenByPpid.remove(pid); // kept empty while it lived (below); not once it is gone
            }
        }
        return n;
    }

    private void unindex(ProcNode n) {
        Set<ProcNode> siblings = childrenByPpid.get(n.ppid);
        // A live parent keeps its empty set: a shell forking one child at a time would otherwise
        // make and drop a set (and its table) per child.
        if (siblings != null && siblings.remove(n) && siblings.isEmpty() && !live.containsKey(n.ppid)) {
            childrenByPpid.remove(n.ppid);
        }
        Long pidNs = n.namespaces.get("pid");
        if (pidNs != null) {
            initByPidNs.remove(pidNs, n);
        }
    }

    private void setPpid(ProcNode n, int ppid) {
        if (live.get(n.pid()) == n) {
            unindex(n);
            n.ppid = ppid;
            putLive(n);
        } else {
            n.ppid = ppid;
        }
    }

    /** The live process with this pid, created from /proc (or a bare record) if it was never seen. */
    private ProcNode resolve(int pid, long timeNs) {
        ProcNode n = live.get(pid);
        if (n == null) {
            if (!createFromProc(pid)) {
                n = new ProcNode(new ProcessKey(pid, timeNs), Task.UNKNOWN);
                putLive(n);
                lazyCreated++;
                return n;
            }
            n = live.get(pid);
        }
        if (n.parentUncertain) {
            n.parentUncertain = false;
            Optional<ProcessInfo> now = procLookup.apply(pid);
            if (now.isPresent() && now.get().ppid() != n.ppid) {
                setPpid(n, now.get().ppid());
                n.changed();
            }
        }
        return n;
    }

    private boolean createFromProc(int pid) {
        Optional<ProcessInfo> p = procLookup.apply(pid);
        if (p.isEmpty()) {
            return false;
        }
        putLive(ProcNode.of(p.get()));
        lazyCreated++;
        return true;
    }

    private ProcNode adopt(ProcessInfo p) {
        ProcNode n = ProcNode.of(p);
        putLive(n);
        return n;
    }

    private TracedEvent traced(Event e, ProcNode n) {
        ProcNode parent = live.get(n.ppid);
        return new TracedEvent(e, n.info(), parent == null ? null : parent.info(), null);
    }

    /** Releases held forks whose parent is now known, or whose wait is over. */
    private void releaseDue(List<TracedEvent> out) {
        if (held.isEmpty()) {
            return;
        }
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            boolean parentKnown = live.containsKey(h.fork().parent().pid());
            if (parentKnown || eventCount >= h.deadline()) {
                it.remove();
                if (!parentKnown) {
                    releasedLate++;
                }
                out.add(fork(h.fork()));
            }
        }
    }

    private void expireExited() {
        boolean withinBounds = exited.size() <= maxExited && exitedArgChars <= maxExitedArgChars;
        if (withinBounds && latestNs - oldestExitedNs < graceNs) {
            return; // the common case: nothing is due, and no iterator is made per event
        }
        oldestExitedNs = Long.MAX_VALUE;
        for (Iterator<ProcNode> it = exited.values().iterator(); it.hasNext(); ) {
            ProcNode n = it.next();
            if (exited.size() <= maxExited && exitedArgChars <= maxExitedArgChars && latestNs - n.exitNs < graceNs) {
                oldestExitedNs = n.exitNs;
                break; // insertion order is exit order: the rest are younger
            }
            it.remove();
            exitedArgChars -= n.retainedArgChars;
            lastExitedByPid.remove(n.pid(), n);
        }
    }

    /**
     * Reconciles with a fresh /proc scan after a loss: adds what was missed, retires what is gone
     * (exit status unknown), fixes parents. Returns the processes that were found gone, as exits.
     */
    public List<TracedEvent> heal(List<ProcessInfo> scan, long nowNs) {
        heals++;
        Map<Integer, ProcessInfo> seen = new HashMap<>();
        for (ProcessInfo p : scan) {
            seen.put(p.pid(), p);
        }
        List<TracedEvent> out = new ArrayList<>();
        for (ProcNode n : List.copyOf(live.values())) {
            ProcessInfo now = seen.get(n.pid());
            if (now == null) {
                removeLive(n.pid());
                retire(n, nowNs, Task.UNKNOWN, 0);
                out.add(new TracedEvent(new ExitEvent(nowNs, new Task(n.pid(), n.pid(), n.ppid, n.uid, n.comm,
                        n.cgroupId, 0, Task.UNKNOWN), Task.UNKNOWN, 0, false), n.info(), null, null));
            }
        }
        for (ProcessInfo p : scan) {
            ProcNode n = live.get(p.pid());
            if (n == null) {
                putLive(ProcNode.of(p));
            } else if (n.ppid != p.ppid() || n.parentUncertain || n.nsPids.isEmpty()) {
                unindex(n);
                n.ppid = p.ppid();
                n.nsPids = p.nsPids();
                n.namespaces = p.namespaces().isEmpty() ? n.namespaces : p.namespaces();
                n.cgroup = p.cgroup() != null ? p.cgroup() : n.cgroup;
                n.parentUncertain = false;
                n.changed();
                putLive(n);
            }
        }
        return out;
    }

    public Optional<ProcessInfo> get(int pid) {
        ProcNode n = live.get(pid);
        return n == null ? Optional.empty() : Optional.of(n.info());
    }

    /** The live process or the last exited one with this pid, if still kept. */
    public Optional<ProcessInfo> getIncludingExited(int pid) {
        ProcNode n = live.get(pid);
        if (n == null) {
            n = lastExitedByPid.get(pid);
        }
        return n == null ? Optional.empty() : Optional.of(n.info());
    }

    /** Every live process, as an immutable list (a snapshot). */
    public List<ProcessInfo> live() {
        List<ProcessInfo> out = new ArrayList<>(live.size());
        for (ProcNode n : live.values()) {
            out.add(n.info());
        }
        return out;
    }

    /** The live children of pid, in pid order. */
    public List<ProcessInfo> children(int pid) {
        return childrenByPpid.getOrDefault(pid, Set.of()).stream().filter(n -> n.pid() != pid).map(ProcNode::info)
                .sorted(java.util.Comparator.comparingInt(ProcessInfo::pid)).toList();
    }

    public Collection<ProcessInfo> exited() {
        return exited.values().stream().map(ProcNode::info).toList();
    }

    public TableStats stats() {
        return new TableStats(live.size(), exited.size(), held.size(), releasedLate, pidReuses, heals, lazyCreated);
    }
}
