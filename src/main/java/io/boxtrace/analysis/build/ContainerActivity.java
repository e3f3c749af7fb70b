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
    /** BuildKit: the layer directories below the executor's root, newest first (its parents' snapshots); null if unknown. */
    List<String> rootLowerDirs;
    /** BuildKit: the environment of the executor's first program at its exec; null if unknown. */
    java.util.Map<String, String> env;
    /**
     * True when the container had processes before the analysis first saw it: its first sighting was
     * a process already running (snapshot) or a fork by one of its processes the analysis never saw
     * start. A build's containers are made during the build, their first process entering from the
     * runtime outside; a service container running its loop is not.
     */
    boolean existedBefore;
    /** The image the runtime made it from, as the registry learned it; null if unknown. */
    String image;
    /** When the container registry reported the container's start (its first process), 0 if not seen. */
    long startEventNs;

    ContainerActivity(String id, String runtime, String cgroup) {
        this.id = id;
        this.runtime = runtime;
        this.cgroup = cgroup;
    }

    /** True when the container was made at or after {@code fromNs}, its making seen: only such can be a build's step. */
    boolean madeSince(long fromNs) {
        return !existedBefore && startEventNs != 0 && startEventNs >= fromNs;
    }

    /**
     * The classic builder makes each step's container from the previous step's image by its id, so
     * the runtime reports a bare image id ({@code sha256:<64 hex>}); {@code docker run} keeps the
     * reference the user typed.
     */
    boolean madeFromImageId() {
        return image != null && image.matches("sha256:[0-9a-f]{64}");
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

    /**
     * True when the first program's argv was read in the kernel at its exec: then it is what ran. An
     * argv read from /proc after the event (proc connector) may be a later program's.
     */
    boolean firstArgsExact() {
        return processes.stream().filter(p -> !p.images.isEmpty())
                .min(java.util.Comparator.comparingLong(p -> p.images.getFirst().timeNs()))
                .map(p -> !p.images.getFirst().fromProc() && !p.images.getFirst().args().isEmpty()).orElse(false);
    }

    List<TracedProcess> snapshotProcesses() {
        return new ArrayList<>(processes);
    }
}
