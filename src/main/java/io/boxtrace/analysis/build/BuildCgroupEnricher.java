package io.boxtrace.analysis.build;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Enricher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Decides, for {@code boxtrace build} only, which build container an event's process is in, from
 * facts about that very process, and replaces whatever container an earlier enricher put on the
 * event (the general registry inherits containers at fork and falls back to pid-namespace inodes,
 * which the kernel recycles: measured here, it put a later step's {@code cat} into the first step's
 * container). Rules:
 * <ul>
 * <li>exec: the cgroup is read again from /proc — runc moves its init into the container cgroup with
 *     a plain write to cgroup.procs, which no process event reports, so the process table still holds
 *     runc's cgroup. The lookup checks that /proc/PID is still the process that started at the
 *     event's start time (pid_max is 32768 here and the pipeline can lag an exec storm). With the eBPF
 *     source the event also carries the kernel's cgroup id at the exec: when it is the id of the path
 *     read (the directory's inode), it is remembered for that build container, so a process gone
 *     before the read is still placed; when it is not, the process moved after its exec and the
 *     remembered id decides;</li>
 * <li>every other event: no container. The analysis follows forks from processes it already placed
 *     (a child starts in its parent's cgroup) and exits by process identity.</li>
 * </ul>
 * {@link io.boxtrace.event.ContainerEvent}s keep their own container (it is in the event record).
 *
 * <p>Called on the pipeline thread only.
 */
public final class BuildCgroupEnricher implements Enricher {

    private static final int MAX_CGROUP_IDS = 4096;

    /** Reads the cgroup of a process from /proc, empty when that pid is gone or is another process now. */
    @FunctionalInterface
    public interface CgroupLookup {
        /**
         * @param pid     the process
         * @param startNs its start (CLOCK_MONOTONIC ns, the fork), to tell it from a later process with the same pid
         * @return its cgroup path as {@code CgroupPath.choose} picks it, or empty
         */
        Optional<String> cgroup(int pid, long startNs);

        /** The cgroup v2 id (the directory's inode) of a cgroup path, 0 when unknown. */
        default long cgroupId(String path) {
            return 0;
        }
    }

    private final CgroupLookup cgroupOf;
    private final Map<Long, ContainerInfo> byCgroupId = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ContainerInfo> eldest) {
            return size() > MAX_CGROUP_IDS;
        }
    };
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
        if (!(t.event() instanceof ExecEvent e) || e.failed() || t.process() == null) {
            return t.container() == null ? t : t.withContainer(null);
        }
        long cgroupId = e.task().cgroupId();
        Optional<String> cgroup = cgroupOf.cgroup(e.task().pid(), t.process().startNs());
        if (cgroup.isEmpty()) {
            misses++;
            return t.withContainer(cgroupId == 0 ? null : byCgroupId.get(cgroupId));
        }
        ContainerInfo c = container(cgroup.get());
        if (cgroupId != 0) {
            long now = cgroupOf.cgroupId(cgroup.get());
            if (now != 0 && now != cgroupId) {
                // The process changed cgroup between its exec and this read (runc init exec'd on the
                // host, then moved into the container): the kernel's id at the exec is the truth.
                return t.withContainer(byCgroupId.get(cgroupId));
            }
            if (c != null && now == cgroupId) {
                byCgroupId.put(cgroupId, c);
            }
        }
        return t.withContainer(c);
    }

    /** Execs whose process was gone (or was another process) before its cgroup could be read. */
    public long misses() {
        return misses;
    }

    private static ContainerInfo container(String cgroup) {
        BuildCgroups.Match m = BuildCgroups.classify(cgroup);
        return m == null ? null : new ContainerInfo(m.id(), null, null, m.runtime(), Map.of(), null, cgroup);
    }
}
