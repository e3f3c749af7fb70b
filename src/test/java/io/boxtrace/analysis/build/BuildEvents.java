package io.boxtrace.analysis.build;

import io.boxtrace.container.CgroupParser;

import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-built event streams as the pipeline delivers them (process table applied, container
 * enricher run): a tiny process table keyed by pid so tests read like the traces recorded on this
 * host (docs/build.md, "What the kernel shows"). Times are ms after {@link #T0}.
 */
final class BuildEvents {

    static final long T0 = 3_351_000_000_000L;

    private final Map<Integer, ProcessInfo> table = new HashMap<>();
    private final java.util.Set<String> started = new java.util.HashSet<>();
    private final Map<String, String> images = new HashMap<>();
    private final BuildProfileAnalysis analysis;

    BuildEvents(BuildProfileAnalysis analysis) {
        this.analysis = analysis;
    }

    static long at(double ms) {
        return T0 + Math.round(ms * 1_000_000);
    }

    /** A process that exists before the build (dockerd, the shell that runs docker build). */
    void existing(int pid, int ppid, String comm, String cgroup) {
        table.put(pid, info(pid, at(-10_000), ppid, comm, List.of(comm), cgroup));
    }

    void fork(double ms, int parent, int child) {
        ProcessInfo p = table.get(parent);
        ProcessInfo c = info(child, at(ms), parent, p.comm(), p.args(), p.cgroup());
        table.put(child, c);
        send(new TracedEvent(new ForkEvent(at(ms), task(p), child, child, 0), c, p, container(c.cgroup())));
    }

    /** The process moved to another cgroup (runc init joining the container): no event, only state. */
    void moveTo(int pid, String cgroup) {
        ProcessInfo p = table.get(pid);
        table.put(pid, info(pid, p.startNs(), p.ppid(), p.comm(), p.args(), cgroup));
    }

    void exec(double ms, int pid, String... argv) {
        exec(ms, pid, ExecEvent.ArgvSource.KERNEL, argv);
    }

    void exec(double ms, int pid, ExecEvent.ArgvSource source, String... argv) {
        ProcessInfo p = table.get(pid);
        List<String> args = source == ExecEvent.ArgvSource.GONE ? List.of() : List.of(argv);
        String comm = argv[0].substring(argv[0].lastIndexOf('/') + 1);
        ProcessInfo now = info(pid, p.startNs(), p.ppid(), comm, args, p.cgroup());
        table.put(pid, now);
        Task t = new Task(pid, pid, p.ppid(), 0, comm, 0, 0, Task.UNKNOWN);
        send(new TracedEvent(new ExecEvent(at(ms), t, argv[0], args, false, "/", 0, source), now,
                table.get(p.ppid()), container(now.cgroup())));
    }

    void exit(double ms, int pid, int code) {
        ProcessInfo p = table.get(pid);
        ExitEvent e = new ExitEvent(at(ms), task(p), code, 0, false);
        send(new TracedEvent(e, p, table.get(p.ppid()), container(p.cgroup())));
    }

    /** An exit with what the process cost, as the eBPF source reads it at the exit. */
    void exit(double ms, int pid, int code, io.boxtrace.event.ProcessResources cost) {
        ProcessInfo p = table.get(pid);
        ExitEvent e = new ExitEvent(at(ms), task(p), code, 0, false).withResources(cost);
        send(new TracedEvent(e, p, table.get(p.ppid()), container(p.cgroup())));
    }

    /** An exit whose task name was changed without an exec (busybox NOEXEC applets call prctl). */
    void exitRenamed(double ms, int pid, int code, String comm) {
        ProcessInfo p = table.get(pid);
        Task t = new Task(pid, pid, p.ppid(), 0, comm, 0, 0, Task.UNKNOWN);
        send(new TracedEvent(new ExitEvent(at(ms), t, code, 0, false), p, table.get(p.ppid()), container(p.cgroup())));
    }

    private void send(TracedEvent t) {
        analysis.accept(t);
        // As the registry does: a container's start follows the event that brought its first process.
        if (t.container() != null && started.add(t.container().id())) {
            analysis.accept(TracedEvent.bare(new ContainerEvent(t.event().timeNs(), ContainerEvent.Kind.START,
                    t.container())));
        }
    }

    /** A container already running before the build (a service): its start was reported before, not now. */
    void runningBefore(String cgroup) {
        started.add(container(cgroup).id());
    }

    private ContainerInfo container(String cgroup) {
        // What the container registry gives a process in this cgroup.
        return CgroupParser.parse(cgroup).map(r -> new ContainerInfo(r.id(), null, images.get(cgroup), r.runtime(),
                Map.of(), null, cgroup)).orElse(null);
    }

    /** The image the runtime reports for the container in this cgroup (a reference, or a bare image id). */
    void image(String cgroup, String image) {
        images.put(cgroup, image);
    }

    private static Task task(ProcessInfo p) {
        return new Task(p.pid(), p.pid(), p.ppid(), 0, p.comm(), 0, 0, Task.UNKNOWN);
    }

    private static ProcessInfo info(int pid, long start, int ppid, String comm, List<String> args, String cgroup) {
        return new ProcessInfo(new ProcessKey(pid, start), ppid, 0, comm, null, args, "/", cgroup, 0, List.of(pid),
                Map.of(), 0, Task.UNKNOWN, 0, false);
    }
}
