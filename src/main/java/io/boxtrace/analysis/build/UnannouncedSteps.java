package io.boxtrace.analysis.build;

import io.boxtrace.analysis.build.StepProfile.Attribution;
import io.boxtrace.container.ContainerRuntime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A build's steps when the builder's output does not name them ({@code docker build -q} prints only
 * the image id; {@code --attach} and {@code --from} never see the output): the containers made during
 * the build, each tied to the Dockerfile's RUN instruction whose command its runtime exec'd (the
 * classic builder and BuildKit exec exactly the RUN argv as the container's first program).
 *
 * <p>Which containers are the builder's: BuildKit's executors (their cgroup is BuildKit's) and
 * Buildah's containers descending from the client are builders' by where they run; dockerd's
 * intermediate containers are made from the previous step's image by its bare id (the runtime reports
 * {@code sha256:<64 hex>} as their image, a {@code docker run} the reference typed) or ran a RUN line
 * of this Dockerfile. Any other container is left out and counted, never guessed.
 * Stateless.
 */
final class UnannouncedSteps {

    record Step(BuildStep step, ContainerActivity container, Attribution attribution) {
    }

    private final List<Step> steps;
    private final List<String> notices;

    private UnannouncedSteps(List<Step> steps, List<String> notices) {
        this.steps = steps;
        this.notices = notices;
    }

    List<Step> steps() {
        return steps;
    }

    List<String> notices() {
        return notices;
    }

    /** @param made the containers made during the build, in any order */
    static UnannouncedSteps of(List<ContainerActivity> made, StepNaming naming) {
        Dockerfile df = naming.dockerfile();
        List<Dockerfile.Instruction> runs = df == null ? List.of() : df.runs();
        int total = df == null ? 0 : df.instructions().size();
        Set<Dockerfile.Instruction> taken = new HashSet<>();
        List<Step> out = new ArrayList<>();
        int leftOut = 0;
        for (ContainerActivity c : made.stream().filter(c -> !c.processes.isEmpty())
                .sorted(Comparator.comparingLong(ContainerActivity::firstStartNs)).toList()) {
            ContainerRuntime runtime = ContainerRuntime.of(c.runtime);
            List<String> argv = c.firstArgs();
            // The first RUN of the file with this argv not yet given to an earlier container: the same
            // line twice in one file is run twice, in file order.
            Dockerfile.Instruction run = runs.stream().filter(r -> !taken.contains(r) && r.runArgv().equals(argv))
                    .findFirst().orElse(null);
            boolean ranByABuilder = runtime == ContainerRuntime.BUILDKIT
                    || (runtime == ContainerRuntime.PODMAN && c.descendsFromClient)
                    || (runtime == ContainerRuntime.DOCKER && c.madeFromImageId());
            if (run == null && !ranByABuilder) {
                leftOut++;
                continue;
            }
            BuildStep step;
            if (run != null) {
                taken.add(run);
                step = new BuildStep(out.size() + 1, run.position() + "/" + total, run.text(), false, c.firstStartNs(),
                        c.lastExitNs(), null, null, null, -1, null, -1);
            } else {
                step = new BuildStep(out.size() + 1, null, BuildProfileAssembler.instructionOf(argv), false,
                        c.firstStartNs(), c.lastExitNs(), null, null, null, -1, null, -1);
            }
            out.add(new Step(step, c, run != null ? Attribution.DOCKERFILE : Attribution.UNNAMED));
        }
        List<String> notices = new ArrayList<>();
        String source = naming.noOutput() != null ? naming.noOutput()
                : "the build output names no steps (docker build -q, or a format boxtrace does not know)";
        notices.add(source + ": steps are the containers the builder made, "
                + (df != null ? "named from the RUN lines of " + df.path() + " they ran"
                : "named from the command each ran (no Dockerfile: " + naming.noDockerfile() + ")"));
        if (leftOut > 0) {
            notices.add(leftOut + " container(s) made during the build left out: not the builder's (made from an "
                    + "image reference, not an image id" + (df == null ? "" : ", and running no RUN line of " + df.path())
                    + "; another docker run?)");
        }
        return new UnannouncedSteps(List.copyOf(out), List.copyOf(notices));
    }
}
