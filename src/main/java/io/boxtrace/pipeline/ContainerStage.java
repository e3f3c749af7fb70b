package io.boxtrace.pipeline;

import io.boxtrace.container.ContainerRegistry;
import io.boxtrace.event.TracedEvent;
import java.util.List;

/**
 * The container registry as the pipeline's attribution step: every event gets its container, and
 * the container start/stop events the registry derived follow the event that caused them.
 * Pipeline thread only, like the registry.
 */
public final class ContainerStage implements Enricher {

    private final ContainerRegistry registry;

    public ContainerStage(ContainerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public TracedEvent enrich(TracedEvent event) {
        return registry.enrich(event);
    }

    @Override
    public List<TracedEvent> drainExtra() {
        return registry.drainExtra();
    }
}
