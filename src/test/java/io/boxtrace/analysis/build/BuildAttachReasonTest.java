package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Clock;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Why a build container is left out: several build clients, or none at all. */
class BuildAttachReasonTest {

    private final BuildAttach attach = new BuildAttach(new Clock(0, 0), p -> { });

    private static TracedEvent exec(int pid, List<String> args, ContainerInfo c) {
        var x = new ExecEvent(1_000L * pid, new Task(pid, pid, 1, 0, "x", 0, 0, pid), "/usr/bin/" + args.getFirst(),
                args, false, null, 0, ExecEvent.ArgvSource.KERNEL);
        return new TracedEvent(x, null, null, c);
    }

    private static ContainerInfo docker(String id) {
        return new ContainerInfo(id, null, null, "docker", Map.of(), null, null);
    }

    @Test
    void containerWithNoBuildClientIsNotCalledConcurrent() {
        attach.accept(exec(50, List.of("sh", "-c", "true"), docker("a".repeat(64))));
        assertThat(attach.ambiguous()).isZero();
        assertThat(attach.withoutClient()).isEqualTo(1);
    }

    @Test
    void containerDuringTwoBuildsIsConcurrent() {
        attach.accept(exec(10, List.of("docker", "build", "."), null));
        attach.accept(exec(11, List.of("docker", "build", "."), null));
        attach.accept(exec(50, List.of("sh", "-c", "true"), docker("b".repeat(64))));
        assertThat(attach.ambiguous()).isEqualTo(1);
        assertThat(attach.withoutClient()).isZero();
    }

    @Test
    void aWrapperThatForksTheClientIsOneBuildEndingWithTheClient() {
        List<BuildProfile> profiles = new java.util.ArrayList<>();
        BuildAttach a = new BuildAttach(new Clock(0, 0), profiles::add);
        a.accept(exec(20, List.of("timeout", "60", "docker", "build", "-q", "."), null));
        var client = new ExecEvent(21_000L, new Task(21, 21, 20, 0, "docker", 0, 0, 21), "/usr/bin/docker",
                List.of("docker", "build", "-q", "."), false, null, 0, ExecEvent.ArgvSource.KERNEL);
        a.accept(new TracedEvent(client, null, null, null));
        a.accept(exec(50, List.of("sh", "-c", "true"), docker("c".repeat(64))));
        assertThat(a.ambiguous()).as("one build, not two at once").isZero();
        a.accept(new TracedEvent(io.boxtrace.event.ExitEvent.fromWaitStatus(90_000L, Task.ids(21, 21), 0), null, null, null));
        a.accept(new TracedEvent(io.boxtrace.event.ExitEvent.fromWaitStatus(91_000L, Task.ids(20, 20), 0), null, null, null));
        assertThat(profiles).hasSize(1);
        assertThat(profiles.getFirst().command()).containsExactly("docker", "build", "-q", ".");
    }

    /** The builder's output is not seen here: the builder is named from where the steps ran, else the client. */
    @Test
    void builderIsNamedFromTheStepsRuntimeOrTheClient() {
        assertThat(builderOf(List.of("docker", "build", "."), docker("d".repeat(64)))).isEqualTo(Builder.CLASSIC);
        assertThat(builderOf(List.of("docker", "build", "."),
                new ContainerInfo("e".repeat(25), null, null, "buildkit", Map.of(), null, null))).isEqualTo(Builder.BUILDKIT);
        assertThat(builderOf(List.of("podman", "build", "."), null)).isEqualTo(Builder.PODMAN);
        assertThat(builderOf(List.of("buildah", "bud", "."), null)).isEqualTo(Builder.PODMAN);
        assertThat(builderOf(List.of("docker", "build", "."), null)).as("no step ran: nothing to go by")
                .isEqualTo(Builder.UNKNOWN);
    }

    private static Builder builderOf(List<String> client, ContainerInfo step) {
        List<BuildProfile> profiles = new java.util.ArrayList<>();
        BuildAttach a = new BuildAttach(new Clock(0, 0), profiles::add);
        a.accept(exec(30, client, null));
        if (step != null) {
            a.accept(exec(60, List.of("sh", "-c", "true"), step));
        }
        a.accept(new TracedEvent(io.boxtrace.event.ExitEvent.fromWaitStatus(90_000L, Task.ids(30, 30), 0), null, null, null));
        assertThat(profiles).hasSize(1);
        return profiles.getFirst().builder();
    }
}
