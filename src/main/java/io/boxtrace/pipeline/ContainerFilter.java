package io.boxtrace.pipeline;

import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.TracedEvent;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code --container NAME|ID-PREFIX} (repeatable): keeps the events of processes in any of the
 * selected containers (or in containers nested inside them), the selected containers' start/stop,
 * and every lost event (a loss may have hidden events of the selection). Stateless.
 */
public final class ContainerFilter implements Predicate<TracedEvent> {

    private final List<String> selectors;

    public ContainerFilter(List<String> selectors) {
        this.selectors = List.copyOf(selectors);
    }

    @Override
    public boolean test(TracedEvent t) {
        if (t.event() instanceof LostEvent) {
            return true;
        }
        ContainerInfo c = t.event() instanceof ContainerEvent ce ? ce.container() : t.container();
        for (ContainerInfo cur = c; cur != null; cur = cur.parent()) {
            for (String s : selectors) {
                if (cur.matches(s)) {
                    return true;
                }
            }
        }
        return false;
    }
}
