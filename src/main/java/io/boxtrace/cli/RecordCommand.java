package io.boxtrace.cli;

import io.boxtrace.render.Escape;
import io.boxtrace.event.Clock;
import io.boxtrace.pipeline.CommandScope;
import io.boxtrace.pipeline.ContainerFilter;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.sink.Formats;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.recording.RecordingHeader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code boxtrace record}: records events (with the start-up /proc snapshot, container metadata and
 * loss counts) to a file whose name picks the format (docs/recordings.md). Stops when COMMAND exits,
 * after --duration, or on Ctrl-C / SIGTERM; a .jsonl recording is readable up to its last flush
 * even after SIGKILL.
 */
@Command(name = "record", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Record process events to FILE; the name picks the format: .jsonl or .jsonl.gz (lossless, "
                + "convert later with 'boxtrace report'), .json (Perfetto UI / chrome://tracing), .pftrace (Perfetto), "
                + ".html (self-contained report), a directory ending in .ctf (Trace Compass, babeltrace2).",
                "Stops when COMMAND exits, after --duration, or on Ctrl-C."})
public final class RecordCommand implements java.util.concurrent.Callable<Integer> {

    @Mixin
    SourceMixin sourceOptions;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The recording to write.")
    Path output;

    @Option(names = {"-d", "--duration"}, paramLabel = "D",
            description = "Stop after D (e.g. 30s, 500ms, 5m, 1h; a bare number is seconds).")
    String duration;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME|ID-PREFIX",
            description = "Only events of this container (repeatable).")
    List<String> containers = new ArrayList<>();

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "Command to run and record (after --).")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Duration limit = duration == null ? null : parseDuration(duration);
        if (!command.isEmpty()) {
            CommandRunner.checkRunnable(command);
        }
        try (TraceSession session = TraceSession.open("boxtrace record", sourceOptions, err)) {
            Clock clock = session.clock();
            String version = Main.class.getPackage().getImplementationVersion();
            RecordingHeader header = RecordingHeader.of(clock, clock.nowMono(), version == null ? "dev" : version,
                    session.source().name(), command, containers);
            Sink sink = open(header, clock);
            session.sink(sink).output(output.toString(), sink instanceof io.boxtrace.sink.jsonl.RecordingWriter w
                    ? w::bytesWritten : () -> -1);
            if (!containers.isEmpty()) {
                session.filter(new ContainerFilter(containers)).kernelFilterContainers(containers);
            }
            if (!command.isEmpty()) {
                return recordCommand(session, limit);
            }
            return recordUntilStopped(session, limit, err);
        }
    }

    private Sink open(RecordingHeader header, Clock clock) {
        try {
            return Formats.forPath(output, header, clock::nowMono);
        } catch (IllegalArgumentException e) {
            throw BoxtraceException.usage(e.getMessage());
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot write " + output + ": " + TraceCommand.describe(e));
        }
    }

    private int recordCommand(TraceSession session, Duration limit) {
        int self = (int) ProcessHandle.current().pid();
        CommandRunner runner = new CommandRunner();
        session.filter(new CommandScope(self)).observe(runner.exitWatcher());
        session.source().follow(self);
        session.start();
        if (limit != null) {
            // --duration with a command: stop recording (not the command) when the time is up.
            Thread timer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(limit);
                    session.pipeline().close();
                } catch (InterruptedException ignored) {
                    // the command ended first
                }
            });
            session.components().closeLater(timer::interrupt);
        }
        int status = runner.run(command, session);
        PipelineStats stats = session.stop();
        session.reportSummary(stats);
        return status;
    }

    private int recordUntilStopped(TraceSession session, Duration limit, PrintWriter err) {
        long deadline = limit == null ? Long.MAX_VALUE : deadline(limit);
        return session.runUntilInterrupted(deadline);
    }

    /** now + limit, saturating: a limit of years means "until stopped", never a deadline in the past. */
    static long deadline(Duration limit) {
        long now = System.nanoTime();
        long nanos;
        try {
            nanos = limit.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
        return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    /** "30s", "500ms", "5m", "1h", "2.5s", or a bare number of seconds. */
    static Duration parseDuration(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        String[][] units = {{"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}};
        try {
            for (String[] u : units) {
                if (t.endsWith(u[0]) && !(u[0].equals("s") && t.endsWith("ms"))) {
                    double v = Double.parseDouble(t.substring(0, t.length() - u[0].length()));
                    return positive(s, Duration.ofNanos((long) (v * Long.parseLong(u[1]) * 1_000_000L)));
                }
            }
            return positive(s, Duration.ofNanos((long) (Double.parseDouble(t) * 1e9)));
        } catch (NumberFormatException e) {
            throw BoxtraceException.usage("--duration " + s + ": not a duration (use e.g. 30s, 500ms, 5m, 1h)");
        }
    }

    private static Duration positive(String s, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw BoxtraceException.usage("--duration " + s + ": must be more than zero");
        }
        return d;
    }
}
