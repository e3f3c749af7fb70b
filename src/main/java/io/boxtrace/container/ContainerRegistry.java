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
    private final Map<String, ContainerInfo> byId = new HashMap<>();
    private final Map<Integer, ContainerInfo> byPid = new HashMap<>();
    private final Map<Long, ContainerInfo> byPidNs = new HashMap<>();
    /** cgroup v2 id → container (absent: not learned yet; HOST: no container). Kernel sources give the id per event. */
    private final Map<Long, ContainerInfo> byCgroupId = new HashMap<>();
    private static final ContainerInfo HOST = new ContainerInfo("host", null, null, "host", Map.of(), null, null);
    private final Map<String, Integer> liveCount = new HashMap<>();
    private final List<TracedEvent> pending = new ArrayList<>();
    private static final int NAME_RETRIES = 10;
    private static final long NAME_RETRY_MS = 50;
    /** id → {tries, last try in ms} for containers the runtime did not name at first sight. */
    private final Map<String, long[]> nameRetries = new HashMap<>();

    public ContainerRegistry(ProcReader proc, ContainerMetadata metadata, CgroupIdIndex cgroupIds) {
        this.proc = proc;
        this.metadata = metadata;
        this.cgroupIds = cgroupIds;
    }

    /** The event with the container of its process, tracking container starts and stops. */
    public TracedEvent enrich(TracedEvent t) {
        Event e = t.event();
        ProcessInfo p = t.process();
        ContainerInfo c = switch (e) {
            case SnapshotEvent s -> track(s.process().pid(), resolve(s.process()), e.timeNs());
            case ForkEvent f -> f.isThread() ? byPid.get(f.parent().pid())
                    : track(f.childPid(), byPid.get(f.parent().pid()), e.timeNs());
            case ExecEvent x -> x.failed() ? byPid.get(x.task().pid()) : track(x.task().pid(), atExec(x, p), e.timeNs());
            case ExitEvent x -> x.task().isThread() ? byPid.get(x.task().pid()) : untrack(x.task().pid(), e.timeNs());
            default -> p == null ? null : byPid.get(p.pid());
        };
        return c == null ? t : t.withContainer(c);
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
    private ContainerInfo atExec(ExecEvent x, ProcessInfo p) {
        Task task = x.task();
        long cg = task.cgroupId();
        boolean hostPidNs = task.nsPid() != Task.UNKNOWN && task.nsPid() == task.pid();
        if (cg != 0) {
            ContainerInfo known = byCgroupId.get(cg);
            if (known != null && (known != HOST || hostPidNs)) {
                return known == HOST ? null : known;
            }
        }
        ContainerInfo c;
        Optional<String> exact = cg != 0 ? cgroupIds.path(cg) : Optional.empty();
        if (exact.isPresent() && task.pidNs() != 0) {
            // The kernel's own facts for this very task: no /proc read, nothing stale.
            c = resolve(exact.get(), task.pidNs(), hostPidNs ? 1 : 2);
        } else if (cg != 0 && task.pidNs() != 0 && proc.cgroup(task.pid()).isEmpty()) {
            // Gone before /proc could be read: the cgroup may be newer than the last walk; walk again.
            Optional<String> late = cgroupIds.path(cg, true);
            c = late.isPresent() ? resolve(late.get(), task.pidNs(), hostPidNs ? 1 : 2) : byPid.get(task.pid());
        } else {
            c = readAtExec(x, p);
        }
        if (cg != 0 && (c != null || hostPidNs)) {
            byCgroupId.put(cg, c == null ? HOST : c);
        }
        return c;
    }

    private ContainerInfo readAtExec(ExecEvent x, ProcessInfo p) {
        int pid = x.task().pid();
        Optional<String> fresh = proc.cgroup(pid).map(CgroupPath::choose);
        if (fresh.isEmpty()) {
            return byPid.get(pid); // gone before /proc could be read: keep what it inherited at fork
        }
        String cgroup = fresh.get();
        long pidNs = x.task().pidNs() != 0 ? x.task().pidNs()
                : proc.namespaceInode(pid, "pid").orElse(p == null ? 0L : p.pidNamespace());
        int nsDepth = x.task().nsPid() != Task.UNKNOWN && x.task().nsPid() != pid ? 2
                : proc.status(pid).map(s -> s.nsPids().size()).orElse(p == null ? 1 : Math.max(1, p.nsPids().size()));
        ContainerInfo c = resolve(cgroup, pidNs, nsDepth);
        return c != null ? c : byPid.get(pid);
    }

    private ContainerInfo resolve(ProcessInfo p) {
        return resolve(p.cgroup(), p.pidNamespace(), Math.max(1, p.nsPids().size()));
    }

    /** cgroup path first, then a known pid namespace, then a container of its own when nested in a pid namespace. */
    ContainerInfo resolve(String cgroup, long pidNs, int nsDepth) {
        Optional<CgroupRef> ref = CgroupParser.parse(cgroup);
        if (ref.isPresent()) {
            ContainerInfo c = info(ref.get(), cgroup);
            if (pidNs != 0 && nsDepth > 1) {
                byPidNs.putIfAbsent(pidNs, c);
            }
            return c;
        }
        if (pidNs != 0 && byPidNs.containsKey(pidNs)) {
            return byPidNs.get(pidNs);
        }
        if (nsDepth > 1 && pidNs != 0) {
            String name = cgroup == null || cgroup.equals("/") ? null : Path.of(cgroup).getFileName().toString();
            String id = name != null ? name : "pidns-" + pidNs;
            ContainerInfo c = byId.computeIfAbsent(id, k -> new ContainerInfo(k, name, null, directRuntime(k), Map.of(),
                    null, cgroup));
            byPidNs.put(pidNs, c);
            return c;
        }
        return null;
    }

    /** runc and crun used directly keep their state under /run/<runtime>/<id>. */
    private static String directRuntime(String id) {
        if (Files.isDirectory(Path.of("/run/runc", id))) {
            return "runc";
        }
        if (Files.isDirectory(Path.of("/run/crun", id))) {
            return "crun";
        }
        return "unknown";
    }

    private ContainerInfo info(CgroupRef ref, String cgroup) {
        ContainerInfo known = byId.get(ref.id());
        if (known != null && (known.name() != null || !retryDue(ref.id()))) {
            return known;
        }
        ContainerInfo parent = ref.parent() == null ? null : info(ref.parent(), null);
        ContainerMeta meta = metadata.lookup(ref).orElse(null);
        Map<String, String> labels = new HashMap<>(meta == null ? Map.of() : meta.labels());
        if (ref.podUid() != null) {
            labels.putIfAbsent("io.kubernetes.pod.uid", ref.podUid());
        }
        // The id is the kernel's fact (the cgroup's); the runtime only adds name, image and labels.
        ContainerInfo c = new ContainerInfo(ref.id(), meta == null ? null : meta.name(),
                meta == null ? null : meta.image(), ref.runtime(), labels, parent, cgroup);
        if (known != null && c.name() == null) {
            return known;
        }
        if (known != null) {
            // Named at last: later events carry the name; processes already attributed follow.
            byPid.replaceAll((pid, old) -> old == known ? c : old);
            byPidNs.replaceAll((ns, old) -> old == known ? c : old);
        }
        byId.put(ref.id(), c);
        return c;
    }

    /**
     * A container first seen while the runtime was still creating it may not be known to the
     * runtime's API yet: ask again on later sightings, at most every {@value #NAME_RETRY_MS} ms and
     * {@value #NAME_RETRIES} times.
     */
    private boolean retryDue(String id) {
        long now = System.currentTimeMillis();
        long[] state = nameRetries.computeIfAbsent(id, k -> new long[] {0, now});
        if (state[0] >= NAME_RETRIES || now - state[1] < NAME_RETRY_MS) {
            return false;
        }
        state[0]++;
        state[1] = now;
        return true;
    }

    private ContainerInfo track(int pid, ContainerInfo c, long timeNs) {
        ContainerInfo old = byPid.put(pid, c);
        if (old == c) {
            return c;
        }
        if (old != null) {
            release(old, timeNs);
        }
        if (c != null && liveCount.merge(c.id(), 1, Integer::sum) == 1) {
            pending.add(TracedEvent.bare(new ContainerEvent(timeNs, ContainerEvent.Kind.START, c)));
        }
        return c;
    }

    private ContainerInfo untrack(int pid, long timeNs) {
        ContainerInfo c = byPid.remove(pid);
        if (c != null) {
            release(c, timeNs);
        }
        return c;
    }

    private void release(ContainerInfo c, long timeNs) {
        Integer left = liveCount.merge(c.id(), -1, Integer::sum);
        if (left != null && left <= 0) {
            liveCount.remove(c.id());
            // Its pid namespace and cgroup die with it, and the kernel reuses their inode numbers:
            // forget them so a later container or host process is not taken for this one.
            byPidNs.values().removeIf(x -> x == c);
            byCgroupId.values().removeIf(x -> x == c);
            pending.add(TracedEvent.bare(new ContainerEvent(timeNs, ContainerEvent.Kind.STOP, c)));
        }
    }

    /** The container a live pid is attributed to, or null on the host. */
    public ContainerInfo containerOf(int pid) {
        return byPid.get(pid);
    }

    /** Containers with live processes now. */
    public List<ContainerInfo> live() {
        return liveCount.keySet().stream().map(id -> byPid.values().stream().filter(c -> c != null && c.id().equals(id))
                .findFirst().orElse(null)).filter(java.util.Objects::nonNull).toList();
    }
}
