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

    /**
     * Ends the processes the state holds that are gone from the truth (normally /proc), and adds
     * none: used once after the source attached, when the snapshot may hold processes that exited
     * meanwhile, while processes that start now are still on their way as events (adding them from
     * /proc would put them in the table before their own fork). Returns their exits.
     */
    default List<TracedEvent> dropGone() {
        return List.of();
    }
}
