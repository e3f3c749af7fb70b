package io.boxtrace.sink.chrome;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.sink.Golden;
import io.boxtrace.sink.SampleStreams;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ChromeTraceSinkTest {

    @TempDir
    Path dir;

    JsonNode trace() throws IOException {
        Path out = Golden.convert(SampleStreams.containerSession(), dir.resolve("t.json"));
        Golden.compare(out, "container-session.json");
        return new ObjectMapper().readTree(out.toFile());
    }

    /** A structural check of the Trace Event Format (JSON object form), as a JSON schema would do it. */
    @Test
    void conformsToTheTraceEventFormat() throws IOException {
        assertTraceEventFormat(trace());
    }

    /** The structural check, for every trace boxtrace writes (recordings, build profiles, start-ups). */
    public static void assertTraceEventFormat(JsonNode root) {
        assertThat(root.isObject()).isTrue();
        assertThat(root.get("traceEvents").isArray()).isTrue();
        assertThat(root.get("displayTimeUnit").asText()).isIn("ms", "ns");
        Set<String> phases = Set.of("X", "i", "M", "s", "f");
        for (JsonNode e : root.get("traceEvents")) {
            assertThat(e.get("ph").asText()).as(e.toString()).isIn(phases);
            assertThat(e.get("name").isTextual()).as(e.toString()).isTrue();
            assertThat(e.get("pid").isInt()).as(e.toString()).isTrue();
            assertThat(e.get("tid").isInt()).as(e.toString()).isTrue();
            switch (e.get("ph").asText()) {
                case "M" -> {
                    assertThat(e.get("name").asText()).isIn("process_name", "process_sort_index", "thread_name", "thread_sort_index");
                    assertThat(e.get("args").isObject()).isTrue();
                }
                case "X" -> {
                    assertThat(e.get("ts").isNumber() && e.get("ts").asDouble() >= 0).as(e.toString()).isTrue();
                    assertThat(e.get("dur").isNumber() && e.get("dur").asDouble() >= 0).as(e.toString()).isTrue();
                    assertThat(e.get("args").isObject()).isTrue();
                }
                case "i" -> {
                    assertThat(e.get("s").asText()).isIn("t", "p", "g");
                    assertThat(e.get("ts").isNumber()).isTrue();
                }
                default -> {
                    assertThat(e.get("id").isIntegralNumber()).isTrue();
                    assertThat(e.get("cat").isTextual()).isTrue();
                }
            }
        }
    }

    @Test
    void slicesOnOneThreadNestWithoutPartialOverlapAndInstantsLieInsideASlice() throws IOException {
        JsonNode root = trace();
        Map<String, List<long[]>> byThread = new HashMap<>();
        List<JsonNode> instants = new ArrayList<>();
        for (JsonNode e : root.get("traceEvents")) {
            String thread = e.get("pid").asInt() + "/" + e.get("tid").asInt();
            if (e.get("ph").asText().equals("X")) {
                long ts = ns(e.get("ts")), end = ts + ns(e.get("dur"));
                byThread.computeIfAbsent(thread, k -> new ArrayList<>()).add(new long[] {ts, end});
            } else if (e.get("ph").asText().equals("i") && e.get("s").asText().equals("t")) {
                instants.add(e);
            }
        }
        for (List<long[]> slices : byThread.values()) {
            slices.sort(Comparator.<long[]>comparingLong(s -> s[0]).thenComparingLong(s -> -s[1]));
            List<long[]> stack = new ArrayList<>();
            for (long[] s : slices) {
                while (!stack.isEmpty() && stack.getLast()[1] <= s[0]) {
                    stack.removeLast();
                }
                if (!stack.isEmpty()) {
                    assertThat(s[1]).as("slice %d..%d must nest inside %d..%d", s[0], s[1], stack.getLast()[0],
                            stack.getLast()[1]).isLessThanOrEqualTo(stack.getLast()[1]);
                }
                stack.add(s);
            }
        }
        for (JsonNode i : instants) {
            long t = ns(i.get("ts"));
            List<long[]> slices = byThread.get(i.get("pid").asInt() + "/" + i.get("tid").asInt());
            assertThat(slices).as(i.toString()).anyMatch(s -> s[0] <= t && t <= s[1]);
        }
    }

    @Test
    void carriesTheSessionsProcessesContainersExitsAndForks() throws IOException {
        JsonNode root = trace();
        Map<Integer, String> processNames = new HashMap<>();
        Map<String, JsonNode> slices = new HashMap<>();
        Map<Integer, JsonNode> byPid = new HashMap<>();
        Set<Long> starts = new HashSet<>();
        Set<Long> finishes = new HashSet<>();
        for (JsonNode e : root.get("traceEvents")) {
            switch (e.get("ph").asText()) {
                case "M" -> {
                    if (e.get("name").asText().equals("process_name")) {
                        processNames.put(e.get("pid").asInt(), e.get("args").get("name").asText());
                    }
                }
                case "X" -> {
                    slices.put(e.get("name").asText(), e);
                    byPid.put(e.get("args").get("pid").asInt(), e);
                }
                case "s" -> starts.add(e.get("id").asLong());
                case "f" -> finishes.add(e.get("id").asLong());
                default -> { }
            }
        }
        assertThat(processNames.values()).containsExactlyInAnyOrder("host",
                "container web (4f1c2a9b8d7e) boxtrace-test/busybox:latest");
        int web = processNames.entrySet().stream().filter(en -> en.getValue().contains("web")).findFirst().get().getKey();
        JsonNode ls = slices.get("ls /");
        assertThat(ls.get("pid").asInt()).isEqualTo(web);
        assertThat(ls.get("args").get("exit_code").asInt()).isZero();
        assertThat(ls.get("args").get("nspid").asInt()).isEqualTo(2);
        assertThat(ls.get("dur").asDouble()).isEqualTo(2200.0);
        assertThat(slices.get("sleep 1").get("args").get("killed_by").asText()).isEqualTo("SIGKILL");
        assertThat(slices.get("sleep 1").get("args").get("threads_created").asInt()).isEqualTo(1);
        assertThat(byPid.get(1000).get("name").asText()).isEqualTo("sh -c ls /; sleep 1; false");
        assertThat(byPid.get(1000).get("args").get("exit_code").asInt()).isEqualTo(1);
        // the failed exec leaves the forked shell, which exits 127
        assertThat(byPid.get(1002).get("name").asText()).isEqualTo("sh");
        assertThat(byPid.get(1002).get("args").get("exit_code").asInt()).isEqualTo(127);
        assertThat(slices.get("logger -t boxtrace-sample").get("args").get("running_at_end").asBoolean()).isTrue();
        assertThat(slices.get("/usr/bin/dockerd -H fd://").get("args").get("started_before_recording").asBoolean()).isTrue();
        assertThat(slices).doesNotContainKey("/sbin/init -- idle");
        for (int i = 0; i < 20; i++) {
            assertThat(slices).containsKey("true storm-" + i);
        }
        assertThat(starts).isNotEmpty().isEqualTo(finishes);
        assertThat(root.get("traceEvents").findValuesAsText("name")).contains("exec /bin/ls", "unshare mnt,uts",
                "exec failed /bin/nosuch (errno 2)", "3 events lost (ebpf)", "container start web", "comm sleepy");
        assertThat(root.get("otherData").get("lost_events").asInt()).isEqualTo(3);
        assertThat(root.get("otherData").get("recording_start").asText()).isEqualTo("2026-09-21T14:13:20.000000000Z");
    }

    private static long ns(JsonNode micros) {
        return new BigDecimal(micros.asText()).movePointRight(3).longValueExact();
    }
}
