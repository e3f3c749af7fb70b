package io.boxtrace.container;

import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.source.procfs.CgroupPath;
import io.boxtrace.source.procfs.ProcReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongUnaryOperator;

/**
 * Attributes every process to its container, starting from the kernel's facts: the cgroup path
 * (re-read at each exec, since {@code runc exec} moves the process in before it execs), then the
 * pid namespace (a process that entered with nsenter/setns keeps a host cgroup but shares the
 * container's pid namespace), then, for a process in a pid namespace no known container owns, a
 * stable id of its own ({@code pidns-<inode>} or its cgroup's name). Names and images are asked of
 * the runtime once per container ({@link ContainerMetadata}). Emits container start (first process
 * seen) and stop (last process gone) events.
 *
 * <p>Owned by the pipeline thread: not thread-safe.
 */
public final class ContainerRegistry {

    private final ProcReader proc;
    private final ContainerMetadata metadata;
    private final CgroupIdIndex cgroupIds;
    private final PidNsRuntimes pidNsRuntimes;
    /** The parent record of the exec being enriched (pipeline thread), for containers gone from /proc. */
    private ProcessInfo eventParent;
    private final ContainerdState containerd;
    /** Every index points at one holder per container, so naming it later is one assignment. */
    private final Map<String, KnownContainer> byId = new HashMap<>();
    private final Map<Integer, KnownContainer> byPid = new HashMap<>();
    private final Map<Long, KnownContainer> byPidNs = new HashMap<>();
    /** cgroup v2 id → container (absent: not learned yet; HOST: no container). Kernel sources give the id per event. */
    private final Map<Long, KnownContainer> byCgroupId = new HashMap<>();
    private static final KnownContainer HOST = new KnownContainer(
            new ContainerInfo("host", null, null, "host", Map.of(), null, null));
    private final Map<String, KnownContainer> live = new HashMap<>();
    private final List<TracedEvent> pending = new ArrayList<>();

    /** /proc start times have USER_HZ (10 ms) resolution; a reused pid started much later. */
    private static final long SAME_START_TOLERANCE_NS = 30_000_000L;
    private final LongUnaryOperator bootToMono;

    /**
     * @param bootToMono converts /proc's CLOCK_BOOTTIME start times to the events' CLOCK_MONOTONIC,
     *                   to check that /proc/PID is still the process an event is about
     */
    public ContainerRegistry(ProcReader proc, ContainerMetadata metadata, CgroupIdIndex cgroupIds,
                             LongUnaryOperator bootToMono) {
        this(proc, metadata, cgroupIds, bootToMono, PidNsRuntimes.host(proc), ContainerdState.host());
    }

    /**
     * @param pidNsRuntimes names containers known only by a pid namespace of their own
     * @param containerd    tells containerd's {@code /<namespace>/<id>} cgroups from any other
     */
    public ContainerRegistry(ProcReader proc, ContainerMetadata metadata, CgroupIdIndex cgroupIds,
                             LongUnaryOperator bootToMono, PidNsRuntimes pidNsRuntimes, ContainerdState containerd) {
        this.proc = proc;
        this.metadata = metadata;
        this.cgroupIds = cgroupIds;
        this.bootToMono = bootToMono;
        this.pidNsRuntimes = pidNsRuntimes;
        this.containerd = containerd;
    }

    /** The event with the container of its process, tracking container starts and stops. */
    public TracedEvent enrich(TracedEvent t) {
        Event e = t.event();
        ProcessInfo p = t.process();
        eventParent = e instanceof ExecEvent ? t.parent() : null;
        KnownContainer c = switch (e) {
            case SnapshotEvent s -> track(s.process().pid(), Scaffolding.running(s.process()) ? null : resolve(s.process()),
                    e.timeNs());
            case ForkEvent f -> f.isThread() ? byPid.get(f.parent().pid())
                    : track(f.childPid(), byPid.get(f.parent().pid()), e.timeNs());
            case ExecEvent x -> x.failed() ? byPid.get(x.task().pid()) : track(x.task().pid(), atExec(x, p), e.timeNs());
            case ExitEvent x -> x.task().isThread() ? byPid.get(x.task().pid()) : untrack(x.task().pid(), e.timeNs());
            default -> p == null ? null : byPid.get(p.pid());
        };
        return c == null ? t : t.withContainer(c.info);
    }

