package io.boxtrace.event;

/**
 * A task ended. Sources report it once per process, for the thread-group leader, unless
 * {@code task.isThread()}.
 *
 * @param exitCode the exit status (0..255) when the process exited normally, else {@link Task#UNKNOWN}
 * @param signal   the signal that killed it, 0 when it exited normally
 * @param coreDumped true when the kernel dumped core
 */
public record ExitEvent(long timeNs, Task task, int exitCode, int signal, boolean coreDumped) implements Event {

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
