package io.boxtrace.analysis.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a start's command lines say about its container when the engine said nothing. */
class ContainerNamesTest {

    private static final String ID = "20ec12e48dc29b60f3c0401e42e3cfe0c002fca075c157b8df230e5c47070183";
    private static final ContainerInfo UNNAMED = new ContainerInfo(ID, null, null, "podman", Map.of(), null, null);

    private static TracedEvent exec(List<String> args) {
        return TracedEvent.bare(new ExecEvent(1, new Task(7, 7, 1, 0, "conmon", 0, 0, 7), args.getFirst(), args, false,
                null, 0, ExecEvent.ArgvSource.KERNEL));
    }

    @Test
    void conmonNamesTheContainerItWasStartedFor() {
        List<TracedEvent> events = List.of(
                exec(List.of("/usr/bin/conmon", "--api-version", "1", "-c", "other", "-n", "someone-else")),
                exec(List.of("/usr/bin/conmon", "--api-version", "1", "-c", ID, "-u", ID, "-n", "bt-fix-pfail")));
        ContainerInfo c = ContainerNames.withName(UNNAMED, List.of("podman", "run", "--rm", "img", "true"), events);
        assertThat(c.name()).isEqualTo("bt-fix-pfail");
        assertThat(c.id()).isEqualTo(ID);
    }

    @Test
    void elseTheClientsNameOptionInEitherSpelling() {
        assertThat(ContainerNames.withName(UNNAMED, List.of("docker", "run", "--name", "web", "img"), List.of()).name())
                .isEqualTo("web");
        assertThat(ContainerNames.withName(UNNAMED, List.of("docker", "run", "--name=web2", "img"), List.of()).name())
                .isEqualTo("web2");
        assertThat(ContainerNames.withName(UNNAMED, List.of("docker", "run", "img"), List.of()).name()).isNull();
    }

    @Test
    void anExecEntersTheContainerItNamesButANestedRunStartsOne() {
        ContainerInfo svc = new ContainerInfo(ID, "svc", null, "docker", Map.of(), null, null);
        assertThat(ContainerNames.entered(List.of("docker", "exec", "-u", "root", "svc", "sh"), svc)).isTrue();
        assertThat(ContainerNames.entered(List.of("runc", "exec", ID.substring(0, 12), "true"), svc)).isTrue();
        assertThat(ContainerNames.entered(List.of("docker", "start", "-a", "svc"), svc)).isFalse();
        ContainerInfo inner = new ContainerInfo(ID, "inner", null, "docker", Map.of(), null, null);
        assertThat(ContainerNames.entered(List.of("docker", "exec", "outer", "docker", "run", "--name", "inner", "img"),
                inner)).isFalse();
    }
}
