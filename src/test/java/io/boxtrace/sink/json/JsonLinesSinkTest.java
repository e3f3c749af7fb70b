package io.boxtrace.sink.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.event.Clock;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.ProcessResources;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.render.json.EventJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code trace --json} writes UTF-8 bytes through Jackson's byte generator; {@link EventJson#toJson}
 * (and the recording writer) go through a Writer. Both must write the same text for the same event,
 * hostile strings included (escapes of controls, bidi and C1 characters), except characters outside
 * the BMP: Jackson's byte generator writes those as a pair of {@code \\u} escapes when terminal-safe
 * escapes are on (the same string to every JSON reader), and a lone surrogate as its escape where the
 * Writer path wrote {@code ?}.
 */
class JsonLinesSinkTest {

    private static final long EPOCH_NS = 1_795_392_000_000_000_000L;
    private final Clock clock = new Clock(EPOCH_NS - 1_000_000_000_000L, 0);

    private static final List<String> HOSTILE = List.of("plain", "tab\tnew\nline", "\u001b[31mred", "c1\u009bcsi",
            "bidi\u202eevil", "zero\u200bwidth", "del\u007f", "emoji \ud83d\ude00 ok", "é ü 中文", "quote\" back\\",
            "lone \ud800 high");

    private List<TracedEvent> events() {
        List<TracedEvent> out = new ArrayList<>();
        ContainerInfo c = new ContainerInfo("b".repeat(64), "na\u202eme", "img\ud83d\ude00", "docker",
                Map.of("k\u009b", "v\u0007"), null, "/docker/b");
        long t = 1_000_000_000_000L;
        for (int i = 0; i < HOSTILE.size(); i++) {
            String s = HOSTILE.get(i);
            Task task = new Task(100 + i, 100 + i, 1, 0, s.length() > 15 ? s.substring(0, 15) : s, 0, 0, 100 + i);
            ProcessInfo p = new ProcessInfo(new ProcessKey(100 + i, t - 5_000_000), 1, 0, "sh", "/bin/" + s,
                    List.of(s), "/", null, 0, List.of(100 + i), Map.of(), 0, Task.UNKNOWN, 0, false);
            out.add(new TracedEvent(new ExecEvent(t + i, task, "/bin/" + s, List.of(s, "x" + s), false, "/" + s, 0,
                    ExecEvent.ArgvSource.KERNEL), p, null, i % 2 == 0 ? c : null));
            ProcessResources r = new ProcessResources(1_010_331, 500, 1648, 0, 4096, 1, 0, 22_278,
                    ProcessResources.Source.KERNEL);
            out.add(new TracedEvent(new ExitEvent(t + 1_000 + i, task, 0, 0, false, r), p, null, null));
        }
        return out;
    }

    @Test
    void theByteGeneratorWritesWhatTheWriterPathWritesForEveryHostileString() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EventJson json = new EventJson(clock);
        List<TracedEvent> events = events();
        try (JsonLinesSink sink = new JsonLinesSink(bytes, json, true)) {
            for (TracedEvent e : events) {
                sink.accept(e);
            }
            sink.end(new PipelineStats(events.size(), 0, 0, 0, 0, 0));
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        EventJson reference = new EventJson(clock);
        assertThat(lines).hasSize(events.size() + 1);
        ObjectMapper m = new ObjectMapper();
        int identical = 0;
        for (int i = 0; i < events.size(); i++) {
            String expected = reference.toJson(events.get(i));
            assertThat(m.readTree(lines[i])).isEqualTo(m.readTree(expected));
            if (expected.chars().noneMatch(c -> Character.isSurrogate((char) c))) {
                assertThat(lines[i]).isEqualTo(expected);
                identical++;
            } else {
                assertThat(lines[i].chars().filter(c -> Character.isSurrogate((char) c))).isEmpty();
            }
        }
        assertThat(identical).as("byte-identical lines").isGreaterThan(events.size() / 2);
        assertThat(lines[events.size()]).startsWith("{\"type\":\"summary\",\"events\":" + events.size() + ",");
        // the escapes that keep a terminal safe are there, and every string reads back unchanged
        assertThat(lines[6]).contains("c1\\u009Bcsi").doesNotContain("\u009b");
        assertThat(lines[14]).contains("emoji \\uD83D\\uDE00 ok");
        for (int i = 0; i < HOSTILE.size(); i++) {
            JsonNode n = m.readTree(lines[2 * i]);
            assertThat(n.get("args").get(0).asText()).isEqualTo(HOSTILE.get(i));
        }
    }

    @Test
    void millisecondFieldsAreExactDecimalsThatReadBackAsTheSameDouble() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonLinesSink sink = new JsonLinesSink(bytes, new EventJson(clock), true)) {
            sink.accept(events().get(1));
        }
        JsonNode n = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\"cpu_user_ms\":1.010331,\"cpu_sys_ms\":0.0005,")
                .contains("\"duration_ms\":5.001,").contains("\"runq_delay_ms\":0.022278,");
        assertThat(n.get("cpu_sys_ms").asDouble()).isEqualTo(500 / 1e6);
    }
}
