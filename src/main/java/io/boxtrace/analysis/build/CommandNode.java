package io.boxtrace.analysis.build;

import io.boxtrace.event.ProcessResources;
import java.util.List;

/**
 * One command run in a build step: a program image, from the fork that created it (or, for a
 * program that replaced its parent's image, from that exec) to its exit. Times are CLOCK_MONOTONIC ns.
 *
 * @param pid            host pid
 * @param args           argv as exec'd; empty when unknown
 * @param argvLost       true when the process was gone before its argv could be read (proc connector)
 * @param comm           the kernel task name at exec, or null
 * @param startNs        fork (or exec, see {@code replacedParent})
 * @param endNs          exit, or 0 when it had not exited when tracing stopped
 * @param exitCode       0..255, or -1 when killed by a signal or unknown
 * @param signal         the signal that killed it, 0 otherwise
 * @param replacedParent true when this program was exec'd by its parent's process without a fork
 *                       (the shell ran the last command of {@code a && b && c} in place): same pid
 * @param children       commands it started, by start time
 * @param argvFromBuilder true when the kernel's argv was lost and {@code args} is the step's command
 *                       as the builder printed it (the container's first program is that command)
 * @param resources      what the process cost, read at its exit; on the node of its last program
 *                       only (the process's figures cover every program it exec'd), else null
 */
public record CommandNode(int pid, List<String> args, boolean argvLost, String comm, long startNs, long endNs,
                          int exitCode, int signal, boolean replacedParent, List<CommandNode> children,
                          boolean argvFromBuilder, ProcessResources resources) {

    public CommandNode {
        args = List.copyOf(args);
        children = List.copyOf(children);
    }

    public CommandNode(int pid, List<String> args, boolean argvLost, String comm, long startNs, long endNs,
                       int exitCode, int signal, boolean replacedParent, List<CommandNode> children) {
        this(pid, args, argvLost, comm, startNs, endNs, exitCode, signal, replacedParent, children, false, null);
    }

    /** This node with the step's command in place of a lost argv. */
    public CommandNode withArgsFromBuilder(List<String> stepArgv) {
        return new CommandNode(pid, stepArgv, false, comm, startNs, endNs, exitCode, signal, replacedParent, children,
                true, resources);
    }

    /** This node's own CPU time (user + system), ns, or {@link ProcessResources#UNKNOWN}. */
    public long cpuNs() {
        return resources == null ? ProcessResources.UNKNOWN : resources.cpuNs();
    }

    /**
     * The CPU time of everything below this node, summed (what {@code time} adds for waited-for
     * children, here for every descendant however it was reaped), ns; {@link ProcessResources#UNKNOWN}
     * when no descendant's figure is known.
     */
    public long childrenCpuNs() {
        long sum = ProcessResources.UNKNOWN;
        for (CommandNode k : children) {
            for (long v : new long[] {k.cpuNs(), k.childrenCpuNs()}) {
                if (ProcessResources.known(v)) {
                    sum = Math.max(sum, 0) + v;
                }
            }
        }
        return sum;
    }

    public long durationNs() {
        return endNs == 0 ? 0 : endNs - startNs;
    }

    public boolean failed() {
        return signal != 0 || exitCode > 0;
    }

    /** This node and all below it, depth first. */
    public java.util.stream.Stream<CommandNode> flatten() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(this),
                children.stream().flatMap(CommandNode::flatten));
    }
}
