package io.boxtrace.pipeline;

import io.boxtrace.event.TracedEvent;

/**
 * Adds facts to an event after the process table has resolved it (container, user name, ...).
 * Called on the pipeline thread only. Must not drop the event: on failure return it unchanged;
 * the pipeline counts exceptions and goes on.
 */
@FunctionalInterface
public interface Enricher {
    TracedEvent enrich(TracedEvent event);

    /** Events the enricher derived (container start/stop), delivered right after the current one. */
    default java.util.List<TracedEvent> drainExtra() {
        return java.util.List.of();
    }
}
