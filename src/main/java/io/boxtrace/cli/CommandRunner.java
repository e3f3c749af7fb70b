package io.boxtrace.cli;

import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.TracedEvent;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the user's COMMAND with boxtrace's own stdin/stdout/stderr while a session traces it, and
 * returns the command's exit status the way a shell would (128 + signal when killed). Waits, after
 * the command has exited, until its exit event has come through the pipeline, so the last events
 * are not cut off.
 */
public final class CommandRunner {

    private static final long EXIT_EVENT_WAIT_MS = 2000;
    private final CountDownLatch exitSeen = new CountDownLatch(1);
    private volatile int childPid = -1;

    /** An observer to register on the session: notices the command's own exit event. */
    public Consumer<TracedEvent> exitWatcher() {
        return t -> {
            if (t.event() instanceof ExitEvent x && !x.task().isThread() && x.task().pid() == childPid) {
                exitSeen.countDown();
            }
        };
    }

    /** Starts the command, waits for it and for its exit event; returns its status. */
    public int run(List<String> command, TraceSession session) {
        Process p;
        try {
            p = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new BoxtraceException(ExitCode.RUNTIME_ERROR, "cannot run " + command.getFirst() + ": "
                    + rootCause(e));
        }
        childPid = (int) p.pid();
        session.source().follow(childPid);
        // Ctrl-C goes to the whole foreground process group: the command gets it too and decides.
        int status;
        while (true) {
            try {
                status = p.waitFor();
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            exitSeen.await(EXIT_EVENT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return status;
    }

    public int childPid() {
        return childPid;
    }

    private static String rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null ? c.toString() : m.replaceFirst("^error=\\d+, ", "");
    }
}
