package io.boxtrace.analysis.build;

import io.boxtrace.container.ContainerRuntime;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Sink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects, from the traced event stream, every process that runs in a build container, grouped by
 * that container: fork and exit times (CLOCK_MONOTONIC ns from the kernel), each exec'd program
 * with its argv (and whether the argv was lost), exit codes. A process belongs to a container by
 * its cgroup (the event's {@link ContainerInfo}, from the container registry) or, when its cgroup is
 * not yet known, by being forked by a process of that container.
 * Command text is never used to decide where a process belongs.
 *
 * <p>It also follows the descendants of the build client (the {@code docker}/{@code podman}
 * process boxtrace started), because Buildah runs each RUN container under the podman process.
 *
 * <p>Called on the pipeline thread only; read {@link #containers()} after the pipeline stopped.
 */
public final class BuildProfileAnalysis implements Sink {

    private final Map<ProcessKey, TracedProcess> processes = new HashMap<>();
    private final Map<String, ContainerActivity> containers = new LinkedHashMap<>();
    private final Set<ProcessKey> clientTree = new HashSet<>();
    /**
     * Starts of containers not seen yet: a recording may hold a container's start just before the
     * event that brought its first process (same timestamp). Bounded: only the newest are kept.
     */
    private final Map<String, Long> startsAhead = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 256;
        }
    };
    /** pid → the overlay layers of its root mount and its environment (BuildKit executors), or empty. */
    private final java.util.function.IntFunction<java.util.Optional<RootLayer.ExecutorRoot>> executorRoot;

    public BuildProfileAnalysis() {
        this(pid -> java.util.Optional.empty());
    }

    /** @param executorRoot reads a live process's root overlay layers and environment (RootLayer.read) */
    public BuildProfileAnalysis(java.util.function.IntFunction<java.util.Optional<RootLayer.ExecutorRoot>> executorRoot) {
        this.executorRoot = executorRoot;
    }

    /** Written by the command's thread right after starting the client, read on the pipeline thread. */
    private volatile int clientPid = -1;

    /** Follows the descendants of this pid (the build command) from now on; -1 to follow none. Any thread. */
    public void followClient(int pid) {
        this.clientPid = pid;
    }

    @Override
    public void accept(TracedEvent t) {
        switch (t.event()) {
            case ForkEvent f -> onFork(f, t);
            case ExecEvent e -> onExec(e, t);
            case ExitEvent x -> onExit(x, t);
            case ContainerEvent c -> onContainer(c);
            case io.boxtrace.event.CommEvent c -> {
                TracedProcess tp = t.process() == null || c.task().isThread() ? null : processes.get(t.process().key());
                if (tp != null && c.comm() != null) {
                    tp.lastComm = c.comm();
                }
            }
            case SnapshotEvent s -> onSnapshot(s, t);
            default -> {
                // id changes, namespaces and losses do not change a build profile
            }
        }
        ContainerInfo c = t.event() instanceof ContainerEvent ce ? ce.container() : t.container();
        ContainerActivity ca = c == null || c.image() == null ? null : containers.get(c.id());
        if (ca != null && ca.image == null) {
            ca.image = c.image(); // the runtime may name a container after its first process
        }
    }

    private void onFork(ForkEvent f, TracedEvent t) {
        if (f.isThread() || t.process() == null) {
            return;
        }
        ProcessInfo child = t.process();
        ProcessInfo parent = t.parent();
        ProcessKey parentKey = parent == null ? null : parent.key();
        int client = clientPid;
        if (f.childPid() == client || f.parent().pid() == client || (parentKey != null && clientTree.contains(parentKey))) {
            clientTree.add(child.key());
        }
        TracedProcess tracedParent = parentKey == null ? null : processes.get(parentKey);
        if (tracedParent != null) {
            // A fork inside the container: the kernel starts the child in its parent's cgroup.
            track(child, f.parent().pid(), parentKey, tracedParent.containerId, true);
            return;
        }
        ContainerInfo c = buildContainer(t);
        if (c != null) {
            // The registry gives a fork its parent's container: the parent was in it already, so the
            // container existed before this first sighting (a service container's loop).
            ContainerActivity ca = containers.get(c.id());
            if (ca == null) {
                ca = container(c, t);
                ca.existedBefore = true;
            }
            track(child, f.parent().pid(), parentKey, ca.id, false);
        }
    }

    private void onExec(ExecEvent e, TracedEvent t) {
        ProcessInfo p = t.process();
        if (p == null || e.failed() || e.task().isThread()) {
            return;
        }
        TracedProcess tp = processes.get(p.key());
        ContainerInfo c = buildContainer(t);
        if (tp == null || (c != null && !c.id().equals(tp.containerId))) {
            if (c == null) {
                return;
            }
            // The runtime's init entered the container cgroup and exec'd the step's command.
            ContainerActivity ca = container(c, t);
            ProcessInfo parent = t.parent();
            TracedProcess parentTp = parent == null ? null : processes.get(parent.key());
            boolean inside = parentTp != null && parentTp.containerId.equals(ca.id);
            tp = track(p, p.ppid(), parent == null ? null : parent.key(), ca.id, inside);
            if (!inside && ca.runtimeForkNs == 0) {
                ca.runtimeForkNs = p.startNs();
                ca.runtimeStartNs = parent == null ? 0 : parent.startNs();
            }

        }
        ContainerActivity own = containers.get(tp.containerId);
        if (own != null && own.rootUpperDir == null && io.boxtrace.container.ContainerRuntime.of(own.runtime)
                == io.boxtrace.container.ContainerRuntime.BUILDKIT) {
            // Read at every exec until found: runc's own init execs before pivot_root, when the root
            // is still the host's (and its environment runc's); the step's command execs on the executor's
            // overlay with the step's environment.
            executorRoot.apply(p.pid()).ifPresent(r -> {
                own.rootUpperDir = r.upperDir();
                own.rootLowerDirs = r.lowerDirs();
                own.env = r.env();
            });
        }
        List<String> args = e.args().isEmpty() && e.detail() != ExecEvent.ArgvSource.GONE ? p.args() : e.args();
        String comm = e.task().comm() != null ? e.task().comm() : p.comm();
        if (isRuntimeInit(args, comm)) {
            return; // runc's own bootstrap inside the container cgroup: set-up, not a command of the step
        }
        boolean fromProc = e.detail() == ExecEvent.ArgvSource.PROC;
        if (fromProc && !tp.images.isEmpty()) {
            TracedProcess.Image prev = tp.images.getLast();
            // The proc connector reads /proc/PID/cmdline after the event: when the shell exec'd the last
            // command of `a && b` in place within a millisecond, the read of the shell's exec already
            // saw the command's argv. Two equal argvs read from /proc for one pid mean exactly that.
            if (prev.fromProc() && !prev.args().isEmpty() && prev.args().equals(args)) {
                tp.images.set(tp.images.size() - 1, new TracedProcess.Image(prev.timeNs(), List.of(), true, prev.comm(), true));
            }
        }
        tp.images.add(new TracedProcess.Image(e.timeNs(), args, e.detail() == ExecEvent.ArgvSource.GONE, comm, fromProc));
    }

    private void onExit(ExitEvent x, TracedEvent t) {
        if (x.task().isThread() || t.process() == null) {
            return;
        }
        TracedProcess tp = processes.get(t.process().key());
        if (tp != null) {
            if (x.task().comm() != null) {
                tp.lastComm = x.task().comm();
            }
            tp.exitNs = x.timeNs();
            tp.exitCode = x.exitCode();
            tp.signal = x.signal();
            tp.resources = x.resources();
        }
    }

    private void onContainer(ContainerEvent c) {
        ContainerActivity ca = containers.get(c.container().id());
        if (ca == null) {
            if (c.kind() == ContainerEvent.Kind.START) {
                startsAhead.put(c.container().id(), c.timeNs());
            } else {
                startsAhead.remove(c.container().id());
            }
            return;
        }
        if (c.kind() == ContainerEvent.Kind.STOP) {
            ca.stopNs = c.timeNs();
        } else if (c.kind() == ContainerEvent.Kind.START && ca.startEventNs == 0) {
            // The registry reports a start right after the event that brought the container's first process.
            ca.startEventNs = c.timeNs();
        }
    }

    private void onSnapshot(SnapshotEvent s, TracedEvent t) {
        ContainerInfo c = buildContainer(t);
        ProcessInfo p = s.process();
        if (c == null || processes.containsKey(p.key())) {
            return;
        }
        boolean first = !containers.containsKey(c.id());
        ContainerActivity ca = container(c, t);
        ca.existedBefore |= first; // already running when the trace began
        TracedProcess tp = track(p, p.ppid(), null, ca.id, false);
        tp.images.add(new TracedProcess.Image(p.startNs(), p.args(), false, p.comm(), true));
    }

    private TracedProcess track(ProcessInfo p, int parentPid, ProcessKey parentKey, String containerId, boolean inside) {
        TracedProcess tp = new TracedProcess(p.key(), parentPid, parentKey, containerId, inside);
        processes.put(p.key(), tp);
        ContainerActivity ca = containers.get(containerId);
        ca.processes.add(tp);
        if (clientTree.contains(p.key()) || (parentKey != null && clientTree.contains(parentKey))) {
            ca.descendsFromClient = true;
        }
        return tp;
    }

    private ContainerActivity container(ContainerInfo c, TracedEvent t) {
        return containers.computeIfAbsent(c.id(), id -> {
            ContainerActivity ca = new ContainerActivity(id, c.runtime(),
                    c.cgroup() != null ? c.cgroup() : t.process() == null ? null : t.process().cgroup());
            ca.startEventNs = startsAhead.getOrDefault(id, 0L);
            return ca;
        });
    }

    /**
     * The build container of the event's process, as the container registry attributed it (the one
     * attribution engine); only runtimes that run image builds in containers of their own count.
     */
    private static ContainerInfo buildContainer(TracedEvent t) {
        ContainerInfo c = t.container();
        return c != null && ContainerRuntime.of(c.runtime()).buildsImages() ? c : null;
    }

    /**
     * runc's bootstrap: since runc 1.1.12 {@code runc init} re-executes itself (from a sealed copy of
     * its binary) inside the container's cgroup before it execs the container's command.
     */
    static boolean isRuntimeInit(List<String> args, String comm) {
        if (args.size() >= 2 && args.get(1).equals("init")) {
            String a0 = args.getFirst();
            return a0.equals("runc") || a0.endsWith("/runc") || a0.equals("crun") || a0.endsWith("/crun");
        }
        return args.isEmpty() && comm != null && comm.startsWith("runc:[");
    }

    /** The containers seen so far, in order of first appearance. Call after the pipeline stopped. */
    Collection<ContainerActivity> containers() {
        return new ArrayList<>(containers.values());
    }
}