    /** Container start/stop events derived since the last call, in order. */
    public List<TracedEvent> drainExtra() {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<TracedEvent> out = List.copyOf(pending);
        pending.clear();
        return out;
    }

    /**
     * At exec the process's cgroup and namespaces are its own for sure. When the source gave the
     * cgroup id and the task is in its host pid namespace (nspid == pid), a cgroup seen before
     * answers without touching /proc; otherwise /proc is read again and the answer learned.
     */
    private KnownContainer atExec(ExecEvent x, ProcessInfo p) {
        Task task = x.task();
        long cg = task.cgroupId();
        boolean hostPidNs = task.nsPid() != Task.UNKNOWN && task.nsPid() == task.pid();
        if (Scaffolding.atExec(x, p)) {
            return byPid.get(task.pid()); // what it inherited at fork: the runtime's side, never the container
        }
        if (cg != 0) {
            KnownContainer known = byCgroupId.get(cg);
            if (known != null && (known != HOST || hostPidNs)) {
                return known == HOST ? null : known;
            }
        }
        KnownContainer c;
        Optional<String> path = cg != 0 ? cgroupIds.path(cg) : Optional.empty();
        if (path.isPresent() && task.pidNs() != 0) {
            // The kernel's own facts for this very task: no /proc read, nothing stale.
            c = resolve(task.pid(), path.get(), task.pidNs(), hostPidNs ? 1 : 2);
        } else if (cg != 0 && task.pidNs() != 0 && proc.cgroup(task.pid()).isEmpty()) {
            // Gone before /proc could be read: the cgroup may be newer than the last walk; walk again.
            path = cgroupIds.path(cg, true);
            c = path.isPresent() ? resolve(task.pid(), path.get(), task.pidNs(), hostPidNs ? 1 : 2) : byPid.get(task.pid());
        } else {
            path = Optional.empty();
            c = readAtExec(x, p);
        }
        if (cg != 0 && path.isPresent()) {
            learn(cg, path.get(), c, hostPidNs);
        }
        return c;
    }

    /**
     * Remembers what a cgroup id means, but only what the cgroup itself says: a container its path
     * names, or the host for a host process in a cgroup that names none. A process placed by its pid
     * namespace (nsenter, a debug shell) sits in a host cgroup; learning that cgroup as the container
     * would put every later host process of that cgroup into it.
     */
    private void learn(long cg, String path, KnownContainer c, boolean hostPidNs) {
        Optional<CgroupRef> ref = CgroupParser.parse(path);
        if (c != null && ref.isPresent() && ref.get().id().equals(c.info.id())) {
            byCgroupId.put(cg, c);
            c.cgroupIds.add(cg);
        } else if (c == null && ref.isEmpty() && hostPidNs) {
            byCgroupId.put(cg, HOST);
        }
    }

    private KnownContainer readAtExec(ExecEvent x, ProcessInfo p) {
        int pid = x.task().pid();
        // Read only while /proc/PID is still this process: pid_max is small and the pipeline can lag a
        // storm, so the pid may already be another process's, with another cgroup.
        Optional<String> fresh = sameProcess(pid, p) ? proc.cgroup(pid).map(CgroupPath::choose) : Optional.empty();
        if (fresh.isPresent() && !sameProcess(pid, p)) {
            fresh = Optional.empty();
        }
        if (fresh.isEmpty()) {
            // Gone before /proc could be read: what it inherited at fork, else what its serving shim says.
            KnownContainer inherited = byPid.get(pid);
            return inherited != null ? inherited : servedBy(p, eventParent);
        }
        String cgroup = fresh.get();
        long pidNs = x.task().pidNs() != 0 ? x.task().pidNs()
                : proc.namespaceInode(pid, "pid").orElse(p == null ? 0L : p.pidNamespace());
        int nsDepth = x.task().nsPid() != Task.UNKNOWN && x.task().nsPid() != pid ? 2
                : proc.status(pid).map(s -> s.nsPids().size()).orElse(p == null ? 1 : Math.max(1, p.nsPids().size()));
        KnownContainer c = resolve(pid, cgroup, pidNs, nsDepth);
        return c != null ? c : byPid.get(pid);
    }

