package io.boxtrace.cli;

import io.boxtrace.render.Escape;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.recording.RecordingFormatException;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.source.recording.RecordingReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Feeds a recording to an analysis instead of live events ({@code run --from}, {@code build --from}),
 * and finds in it the client command the analysis is about: the first successful exec the given
 * test accepts, or the process given with {@code --client}. A recording cut short is used up to its
 * last readable event, with a one-line warning.
 */
final class RecordingReplay {

    /** What the replay found. */
    record Result(RecordingHeader header, int clientPid, List<String> clientArgs, long clientStartNs, long clientEndNs,
                  int clientStatus, boolean sawNamespaceOps, String clientCwd) {
    }

    private RecordingReplay() {
    }

    static Result replay(String command, Path file, Integer clientPid, Predicate<List<String>> isClient,
                         Consumer<TracedEvent> sink, PrintWriter err) {
        try (RecordingReader reader = RecordingInputs.open(file, err, command)) {
            int client = clientPid == null ? -1 : clientPid;
            List<String> args = List.of();
            long start = 0;
            long end = 0;
            int status = 0;
            boolean ns = false;
            String cwd = null;
            long skipped = 0;
            TracedEvent t;
            try {
                while ((t = reader.next()) != null) {
                    if (t.event() instanceof ExecEvent x && !x.failed() && args.isEmpty()
                            && (client == x.task().pid() || (client == -1 && isClient.test(x.args())))) {
                        client = x.task().pid();
                        args = x.args();
                        start = x.timeNs();
                        cwd = x.cwd() != null ? x.cwd() : t.process() == null ? null : t.process().cwd();
                    } else if (t.event() instanceof ExecEvent x && !x.failed() && x.task().pid() == client && end == 0
                            && isClient.test(x.args())) {
                        args = x.args(); // a wrapper (env, sudo) exec'd the client itself in the same process
                    } else if (t.event() instanceof ExitEvent x && !x.task().isThread() && x.task().pid() == client
                            && start != 0 && end == 0) {
                        end = x.timeNs();
                        status = x.killedBySignal() ? 128 + x.signal() : x.exitCode();
                    } else if (t.event() instanceof NamespaceEvent) {
                        ns = true;
                    }
                    try {
                        sink.accept(t);
                    } catch (RuntimeException badEvent) {
                        // one event the analysis cannot take must not cost the others (as for live sinks)
                        skipped++;
                    }
                }
            } catch (RecordingFormatException e) {
                err.println(command + ": " + Escape.text(e.getMessage()) + "; using the events before it");
            }
            if (skipped > 0) {
                err.println(command + ": " + skipped + " event(s) could not be analysed and were skipped");
            }
            if (reader.warning() != null) {
                err.println(command + ": warning: " + Escape.text(reader.warning()));
            }
            if (args.isEmpty()) {
                throw BoxtraceException.runtime(file + ": no matching client command was recorded"
                        + (clientPid == null ? "" : " for pid " + clientPid)
                        + " (record the whole host while it runs: boxtrace record -o FILE.jsonl)");
            }
            return new Result(reader.header(), client, args, start, end, status, ns, cwd);
        } catch (RecordingFormatException e) {
            throw BoxtraceException.runtime(e.getMessage());
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot read " + file + ": " + TraceCommand.describe(e));
        }
    }
}
