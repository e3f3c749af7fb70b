package io.boxtrace.source;

import io.boxtrace.event.Event;

/** Where a source delivers its events. Called only from the source's reader thread. */
@FunctionalInterface
public interface SourceSink {

    void accept(Event event);

    /**
     * A batch read in one go (one ring-buffer poll); lets the consumer take it with one hand-over
     * instead of one per event. The list is the caller's to reuse after the call returns.
     */
    default void acceptAll(java.util.List<Event> events) {
        events.forEach(this::accept);
    }

    /** Called once if the reader thread dies of an unexpected error; the default rethrows nothing. */
    default void failed(Throwable cause) {
    }
}