    /**
     * The container a host runtime process serves ({@link ServingRuntime}), for a process whose
     * program is known and is no runtime's: a shim also runs {@code runc create/start/delete} as its
     * children, which serve the container without being part of it, and a program whose argv was
     * lost could be one of them. Only a parent that is itself in no container, so nothing inside a
     * container can claim another by its argv.
     */
    private KnownContainer servedBy(ProcessInfo p, ProcessInfo parent) {
        if (p == null || p.args().isEmpty() || parent == null || byPid.get(parent.pid()) != null) {
            return null;
        }
        String program = ContainerRuntime.baseName(p.args().getFirst());
        if (ContainerRuntime.isScaffoldingName(program) || ContainerRuntime.isScaffoldingName(p.comm())
                || ContainerRuntime.isDaemonName(program)) {
            return null;
        }
        return ServingRuntime.servedBy(parent.comm(), parent.args()).map(ref -> known(ref, null)).orElse(null);
    }

    private boolean sameProcess(int pid, ProcessInfo p) {
        if (p == null || p.startNs() <= 0) {
            return true; // nothing to compare with: the event itself is the only fact
        }
        return proc.stat(pid).filter(st -> Math.abs(bootToMono.applyAsLong(st.startBootNs()) - p.startNs())
                <= SAME_START_TOLERANCE_NS).isPresent();
    }

    private KnownContainer resolve(ProcessInfo p) {
        return resolve(p.pid(), p.cgroup(), p.pidNamespace(), Math.max(1, p.nsPids().size()));
    }

    /**
     * cgroup path first (containerd's ambiguous {@code /<namespace>/<id>} only when containerd has
     * that task), then a known pid namespace, then a container of its own when nested in a pid
     * namespace, named by the process that made it ({@link PidNsRuntimes}).
     */
    KnownContainer resolve(int pid, String cgroup, long pidNs, int nsDepth) {
        Optional<CgroupRef> ref = CgroupParser.parse(cgroup);
        if (ref.isEmpty() && nsDepth > 1) {
            ref = containerd.fromCgroup(cgroup);
        }
        if (ref.isPresent()) {
            KnownContainer c = known(ref.get(), cgroup);
            if (pidNs != 0 && nsDepth > 1 && byPidNs.putIfAbsent(pidNs, c) == null) {
                c.pidNamespaces.add(pidNs);
            }
            return c;
        }
        if (pidNs != 0 && byPidNs.containsKey(pidNs)) {
            return byPidNs.get(pidNs);
        }
        if (nsDepth > 1 && pidNs != 0) {
            KnownContainer c = ownPidNs(pid, cgroup, pidNs);
            byPidNs.put(pidNs, c);
            c.pidNamespaces.add(pidNs);
            return c;
        }
        return null;
    }

    /**
     * A container with a pid namespace of its own that no cgroup names: named by its runtime when
     * {@link PidNsRuntimes} recognises it, else by its cgroup's base name, else {@code pidns-<inode>}.
     * An id already held by a live container in another pid namespace is not reused.
     */
    private KnownContainer ownPidNs(int pid, String cgroup, long pidNs) {
        // The parent's record is believed only for a parent on the host (never a container's process).
        ProcessInfo parent = eventParent != null && eventParent.pid() != pid && byPid.get(eventParent.pid()) == null
                ? eventParent : null;
        ContainerInfo named = pidNsRuntimes.identify(pid, pidNs, cgroup, parent == null ? null : parent.comm(),
                parent == null ? null : parent.args()).orElse(null);
        if (named != null) {
            KnownContainer k = byId.get(named.id());
            if (k == null) {
                k = new KnownContainer(named);
                byId.put(named.id(), k);
                return k;
            }
            if (k.pidNamespaces.isEmpty()) {
                k.info = named;
                return k;
            }
        }
        String leaf = cgroup == null || cgroup.equals("/") ? null : Path.of(cgroup).getFileName().toString();
        KnownContainer byLeaf = leaf == null ? null : byId.get(leaf);
        String id = leaf != null && (byLeaf == null || byLeaf.pidNamespaces.isEmpty()) ? leaf : "pidns-" + pidNs;
        return byId.computeIfAbsent(id, k -> new KnownContainer(new ContainerInfo(k, k.equals(leaf) ? leaf : null,
                null, ContainerRuntime.UNKNOWN.id(), Map.of(), null, cgroup)));
    }

