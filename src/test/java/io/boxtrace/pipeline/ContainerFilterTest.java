package io.boxtrace.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerFilterTest {

    private final ContainerInfo outer = new ContainerInfo("abc123" + "0".repeat(58), "ci", "dind", "docker", Map.of(), null, null);
    private final ContainerInfo inner = new ContainerInfo("def456" + "0".repeat(58), "job", "busybox", "docker", Map.of(), outer, null);
    private final TracedEvent exec = TracedEvent.bare(new ExecEvent(1, Task.ids(1, 1), "/x", List.of(), false, null, 0,
            ExecEvent.ArgvSource.KERNEL));

    @Test
    void matchesByNameIdPrefixAndEnclosingContainer() {
        assertThat(new ContainerFilter(List.of("job")).test(exec.withContainer(inner))).isTrue();
        assertThat(new ContainerFilter(List.of("def4")).test(exec.withContainer(inner))).isTrue();
        assertThat(new ContainerFilter(List.of("ci")).test(exec.withContainer(inner))).as("nested in ci").isTrue();
        assertThat(new ContainerFilter(List.of("job")).test(exec.withContainer(outer))).isFalse();
        assertThat(new ContainerFilter(List.of("job")).test(exec)).as("host").isFalse();
    }

    @Test
    void lostEventsAlwaysPass() {
        assertThat(new ContainerFilter(List.of("job")).test(TracedEvent.bare(new LostEvent(1, "ebpf", 3, "x")))).isTrue();
    }
}
