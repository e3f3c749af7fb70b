package io.boxtrace.analysis.build;

import java.util.ArrayList;
import java.util.List;

/**
 * The processes seen in one build container (intermediate container, BuildKit executor, Buildah
 * RUN container). Mutable; owned by the pipeline thread until the analysis is read.
 */
final class ContainerActivity {
    final String id;
    final String runtime;
    final String cgroup;
    final List<TracedProcess> processes = new ArrayList<>();
    /** When the process that entered the container was forked by the runtime (runc init), 0 if unknown. */
    long runtimeForkNs;
    /** When the runtime process that created it started (runc), 0 if unknown. */
    long runtimeStartNs;
    long stopNs;
    /** True when the container's processes descend from the build command boxtrace started (podman). */
    boolean descendsFromClient;
    /**
     * BuildKit: the overlay upper directory of the executor's root filesystem (its snapshot's
     * directory name under the graph driver), read from the first process's mountinfo; null if unknown.
     */
    String rootUpperDir;

    ContainerActivity(String id, String runtime, String cgroup) {
        this.id = id;
        this.runtime = runtime;
        this.cgroup = cgroup;
    }

    long firstStartNs() {
        return processes.stream().mapToLong(TracedProcess::startNs).min().orElse(0);
    }

    long lastExitNs() {
        return processes.stream().mapToLong(p -> p.exitNs).max().orElse(0);
    }

    /** The argv of the first program image run in the container (the step's command), or an empty list. */
    List<String> firstArgs() {
        return processes.stream().filter(p -> !p.images.isEmpty())
                .min(java.util.Comparator.comparingLong(p -> p.images.getFirst().timeNs()))
                .map(p -> p.images.getFirst().args()).orElse(List.of());
    }

    List<TracedProcess> snapshotProcesses() {
        return new ArrayList<>(processes);
    }
}
