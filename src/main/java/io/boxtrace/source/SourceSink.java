package io.boxtrace.source;

import io.boxtrace.event.Event;

/** Where a source delivers its events. Called only from the source's reader thread. */
@FunctionalInterface
public interface SourceSink {

    void accept(Event event);

    /** Called once if the reader thread dies of an unexpected error; the default rethrows nothing. */
    default void failed(Throwable cause) {
    }
}
