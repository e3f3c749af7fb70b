package io.boxtrace.event;

/**
 * An event after the pipeline has resolved it against the process table and the container
 * registry: what sinks and analyses consume. Enrichment never drops an event; a field it could
 * not fill stays null.
 *
 * @param event     the raw event
 * @param process   the process it happened in (for fork: the child), after applying the event;
 *                  null for events that are about no process (lost, container)
 * @param parent    that process's parent, when known
 * @param container the container the process belongs to, or null on the host
 */
public record TracedEvent(Event event, ProcessInfo process, ProcessInfo parent, ContainerInfo container) {

    public static TracedEvent bare(Event event) {
        return new TracedEvent(event, null, null, null);
    }

    public TracedEvent withContainer(ContainerInfo c) {
        return new TracedEvent(event, process, parent, c);
    }
}
