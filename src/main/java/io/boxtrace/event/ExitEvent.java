package io.boxtrace.event;

/**
 * A task ended. Sources report it once per process, for the thread-group leader, unless
 * {@code task.isThread()}.
 *
 * @param exitCode the exit status (0..255) when the process exited normally, else {@link Task#UNKNOWN}
 * @param signal   the signal that killed it, 0 when it exited normally
 * @param coreDumped true when the kernel dumped core
 * @param resources  what the process cost, or null when the source could not tell
 */
public record ExitEvent(long timeNs, Task task, int exitCode, int signal, boolean coreDumped,
                        ProcessResources resources) implements Event {

    /** An exit without resource figures. */
    public ExitEvent(long timeNs, Task task, int exitCode, int signal, boolean coreDumped) {
        this(timeNs, task, exitCode, signal, coreDumped, null);
    }

    /** The same exit with these resource figures. */
    public ExitEvent withResources(ProcessResources r) {
        return new ExitEvent(timeNs, task, exitCode, signal, coreDumped, r);
    }

    /** Decodes a wait(2)-style status word as the kernel reports it (exit_code in task_struct). */
    public static ExitEvent fromWaitStatus(long timeNs, Task task, int status) {
        int sig = status & 0x7f;
        boolean core = (status & 0x80) != 0;
        if (sig == 0) {
            return new ExitEvent(timeNs, task, (status >> 8) & 0xff, 0, false);
        }
        return new ExitEvent(timeNs, task, Task.UNKNOWN, sig, core);
    }

    public boolean killedBySignal() {
        return signal != 0;
    }

    @Override
    public String type() {
        return "exit";
    }
}
