package io.boxtrace.cli;

import io.boxtrace.render.Escape;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.pipeline.SinkSet;
import java.util.List;
import io.boxtrace.sink.Formats;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.recording.RecordingFormatException;
import io.boxtrace.source.recording.RecordingReader;
import io.boxtrace.recording.RecordingSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code boxtrace report INPUT.jsonl -o OUTPUT}: converts a recording into another format (chosen
 * by OUTPUT's name, as for record). A recording cut off while being written converts up to where
 * it stops, with a warning; a corrupt line stops the conversion there: what came before it is
 * still written, and the command fails naming file and line.
 */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Convert a recording (.jsonl or .jsonl.gz from 'boxtrace record') to .json (Perfetto UI, "
                + "chrome://tracing), .pftrace (Perfetto), .html (self-contained report), a directory ending in .ctf "
                + "(Trace Compass, babeltrace2) or another .jsonl."})
public final class ReportCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "INPUT", description = "The recording to read.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUTPUT", required = true, description = "The file to write.")
    Path output;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try (RecordingReader reader = RecordingInputs.open(input, err, "boxtrace report")) {
            long[] lastNs = {reader.header().startMonoNs()};
            SinkSet sinks = new SinkSet(List.of(open(reader, lastNs)));
            RecordingFormatException broken = null;
            long n = 0;
            sinks.begin();
            try {
                TracedEvent e;
                while ((e = reader.next()) != null) {
                    lastNs[0] = Math.max(lastNs[0], e.event().timeNs());
                    sinks.accept(e);
                    n++;
                }
            } catch (RecordingFormatException e) {
                broken = e;
            }
            RecordingSummary summary = reader.summary();
            sinks.end(summary != null ? PipelineStats.of(summary) : new PipelineStats(n, 0, 0, 0, 0, 0));
            if (sinks.errors() > 0) {
                throw BoxtraceException.runtime("could not write " + sinks.errors() + " of " + n + " event(s) to "
                        + output + ": " + sinks.lastError().getMessage());
            }
            if (reader.warning() != null) {
                err.println("boxtrace report: warning: " + Escape.text(reader.warning()));
            }
            if (broken != null) {
                throw BoxtraceException.runtime(broken.getMessage() + "; the " + n + " events before it were written to "
                        + output);
            }
            return ExitCode.OK.code();
        } catch (RecordingFormatException e) {
            throw BoxtraceException.runtime(e.getMessage());
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot write " + output + ": " + TraceCommand.describe(e));
        }
    }

    private Sink open(RecordingReader reader, long[] lastNs) throws IOException {
        if (output.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
            throw BoxtraceException.usage("the output " + output + " is the input; choose another name");
        }
        try {
            // The recording's end: its summary line, else (cut off) its last event.
            return Formats.forPath(output, reader.header(),
                    () -> reader.summary() != null ? reader.summary().endMonoNs() : lastNs[0]);
        } catch (IllegalArgumentException e) {
            throw BoxtraceException.usage(e.getMessage());
        }
    }
}