    /**
     * The holder of the container a cgroup names. The id is the kernel's fact (the cgroup's); the
     * runtime only adds name, image and labels, asked when first seen and again on later sightings
     * while it has no name (the runtime may not know a container it is still creating).
     */
    private KnownContainer known(CgroupRef ref, String cgroup) {
        KnownContainer k = byId.get(ref.id());
        if (k != null && (k.info.name() != null || !k.retryDue())) {
            return k;
        }
        ContainerInfo parent = ref.parent() == null ? null : known(ref.parent(), null).info;
        ContainerMeta meta = metadata.lookup(ref, parent == null ? -1 : pidIn(parent)).orElse(null);
        Map<String, String> labels = new HashMap<>(meta == null ? Map.of() : meta.labels());
        if (ref.podUid() != null) {
            labels.putIfAbsent("io.kubernetes.pod.uid", ref.podUid());
        }
        ContainerInfo c = new ContainerInfo(ref.id(), meta == null ? null : meta.name(),
                meta == null ? null : meta.image(), ref.runtime(), labels, parent, cgroup);
        if (k == null) {
            k = new KnownContainer(c);
            byId.put(ref.id(), k);
        } else if (c.name() != null) {
            k.info = c; // named at last: every index already points here
        }
        return k;
    }

    /** A live process of a container (the lowest pid: its init or daemon, usually), or -1. */
    private int pidIn(ContainerInfo c) {
        int best = -1;
        for (var e : byPid.entrySet()) {
            if (e.getValue() != null && e.getValue().info.id().equals(c.id()) && (best < 0 || e.getKey() < best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    private KnownContainer track(int pid, KnownContainer c, long timeNs) {
        // Host processes are not stored (absent reads as null): no entry per host fork in a storm,
        // and the map's size follows the containers' processes, not the host's.
        KnownContainer old = c == null ? byPid.remove(pid) : byPid.put(pid, c);
        if (old == c) {
            return c;
        }
        if (old != null) {
            release(old, timeNs);
        }
        if (c != null && c.processes++ == 0) {
            live.put(c.info.id(), c);
            pending.add(TracedEvent.bare(new ContainerEvent(timeNs, ContainerEvent.Kind.START, c.info)));
        }
        return c;
    }

    private KnownContainer untrack(int pid, long timeNs) {
        KnownContainer c = byPid.remove(pid);
        if (c != null) {
            release(c, timeNs);
        }
        return c;
    }

    private void release(KnownContainer c, long timeNs) {
        if (--c.processes <= 0) {
            c.processes = 0;
            live.remove(c.info.id());
            // Its pid namespace and cgroup die with it, and the kernel reuses their inode numbers:
            // forget them so a later container or host process is not taken for this one. The holder
            // goes too, so memory follows the containers alive, not every container ever seen.
            c.pidNamespaces.forEach(ns -> byPidNs.remove(ns, c));
            c.cgroupIds.forEach(id -> byCgroupId.remove(id, c));
            byId.remove(c.info.id(), c);
            pending.add(TracedEvent.bare(new ContainerEvent(timeNs, ContainerEvent.Kind.STOP, c.info)));
        }
    }

    /** Sizes of the registry's maps, for bench/soak.sh: they must come back to their baseline after churn. */
    public java.util.Map<String, Integer> sizes() {
        return java.util.Map.of("containers_by_id", byId.size(), "pids", byPid.size(), "pid_namespaces", byPidNs.size(),
                "cgroup_ids", byCgroupId.size(), "live_containers", live.size(),
                "cgroup_index", cgroupIds.size());
    }

    /** The container a live pid is attributed to, or null on the host. */
    public ContainerInfo containerOf(int pid) {
        KnownContainer c = byPid.get(pid);
        return c == null ? null : c.info;
    }

    /** Containers with live processes now. */
    public List<ContainerInfo> live() {
        return live.values().stream().map(c -> c.info).toList();
    }

    /** Containers known (live, or seen and not yet stopped); for memory-bound tests and stats. */
    public int knownContainers() {
        return byId.size();
    }
}
