package io.boxtrace.analysis.build;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Enricher;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Fills the container of exec events whose process runs in a build container, when no other
 * enricher did. Needed because runc moves its init process into the container's cgroup with a
 * plain write to cgroup.procs, which no process event reports: the process table still holds the
 * cgroup runc had at the fork ("/" under dockerd), so the cgroup is read again from /proc at the
 * exec of the step's command. Processes forked after that inherit the container through the
 * analysis's parent tracking, so only execs cost a read. A process gone before the read keeps no
 * container (counted in {@link #misses()}).
 *
 * <p>Called on the pipeline thread only.
 */
public final class BuildCgroupEnricher implements Enricher {

    private final IntFunction<Optional<String>> cgroupOf;
    private long misses;

    /** @param cgroupOf pid → its cgroup path as {@code CgroupPath.choose} picks it from /proc/PID/cgroup */
    public BuildCgroupEnricher(IntFunction<Optional<String>> cgroupOf) {
        this.cgroupOf = cgroupOf;
    }

    @Override
    public TracedEvent enrich(TracedEvent t) {
        if (t.container() != null || !(t.event() instanceof ExecEvent e) || e.failed() || t.process() == null) {
            return t;
        }
        if (BuildCgroups.classify(t.process().cgroup()) != null) {
            return t.withContainer(container(t.process().cgroup()));
        }
        Optional<String> cgroup = cgroupOf.apply(e.task().pid());
        if (cgroup.isEmpty()) {
            misses++;
            return t;
        }
        ContainerInfo c = container(cgroup.get());
        return c == null ? t : t.withContainer(c);
    }

    public long misses() {
        return misses;
    }

    private static ContainerInfo container(String cgroup) {
        BuildCgroups.Match m = BuildCgroups.classify(cgroup);
        return m == null ? null : new ContainerInfo(m.id(), null, null, m.runtime(), Map.of(), null, cgroup);
    }
}
