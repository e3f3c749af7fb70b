package io.boxtrace.analysis.build;

import java.util.List;

/**
 * One build step with the commands it ran. Times are CLOCK_MONOTONIC ns.
 *
 * @param step        the step as the builder reported it (null fields for unnamed steps)
 * @param startNs     start of the step: when the builder announced it, or its first process if earlier
 * @param endNs       end of the step: when the builder reported it done, or its last exit if later
 * @param setupNs     container set-up before the first command (announcement or runtime fork → first exec)
 * @param teardownNs  after the last command exited until the step was reported done
 * @param containerId the build container the commands ran in, or null
 * @param attribution how the container was tied to this step
 * @param processes   the top-level commands of the container, by start time
 * @param pressure    the step cgroup's pressure stall totals read while it existed, or null
 */
public record StepProfile(BuildStep step, long startNs, long endNs, long setupNs, long teardownNs, String containerId,
                          Attribution attribution, List<CommandNode> processes, StepResources.Pressure pressure) {

    public StepProfile {
        processes = List.copyOf(processes);
    }

    public StepProfile(BuildStep step, long startNs, long endNs, long setupNs, long teardownNs, String containerId,
                       Attribution attribution, List<CommandNode> processes) {
        this(step, startNs, endNs, setupNs, teardownNs, containerId, attribution, processes, null);
    }

    /** This step with its cgroup's pressure totals. */
    public StepProfile withPressure(StepResources.Pressure p) {
        return new StepProfile(step, startNs, endNs, setupNs, teardownNs, containerId, attribution, processes, p);
    }

    /** How a container was tied to a step. Stable names in JSON. */
    public enum Attribution {
        /** no container (cached, metadata-only, or nothing seen) */
        NONE,
        /** classic: the container id the builder printed ({@code Running in <id>}) is the cgroup's */
        CONTAINER_ID,
        /** podman: the container's processes descend from the build command, and steps run one at a time */
        PROCESS_TREE,
        /** BuildKit: the executor ran inside the window the builder reported for this step */
        TIMING,
        /** BuildKit: several executors fitted the window; chosen by matching the step's command line */
        TIMING_AND_COMMAND,
        /**
         * BuildKit: the executor's root snapshot is a layer of the image this build wrote (its
         * {@code writing image sha256:…} line): exact, whatever else runs at the same moment
         */
        IMAGE_LAYER,
        /**
         * BuildKit: among the executors that ran the step's RUN line, the only one whose overlay chain fits
         * the step (its first lower layer is the snapshot of the executor tied to the previous RUN, a later
         * step's executor builds on it, its base is the stage's base image): exact
         */
        LAYER_CHAIN,
        /**
         * BuildKit: among the executors that ran the step's RUN line, the only one whose environment at
         * exec holds the stage's ARG/ENV values as the Dockerfile and the client's --build-arg give them
         */
        ENVIRONMENT,
        /**
         * BuildKit: several executors ran the same command at the same moment and agree on every fact
         * boxtrace has of the step; left out, not guessed
         */
        AMBIGUOUS,
        /**
         * the builder's output named no steps ({@code -q}, {@code --attach}, {@code --from}): the
         * container exec'd this RUN line of the build's Dockerfile
         */
        DOCKERFILE,
        /** the output was not recognised: one unnamed step per container */
        UNNAMED;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public long durationNs() {
        return endNs > startNs ? endNs - startNs : 0;
    }

    public java.util.stream.Stream<CommandNode> commands() {
        return processes.stream().flatMap(CommandNode::flatten);
    }

    /** What the step's processes cost, its cgroup's pressure stalls, and the verdict on where its time went. */
    public StepResources resources() {
        return StepResources.of(commands().toList(), pressure);
    }
}
