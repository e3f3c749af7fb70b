package io.boxtrace.cli;

import io.boxtrace.render.Escape;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.render.console.Style;
import io.boxtrace.recording.RecordingFormatException;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.source.recording.RecordingReader;
import io.boxtrace.state.ProcessTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code tree --from RECORDING [--at TIME]}: replays a recording through a fresh process table up to
 * TIME and prints the tree as {@code tree} would have then. Containers are the ones recorded with
 * each event (no runtime is asked: the recording may come from another machine); users are shown as
 * uids for the same reason.
 */
final class TreeFromRecording {

    private final TreeCommand command;
    private final Path file;
    private final String at;

    TreeFromRecording(TreeCommand command, Path file, String at) {
        this.command = command;
        this.file = file;
        this.at = at;
    }

    int run(PrintWriter out, PrintWriter err) {
        try (RecordingReader reader = RecordingInputs.open(file, err, "boxtrace tree")) {
            RecordingHeader header = reader.header();
            long until = until(header);
            ProcessTable table = new ProcessTable(pid -> Optional.empty(), Components.GRACE_NS, Components.MAX_EXITED);
            Map<Integer, ContainerInfo> containers = new HashMap<>();
            TracedEvent t;
            RecordingFormatException broken = null;
            long lastNs = header.startMonoNs();
            try {
                while ((t = reader.next()) != null) {
                    lastNs = Math.max(lastNs, t.event().timeNs());
                    if (t.event().timeNs() <= until) {
                        table.apply(t.event());
                        track(t, containers);
                    }
                }
            } catch (RecordingFormatException e) {
                broken = e;
            }
            if (broken == null && at != null) {
                long endNs = reader.summary() != null ? Math.max(lastNs, reader.summary().endMonoNs()) : lastNs;
                if (until < header.startMonoNs() || until > endNs) {
                    throw BoxtraceException.usage("--at " + at + " is outside the recording, which spans "
                            + instant(header, header.startMonoNs()) + " to " + instant(header, endNs)
                            + " (offsets 0s to " + String.format("%.3fs", (endNs - header.startMonoNs()) / 1e9) + ")");
                }
            }
            if (reader.warning() != null) {
                err.println("boxtrace tree: warning: " + Escape.text(reader.warning()));
            }
            if (broken != null) {
                // A partial tree is still worth seeing, but it is marked and the exit code says it failed.
                out.println("(partial: the recording is corrupt after line " + reader.lineNumber()
                        + "; this is the tree up to there)");
            }
            out.print(command.render(table.live(), containers::get, Integer::toString, header.clock(), Style.forStdout()));
            out.flush();
            if (broken != null) {
                throw BoxtraceException.runtime(broken.getMessage() + "; the tree shown is partial");
            }
            if (!header.initialState()) {
                err.println("boxtrace tree: note: " + Escape.text(file.toString()) + " was recorded by a boxtrace that did not"
                        + " write the processes running at its start; they appear only from their first event");
            }
            return ExitCode.OK.code();
        } catch (RecordingFormatException e) {
            throw BoxtraceException.runtime(e.getMessage());
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot read " + file + ": " + TraceCommand.describe(e));
        }
    }

    private static String instant(RecordingHeader h, long monoNs) {
        return Instant.ofEpochSecond(0, monoNs + h.wallMinusMonoNs()).toString();
    }

    private static void track(TracedEvent t, Map<Integer, ContainerInfo> containers) {
        switch (t.event()) {
            case ForkEvent f when !f.isThread() -> put(containers, f.childPid(), t.container());
            case ExitEvent x when !x.task().isThread() -> containers.remove(x.task().pid());
            default -> {
                if (t.process() != null) {
                    put(containers, t.process().pid(), t.container());
                }
            }
        }
    }

    private static void put(Map<Integer, ContainerInfo> containers, int pid, ContainerInfo c) {
        if (c == null) {
            containers.remove(pid);
        } else {
            containers.put(pid, c);
        }
    }

    /** --at as CLOCK_MONOTONIC of the recording: an RFC 3339 time, or an offset from its start. */
    private long until(RecordingHeader header) {
        if (at == null) {
            return Long.MAX_VALUE;
        }
        try {
            Instant i = Instant.parse(at);
            long epochNs = i.getEpochSecond() * 1_000_000_000L + i.getNano();
            return epochNs - header.wallMinusMonoNs();
        } catch (DateTimeParseException notAnInstant) {
            String offset = at.startsWith("+") ? at.substring(1) : at;
            if (offset.strip().matches("0+(\\.0*)?(ms|s|m|h)?")) {
                return header.startMonoNs(); // the start itself: the initial state alone
            }
            try {
                return header.startMonoNs() + RecordCommand.parseDuration(offset).toNanos();
            } catch (BoxtraceException e) {
                throw BoxtraceException.usage("--at " + at + ": not a time (use RFC 3339, e.g. 2026-11-23T01:02:03Z, "
                        + "or an offset such as 2.5s)");
            }
        }
    }
}
