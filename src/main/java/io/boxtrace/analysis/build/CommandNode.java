package io.boxtrace.analysis.build;

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
 */
public record CommandNode(int pid, List<String> args, boolean argvLost, String comm, long startNs, long endNs,
                          int exitCode, int signal, boolean replacedParent, List<CommandNode> children,
                          boolean argvFromBuilder) {

    public CommandNode {
        args = List.copyOf(args);
        children = List.copyOf(children);
    }

    public CommandNode(int pid, List<String> args, boolean argvLost, String comm, long startNs, long endNs,
                       int exitCode, int signal, boolean replacedParent, List<CommandNode> children) {
        this(pid, args, argvLost, comm, startNs, endNs, exitCode, signal, replacedParent, children, false);
    }

    /** This node with the step's command in place of a lost argv. */
    public CommandNode withArgsFromBuilder(List<String> stepArgv) {
        return new CommandNode(pid, stepArgv, false, comm, startNs, endNs, exitCode, signal, replacedParent, children, true);
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
