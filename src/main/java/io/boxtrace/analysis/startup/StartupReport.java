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
 */
public record StartupReport(String runtime, ContainerInfo container, long startNs, long endNs, List<Proc> processes,
                            List<NsOp> namespaceOps, List<Phase> phases, String missing, String stoppedAt) {

    /**
     * @param exitCode  exit status, or -1 when killed or still running at the end
     * @param signal    the signal that killed it, 0 otherwise
     * @param endNs     0 when it had not exited by the end of the window
     * @param inContainer true for processes inside the container
     * @param resources what it cost, read at its exit, or null
     */
    public record Proc(int pid, int nspid, String comm, List<String> args, long startNs, long endNs, int exitCode,
                       int signal, boolean inContainer, List<Proc> children, ProcessResources resources) {

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
