package io.boxtrace.sink.html;

import io.boxtrace.analysis.timeline.Timeline;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.render.html.HtmlWriter;
import io.boxtrace.render.html.Pages;
import io.boxtrace.sink.timeline.TimelineSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * A recording as a self-contained HTML report ({@code .html}): the events become a {@link Timeline},
 * written at the end by {@link HtmlWriter}. Not thread-safe: owned by the pipeline thread.
 */
public final class HtmlReportSink extends TimelineSink {

    public HtmlReportSink(Path path, RecordingHeader header, LongSupplier endMonoNs, int maxProcesses) {
        super(path, header, endMonoNs, maxProcesses);
    }

    @Override
    protected void write(Timeline tl, OutputStream out) throws IOException {
        HtmlWriter.write(tl, Pages.recording(tl), out);
    }
}
