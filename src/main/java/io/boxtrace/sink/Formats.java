package io.boxtrace.sink;

import io.boxtrace.pipeline.Sink;

import io.boxtrace.sink.chrome.ChromeTraceSink;
import io.boxtrace.sink.ctf.CtfTraceSink;
import io.boxtrace.sink.html.HtmlReportSink;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.sink.jsonl.RecordingWriter;
import io.boxtrace.sink.perfetto.PerfettoTraceSink;
import io.boxtrace.analysis.timeline.TimelineBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Chooses a recording or report format by the output name: {@code .jsonl}, {@code .jsonl.gz}
 * (boxtrace's lossless recording), {@code .json} (Chrome Trace Event Format), {@code .pftrace}
 * (Perfetto protobuf), {@code .html} (self-contained report), {@code .ctf} (a directory: CTF 1.8
 * laid out as an LTTng kernel trace). Stateless.
 */
public final class Formats {

    /** The names accepted, for error messages. */
    public static final String SUPPORTED = ".jsonl, .jsonl.gz, .json, .pftrace, .html or a directory ending in .ctf";

    private Formats() {
    }

    /**
     * Opens a sink writing path in the format its name says.
     *
     * @param header    the recording's header (clock offsets, host); written into every format
     * @param endMonoNs called once at the end for the recording's end time (CLOCK_MONOTONIC)
     * @throws IllegalArgumentException for a name with no known format (message names the file)
     */
    public static Sink forPath(Path path, RecordingHeader header, LongSupplier endMonoNs) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        int max = TimelineBuilder.DEFAULT_MAX_PROCESSES;
        if (name.endsWith(".jsonl") || name.endsWith(".jsonl.gz")) {
            return RecordingWriter.create(path, header, endMonoNs);
        }
        if (name.endsWith(".json")) {
            return new ChromeTraceSink(path, header, endMonoNs, max);
        }
        if (name.endsWith(".pftrace")) {
            return new PerfettoTraceSink(path, header, endMonoNs, max);
        }
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            return new HtmlReportSink(path, header, endMonoNs, max);
        }
        if (name.endsWith(".ctf")) {
            return new CtfTraceSink(path, header, endMonoNs);
        }
        throw new IllegalArgumentException(path + ": unknown output format (use " + SUPPORTED + ")");
    }

    /** True when path names a lossless recording (the only input {@code boxtrace report} reads). */
    public static boolean isRecording(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".jsonl.gz");
    }
}
