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
}
