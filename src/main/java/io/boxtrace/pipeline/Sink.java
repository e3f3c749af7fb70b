package io.boxtrace.pipeline;

import io.boxtrace.event.TracedEvent;

/**
 * An output format. Called on the pipeline thread only: {@link #begin} once, {@link #accept} per
 * event in order, {@link #flush} whenever the pipeline is idle, {@link #end} once at the end.
 * An exception from accept is counted by the pipeline and the loop goes on.
 */
public interface Sink extends AutoCloseable {

    /**
     * Called once, before {@link #begin}, with what was alive when tracing began (the /proc snapshot as
     * the process table and the container registry resolved it, filtered like every event, parents
     * first). A recording keeps it so a replay starts from the same state; other outputs ignore it:
     * what was already running did not happen during the trace.
     */
    default void initialState(java.util.List<TracedEvent> alive) throws java.io.IOException {
    }

    default void begin() throws java.io.IOException {
    }

    void accept(TracedEvent event) throws java.io.IOException;

    default void flush() throws java.io.IOException {
    }

    /** Called once after the last event, with the pipeline's final counters. */
    default void end(io.boxtrace.pipeline.PipelineStats stats) throws java.io.IOException {
    }

    @Override
    default void close() throws java.io.IOException {
    }
}
