package io.boxtrace.render.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.analysis.startup.StartupReport;
import io.boxtrace.event.Clock;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JSON reaches terminals too: control and invisible formatting characters from the traced world are
 * \\u escapes in every JSON output (the same strings for a JSON reader), and unknown fields are left
 * out rather than written as null.
 */
class JsonOutputTest {

    private static final String HOSTILE = "a\u009b2J\u202eb\u200bc\u2028d\u007fe\u00adf";

    @Test
    void controlAndFormattingCharactersAreEscapedAndReadBackUnchanged() throws Exception {
        Task task = new Task(42, 42, 41, 0, HOSTILE, 0, 0, Task.UNKNOWN);
        String line = new EventJson(new Clock(0, 0)).toJson(TracedEvent.bare(new ExitEvent(5, task, 0, 0, false)));
        for (char c : new char[] {'\u009b', '\u202e', '\u200b', '\u2028', '\u007f', '\u00ad'}) {
            assertThat(line.indexOf(c)).as("raw U+%04x in %s", (int) c, line).isNegative();
        }
        assertThat(line.toLowerCase(java.util.Locale.ROOT)).contains("\\u009b", "\\u202e", "\\u200b", "\\u2028", "\\u007f", "\\u00ad");
        assertThat(new ObjectMapper().readTree(line).path("comm").asText()).isEqualTo(HOSTILE);
        // printable non-ASCII stays as it is (UTF-8), emoji pairs included
        String fine = new EventJson(new Clock(0, 0)).toJson(TracedEvent.bare(new ExitEvent(5,
                new Task(42, 42, 41, 0, "caf\u00e9\ud83d\ude00", 0, 0, Task.UNKNOWN), 0, 0, false)));
        assertThat(new String(fine.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).contains("caf\u00e9\ud83d\ude00");
    }

    @Test
    void treeJsonEscapesTheSameWay() throws Exception {
        String json = JsonOutput.write(ContainerTreeJson.container(new ContainerInfo("a".repeat(64), HOSTILE, "img\u202e",
                "docker", Map.of("k", "v\u009b"), null, null)));
        assertThat(json).doesNotContain("\u009b", "\u202e").containsIgnoringCase("\\u202e");
        assertThat(new ObjectMapper().readTree(json).path("name").asText()).isEqualTo(HOSTILE);
    }

    @Test
    void aStartupReportLeavesOutWhatIsNotKnown() throws Exception {
        StartupReport r = new StartupReport("docker", new ContainerInfo("b".repeat(64), null, null, "docker", Map.of(), null,
                null), 1_000, 2_000, List.of(), List.of(new StartupReport.NsOp(1_500, 7, "runc:[1:CHILD]", "unshare",
                List.of("mnt"), null, 0, 0)), List.of(), null, null, null);
        String json = StartupReportJson.json(r, new Clock(0, 0));
        assertThat(json).doesNotContain("null");
        JsonNode op = new ObjectMapper().readTree(json).path("namespace_ops").path(0);
        assertThat(op.has("path")).isFalse();
        assertThat(op.has("inode")).isFalse();
        assertThat(op.path("op").asText()).isEqualTo("unshare");
    }
}
