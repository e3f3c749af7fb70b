package io.boxtrace.analysis.startup;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessResources;
import java.util.List;

/**
 * What one container start (or exec) involved, as {@link StartupAnalysis} reconstructed it. Times
 * are CLOCK_MONOTONIC ns; offsets in the renderers are from {@link #startNs}.
 *
 * @param runtime      docker, podman, runc, crun or unknown (from the client's program)
 * @param container    the container started or entered, or null when none was seen
 * @param startNs      the client's exec
 * @param endNs        the client's exit (or the last event seen)
 * @param processes    the involved processes as trees (client side and runtime side)
 * @param namespaceOps namespace operations of the involved processes, in time order
 * @param phases       named phases, in time order
 * @param missing      what the source could not see (e.g. namespace operations with netlink), or null
 * @param stoppedAt    for a start that never ran the user's program: where it stopped, else null
 * @param failed       for such a start, the process that failed (the runtime's, else the client), or null
 */
public record StartupReport(String runtime, ContainerInfo container, long startNs, long endNs, List<Proc> processes,
                            List<NsOp> namespaceOps, List<Phase> phases, String missing, String stoppedAt, Proc failed) {

    /** The same report about the same container, now known by the name the runtime gave it. */
    public StartupReport withContainerName(String name) {
        ContainerInfo c = container;
        if (c == null || name == null || name.isEmpty()) {
            return this;
        }
        return new StartupReport(runtime, new ContainerInfo(c.id(), name, c.image(), c.runtime(), c.labels(), c.parent(),
                c.cgroup()), startNs, endNs, processes, namespaceOps, phases, missing, stoppedAt, failed);
    }

    /** A report that names no failed process. */
    public StartupReport(String runtime, ContainerInfo container, long startNs, long endNs, List<Proc> processes,
                         List<NsOp> namespaceOps, List<Phase> phases, String missing, String stoppedAt) {
        this(runtime, container, startNs, endNs, processes, namespaceOps, phases, missing, stoppedAt, null);
    }

    /**
     * One program of one process. A process that exec'd several programs is a chain: the first
     * program's node holds the fork, each later program is a child with {@code replacedParent}.
     *
     * @param startNs   the fork (for a program that replaced another: its exec); 0 when not seen
     * @param execNs    the exec of this program, 0 when it exec'd nothing (runc's init stages)
     * @param endNs     the exit, or the exec of the program that replaced it; 0 when it had not
     *                  exited by the end of the window
     * @param exitCode  exit status, or -1 when killed, replaced or still running at the end
     * @param signal    the signal that killed it, 0 otherwise
     * @param inContainer true for processes inside the container
     * @param replacedParent true when this program replaced its parent node's program by exec (same pid)
     * @param resources what it cost, read at its exit, or null
     */
    public record Proc(int pid, int nspid, String comm, List<String> args, long startNs, long execNs, long endNs,
                       int exitCode, int signal, boolean inContainer, boolean replacedParent, List<Proc> children,
                       ProcessResources resources) {

        public Proc {
            args = List.copyOf(args);
            children = List.copyOf(children);
        }

        /** A program whose exec time and resources are unknown, replacing nothing. */
        public Proc(int pid, int nspid, String comm, List<String> args, long startNs, long endNs, int exitCode,
                    int signal, boolean inContainer, List<Proc> children, ProcessResources resources) {
            this(pid, nspid, comm, args, startNs, 0, endNs, exitCode, signal, inContainer, false, children, resources);
        }

        /** A process whose resources are unknown. */
        public Proc(int pid, int nspid, String comm, List<String> args, long startNs, long endNs, int exitCode,
                    int signal, boolean inContainer, List<Proc> children) {
            this(pid, nspid, comm, args, startNs, endNs, exitCode, signal, inContainer, children, null);
        }

        /** True when a later program of the same process replaced this one: it has no exit of its own. */
        public boolean replaced() {
            return children.stream().anyMatch(Proc::replacedParent);
        }

        /** Fork to exec: the runtime's set-up of this process before its program ran, or -1 when not both were seen. */
        public long setupNs() {
            return startNs != 0 && execNs > startNs ? execNs - startNs : -1;
        }

        /** The program's own lifetime, exec to exit (or to the exec that replaced it), or -1 when not both were seen. */
        public long runNs() {
            return execNs != 0 && endNs >= execNs ? endNs - execNs : -1;
        }

        /** Its descendants' CPU time summed, ns, or {@link ProcessResources#UNKNOWN} when none is known. */
        public long childrenCpuNs() {
            long sum = ProcessResources.UNKNOWN;
            for (Proc k : children) {
                for (long v : new long[] {k.resources == null ? ProcessResources.UNKNOWN : k.resources.cpuNs(), k.childrenCpuNs()}) {
                    if (ProcessResources.known(v)) {
                        sum = Math.max(sum, 0) + v;
                    }
                }
            }
            return sum;
        }
    }

    public record NsOp(long timeNs, int pid, String comm, String op, List<String> namespaces, String path, long inode,
                       int result) {
    }

    public record Phase(String name, long startNs, long endNs) {
        public double durationMs() {
            return (endNs - startNs) / 1e6;
        }
    }
}
