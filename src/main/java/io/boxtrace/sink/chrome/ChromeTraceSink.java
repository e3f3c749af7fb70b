package io.boxtrace.sink.chrome;

import io.boxtrace.analysis.timeline.Timeline;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.render.chrome.ChromeTraceWriter;
import io.boxtrace.sink.timeline.TimelineSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * A recording as a Chrome trace ({@code .json}): the events become a {@link Timeline}, written at
 * the end by {@link ChromeTraceWriter}. Not thread-safe: owned by the pipeline thread.
 */
public final class ChromeTraceSink extends TimelineSink {

    public ChromeTraceSink(Path path, RecordingHeader header, LongSupplier endMonoNs, int maxProcesses) {
        super(path, header, endMonoNs, maxProcesses);
    }

    @Override
    protected void write(Timeline timeline, OutputStream out) throws IOException {
        ChromeTraceWriter.write(timeline, out);
    }
}
