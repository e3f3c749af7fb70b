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

    /**
     * Checks before tracing starts that the command can be run at all, so a typo gives one clear
     * line rather than a trace of a failed start.
     */
    public static void checkRunnable(List<String> command) {
        String name = command.getFirst();
        if (name.contains("/")) {
            java.nio.file.Path p = java.nio.file.Path.of(name);
            if (!java.nio.file.Files.exists(p)) {
                throw BoxtraceException.runtime("cannot run " + name + ": No such file or directory");
            }
            if (!java.nio.file.Files.isExecutable(p) || java.nio.file.Files.isDirectory(p)) {
                throw BoxtraceException.runtime("cannot run " + name + ": Permission denied");
            }
            return;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            java.nio.file.Path p = java.nio.file.Path.of(dir.isEmpty() ? "." : dir, name);
            if (java.nio.file.Files.isExecutable(p) && !java.nio.file.Files.isDirectory(p)) {
                return;
            }
        }
        throw BoxtraceException.runtime("cannot run " + name + ": command not found in PATH");
    }

    /** Starts the command, waits for it and for its exit event; returns its status. */
    public int run(List<String> command, TraceSession session) {
        return run(command, session, pid -> { });
    }

    /** As {@link #run(List, TraceSession)}, telling onStart the command's pid as soon as it runs. */
    public int run(List<String> command, TraceSession session, java.util.function.IntConsumer onStart) {
        Process p;
        try {
            p = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new BoxtraceException(ExitCode.RUNTIME_ERROR, "cannot run " + command.getFirst() + ": "
                    + rootCause(e));
        }
        childPid = (int) p.pid();
        session.interruption().forwardTo(childPid);
        onStart.accept(childPid);
        // Ctrl-C goes to the whole foreground process group: the command gets it too and decides, and
        // boxtrace waits for it as a shell does, so its last events and the summary are never cut off.
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
        if (m == null) {
            return c.toString();
        }
        var jdkForm = java.util.regex.Pattern.compile("error[:=] ?\\d+,? \\(?([^)]*)\\)?").matcher(m);
        return jdkForm.find() ? jdkForm.group(1) : m;
    }
}
