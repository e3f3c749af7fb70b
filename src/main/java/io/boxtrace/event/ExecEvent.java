package io.boxtrace.event;

import java.util.List;

/**
 * A task replaced its program image (execve/execveat), or tried to and failed.
 *
 * @param task       the task after the exec (comm is the new program's)
 * @param filename   the path passed to exec, or the resolved executable when only that is known
 * @param args       the full argument vector, argv[0] first; bytes that are not valid UTF-8 become
 *                   U+FFFD replacement characters
 * @param argsTruncated true when the source cut the argument vector at its configured limit
 * @param cwd        the working directory, or null when unknown
 * @param errno      0 for a successful exec, else the positive errno of the failed call
 * @param detail     how the arguments were obtained, so a reader knows what to trust
 */
public record ExecEvent(long timeNs, Task task, String filename, List<String> args, boolean argsTruncated,
                        String cwd, int errno, ArgvSource detail) implements Event {

    public ExecEvent {
        args = args == null ? List.of() : List.copyOf(args);
    }

    /** Where the argument vector came from. Stable names, used in JSON as {@code args_source}. */
    public enum ArgvSource {
        /** read in the kernel at the exec (eBPF) */
        KERNEL,
        /** read from /proc/PID right after the event arrived (proc connector) */
        PROC,
        /** the process was gone before /proc could be read: args are empty, not guessed */
        GONE
    }

    public boolean failed() {
        return errno != 0;
    }

    @Override
    public String type() {
        return "exec";
    }
}
