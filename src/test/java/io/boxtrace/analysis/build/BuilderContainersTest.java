package io.boxtrace.analysis.build;

import static io.boxtrace.analysis.build.BuildEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.analysis.build.StepProfile.Attribution;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Only containers the build's builder made are its steps, on streams shaped like this host's
 * {@code DOCKER_BUILDKIT=0 docker build -q} beside a service container running a {@code sleep} loop
 * and another user's {@code docker run}: the builder's output names no step (-q prints the image id
 * only), so the Dockerfile names them.
 */
class BuilderContainersTest {

    static final String SERVICE = "/docker/af8c7574e16323102826ae4ee7f6ae3dae4d06a197b13b8515fc0566e5378ef7";
    static final String STEP = "/docker/2c391e289859f0c1d3b1e1b6a0c2d6f4f5d8e3c1b2a3f4e5d6c7b8a9f0e1d2c3";
    static final String OTHER_RUN = "/docker/77d6c55a32d0aa11bb22cc33dd44ee55ff66007788990011223344556677889a";
    static final String PARENT_IMAGE = "sha256:0395c80beda639151ffe537ae9017d52b81fbd36359fae25917519586d63462f";
    static final Dockerfile DOCKERFILE = Dockerfile.parse("/ctx/Dockerfile",
            "FROM boxtrace-test/busybox:latest\nRUN true\nRUN sleep 0.3\n");

    private final BuildProfileAnalysis analysis = new BuildProfileAnalysis();
    private final BuildEvents ev = new BuildEvents(analysis);

    @BeforeEach
    void host() {
        ev.existing(3000, 1, "containerd-shim", "/");
        // The service: started long before the build, its shell looping over `sleep 5`.
        ev.runningBefore(SERVICE);
        ev.image(SERVICE, "boxtrace-test/busybox:latest");
        ev.existing(500, 3000, "sh", SERVICE);
    }

    /** The runtime makes a container: runc init on the host joins its cgroup and execs its first program. */
    private void container(double ms, int runc, int init, String cgroup, String image, String... argv) {
        ev.image(cgroup, image);
        ev.fork(ms, 3000, runc);
        ev.exec(ms + 0.5, runc, "runc", "--root", "/var/run/docker/runtime-runc/moby", "create", "x");
        ev.fork(ms + 20, runc, init);
        ev.moveTo(init, cgroup);
        ev.exec(ms + 200, init, argv);
    }

    private void serviceLoop(double ms, int pid) {
        ev.fork(ms, 500, pid);
        ev.exec(ms + 1, pid, "sleep", "5");
    }

    private BuildProfile quietBuild(StepNaming naming) {
        serviceLoop(100, 501);
        container(200, 600, 601, STEP, PARENT_IMAGE, "/bin/sh", "-c", "true");
        ev.exit(401, 601, 0);
        ev.exit(402, 600, 0);
        container(300, 700, 701, OTHER_RUN, "boxtrace-test/busybox:latest", "sh", "-c", "sleep 0.5");
        ev.exit(1000, 701, 0);
        serviceLoop(1100, 502);
        BuildOutputParser out = BuildOutputParser.detecting();
        out.accept(at(1200), "sha256:8f8b278d2d0d72f878b25db6910f4a5eb829b9c02c8bd74baa65343259b02794");
        out.finish(at(1300));
        return BuildProfileAssembler.assemble(out.builder(), out.steps(), analysis,
                List.of("docker", "build", "-q", "/ctx"), Instant.EPOCH, at(0), at(1300), 0, Set.of(), naming);
    }

    @Test
    void aServiceContainersLoopAndAnotherDockerRunAreNoSteps() {
        BuildProfile p = quietBuild(new StepNaming(DOCKERFILE, null, null));
        assertThat(p.steps()).extracting(StepProfile::containerId)
                .containsExactly(STEP.substring("/docker/".length()));
        assertThat(p.notices()).anyMatch(n -> n.startsWith("1 container(s) made during the build left out"));
    }

    @Test
    void quietOutputStepsAreNamedFromTheDockerfile() {
        StepProfile step = quietBuild(new StepNaming(DOCKERFILE, null, null)).steps().getFirst();
        assertThat(step.step().instruction()).isEqualTo("RUN true");
        assertThat(step.step().position()).as("as the classic builder numbers it: Step 2/3").isEqualTo("2/3");
        assertThat(step.attribution()).isEqualTo(Attribution.DOCKERFILE);
        assertThat(step.processes()).extracting(CommandNode::args).containsExactly(List.of("/bin/sh", "-c", "true"));
    }

    @Test
    void withoutTheDockerfileTheBuildersImageIdStillTellsItsContainers() {
        BuildProfile p = quietBuild(new StepNaming(null, "the Dockerfile came on standard input",
                "a recording does not hold the builder's output"));
        assertThat(p.steps()).extracting(StepProfile::containerId)
                .containsExactly(STEP.substring("/docker/".length()));
        assertThat(p.steps().getFirst().step().instruction()).isEqualTo("RUN true");
        assertThat(p.steps().getFirst().attribution()).isEqualTo(Attribution.UNNAMED);
        assertThat(p.notices().getFirst()).startsWith("a recording does not hold the builder's output")
                .contains("no Dockerfile: the Dockerfile came on standard input")
                .doesNotContain("not recognised");
    }

    @Test
    void aDockerExecIntoTheServiceRunningARunLineIsNoStep() {
        // docker exec: runc init on the host joins the service's cgroup and execs exactly a RUN line of
        // the Dockerfile; the service was running before the build (no container start now).
        container(50, 800, 801, SERVICE, "boxtrace-test/busybox:latest", "/bin/sh", "-c", "true");
        ev.exit(60, 801, 0);
        BuildProfile p = quietBuild(new StepNaming(DOCKERFILE, null, null));
        assertThat(p.steps()).extracting(StepProfile::containerId)
                .containsExactly(STEP.substring("/docker/".length()));
    }
}
