package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.analysis.startup.StartupReport;
import io.boxtrace.event.ContainerInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunNoContainerTest {

    private static StartupReport report(ContainerInfo c) {
        return new StartupReport(null, c, 0, 0, List.of(), List.of(), List.of(), null, null);
    }

    @Test
    void plainCommandWithoutContainerStartedNone() {
        assertThat(RunCommand.startedNoContainer(List.of("ls"), report(null))).isTrue();
    }

    @Test
    void startCommandIsJudgedByItsOwnReport() {
        assertThat(RunCommand.startedNoContainer(List.of("docker", "run", "--rm", "alpine", "true"), report(null)))
                .isFalse();
    }

    @Test
    void wrapperThatStartedAContainerCounts() {
        var c = new ContainerInfo("c".repeat(64), null, null, "docker", Map.of(), null, null);
        assertThat(RunCommand.startedNoContainer(List.of("sh", "-c", "docker run alpine"), report(c))).isFalse();
    }
}
