package io.boxtrace.pipeline;

import io.boxtrace.event.Event;
import io.boxtrace.event.TracedEvent;
import java.util.List;

/**
 * The process-state step of the pipeline: resolves a raw event against the process table. Returns
 * no event while an event waits for its parent, and several when waiting ones are released.
 * Called on the pipeline thread only.
 */
public interface StateStage {

    List<TracedEvent> apply(Event event);

    /** Re-reads the truth (normally /proc) after a loss and reconciles; returns what changed as events, if any. */
    List<TracedEvent> heal();
}
