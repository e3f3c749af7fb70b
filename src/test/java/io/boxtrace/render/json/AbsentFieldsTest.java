package io.boxtrace.render.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.event.Clock;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is not known is left out of the JSON (README: "absent fields omitted, never null"), never null or -1. */
class AbsentFieldsTest {

    @Test
    void anUnnamedContainerHasNoNullNameOrImageInTreeJson() {
        String json = ContainerTreeJson.container(new ContainerInfo("a".repeat(64), null, null, "docker", Map.of(), null,
                null)).toString();
        assertThat(json).doesNotContain("null").doesNotContain("\"name\"").doesNotContain("\"image\"");
    }

    @Test
    void anExitWhoseCodeIsUnknownHasNoExitCode() throws Exception {
        Task task = new Task(42, 42, 41, Task.UNKNOWN, "sleep", 0, 0, Task.UNKNOWN);
        JsonNode n = new ObjectMapper().readTree(new EventJson(new Clock(0, 0)).toJson(
                TracedEvent.bare(new ExitEvent(5, task, Task.UNKNOWN, 0, false))));
        assertThat(n.has("exit_code")).as(n.toString()).isFalse();
        assertThat(n.has("signal")).isFalse();
    }
}
