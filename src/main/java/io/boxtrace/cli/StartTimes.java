package io.boxtrace.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * How long a tracing run took to become ready, by phase, for bench/attach-time.sh: with
 * BOXTRACE_DEBUG_TIMING set, one line on stderr when the source is attached, e.g.
 * {@code boxtrace trace: ready after 812 ms: to main 200 ms, to session 40 ms, runtimes 3 ms, snapshot 95 ms, attach 470 ms}
 * (from the process's start, which includes the launcher script, to main, to the session's start, then each phase from the end of the one before).
 *
 * <p>Not thread-safe: used by the command's thread during start-up.
 */
final class StartTimes {

    private final long jvmStartNs;
    private final List<String> phases = new ArrayList<>();
    private final long origin = System.nanoTime();
    private long last = origin;

    /** @param processStartMonoNs when this process started (/proc/self/stat, 10 ms steps), CLOCK_MONOTONIC */
    StartTimes(long processStartMonoNs) {
        this.jvmStartNs = Math.min(origin, processStartMonoNs);
        phases.add("to main " + Math.max(0, Main.MAIN_NS - jvmStartNs) / 1_000_000 + " ms");
        phases.add("to session " + (origin - Math.max(jvmStartNs, Main.MAIN_NS)) / 1_000_000 + " ms");
    }

    void mark(String phase) {
        long now = System.nanoTime();
        phases.add(phase + " " + (now - last) / 1_000_000 + " ms");
        last = now;
    }

    void report(String command, PrintWriter err) {
        if (System.getenv("BOXTRACE_DEBUG_TIMING") == null) {
            return;
        }
        err.println(command + ": ready after " + (last - jvmStartNs) / 1_000_000 + " ms: " + String.join(", ", phases));
    }
}
