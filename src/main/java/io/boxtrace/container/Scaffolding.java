package io.boxtrace.container;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.Task;

/** Which processes are a runtime's own, serving a container without being part of it. Stateless. */
final class Scaffolding {

    private Scaffolding() {
    }

    /**
     * A runtime's own process at its exec: {@code runc init} re-execs itself (runc 1.1 copies its
     * binary to a memfd and execs that) while its parent {@code runc} is moving it into the new
     * container's cgroup, so the kernel may already report the container's cgroup at that exec
     * (4 of 12 parallel {@code docker run}s on this host). It is the runtime serving the container,
     * not the container's: a scaffolding name (argv[0] or comm) in the host's pid namespace. A
     * {@code --pid=host} container's own programs are in the host's pid namespace too, but they
     * carry their own names; the init stages' titles ({@code runc:[2:INIT]}) are scaffolding in any
     * pid namespace.
     */
    static boolean atExec(ExecEvent x, ProcessInfo p) {
        String argv0 = x.args().isEmpty() || x.args().getFirst() == null ? null : ContainerRuntime.baseName(x.args().getFirst());
        Task task = x.task();
        boolean hostPidNs = task.nsPid() != Task.UNKNOWN ? task.nsPid() == task.pid()
                : p != null && p.nsPids().size() <= 1;
        return hostPidNs && (ContainerRuntime.isScaffoldingName(argv0) || ContainerRuntime.isScaffoldingName(task.comm()));
    }

    /** A process already running when the trace starts: an init stage by its title, else a runtime's name on the host's pid namespace. */
    static boolean running(ProcessInfo p) {
        String comm = p.comm();
        if (comm != null && comm.startsWith("runc:[")) {
            return true;
        }
        return p.nsPids().size() <= 1 && (ContainerRuntime.isScaffoldingName(comm) || (!p.args().isEmpty()
                && p.args().getFirst() != null && ContainerRuntime.isScaffoldingName(ContainerRuntime.baseName(p.args().getFirst()))));
    }
}
