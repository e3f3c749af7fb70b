package io.boxtrace.sink.timeline;

import io.boxtrace.analysis.timeline.Timeline;
import io.boxtrace.analysis.timeline.TimelineBuilder;

import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.recording.RecordingHeader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * A sink for a timeline format: collects spans while events arrive (bounded, see
 * {@link TimelineBuilder}) and writes the file at {@link #end}, because a slice needs the whole
 * lifetime. The file is written to a temporary name and renamed, so it is complete or absent.
 * A live recording straight into a timeline format that is killed leaves no file: record to
 * {@code .jsonl} and convert with {@code boxtrace report} for that.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public abstract class TimelineSink implements Sink {

    private final Path path;
    private final TimelineBuilder builder;
    private final LongSupplier endMonoNs;
    private PipelineStats stats;

    protected TimelineSink(Path path, RecordingHeader header, LongSupplier endMonoNs, int maxProcesses) {
        this.path = path;
        this.builder = new TimelineBuilder(header, maxProcesses);
        this.endMonoNs = endMonoNs;
    }

    @Override
    public void accept(TracedEvent event) {
        builder.add(event);
    }

    @Override
    public void end(PipelineStats stats) throws IOException {
        this.stats = stats;
        Timeline timeline = builder.build(endMonoNs.getAsLong());
        Path tmp = path.resolveSibling(path.getFileName() + ".part");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            write(timeline, out);
        }
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The run's counters, once {@link #end} was called (null before). */
    protected PipelineStats stats() {
        return stats;
    }

    /** Writes the whole file. */
    protected abstract void write(Timeline timeline, OutputStream out) throws IOException;
}
