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
 * container (counted in {@link #misses()}); so does one whose pid was reused by then (pid_max is
 * 32768 here and the pipeline can lag an exec storm): the lookup gets the process's start time to
 * check that /proc still shows the same process.
 *
 * <p>Called on the pipeline thread only.
 */
public final class BuildCgroupEnricher implements Enricher {

    /** Reads the cgroup of a process from /proc, empty when that pid is gone or is another process now. */
    @FunctionalInterface
    public interface CgroupLookup {
        /**
         * @param pid     the process
         * @param startNs its start (CLOCK_MONOTONIC ns, the fork), to tell it from a later process with the same pid
         * @return its cgroup path as {@code CgroupPath.choose} picks it, or empty
         */
        Optional<String> cgroup(int pid, long startNs);
    }

    private final CgroupLookup cgroupOf;
    private long misses;

    public BuildCgroupEnricher(CgroupLookup cgroupOf) {
        this.cgroupOf = cgroupOf;
    }

    /** Adapts a lookup that cannot check identity (tests on fixed data). */
    public static BuildCgroupEnricher byPid(IntFunction<Optional<String>> cgroupOf) {
        return new BuildCgroupEnricher((pid, startNs) -> cgroupOf.apply(pid));
    }

    @Override
    public TracedEvent enrich(TracedEvent t) {
        if (t.container() != null || !(t.event() instanceof ExecEvent e) || e.failed() || t.process() == null) {
            return t;
        }
        if (BuildCgroups.classify(t.process().cgroup()) != null) {
            return t.withContainer(container(t.process().cgroup()));
        }
        Optional<String> cgroup = cgroupOf.cgroup(e.task().pid(), t.process().startNs());
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
