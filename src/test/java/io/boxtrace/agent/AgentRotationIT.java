package io.boxtrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent --output} under an exec storm with a small rotation size: every exec of the storm is
 * in exactly one line of exactly one file, every line is whole JSON, no file passes the size.
 */
class AgentRotationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROTATE = 64 * 1024;
    private static final int EXECS = 2000;

    @TempDir
    Path tmp;

    @Test
    void rotationUnderAStormLosesAndSplitsNoLine() throws Exception {
        Path out = tmp.resolve("events.jsonl");
        String tag = "BTROT" + ProcessHandle.current().pid() + "-";
        try (AgentProcess agent = AgentProcess.start("--output", out.toString(), "--rotate-size", "64K",
                "--keep", "10000")) {
            agent.awaitTracing();
            AgentProcess.run("sh", "-c", "i=0; while [ $i -lt " + EXECS + " ]; do /bin/true " + tag + "$i; i=$((i+1)); done");
            assertThat(agent.stop()).as("stderr: %s", agent.stderr()).isZero();
            assertThat(agent.stderr()).contains("none lost");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(tmp)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("events.jsonl")).sorted().toList();
        }
        assertThat(files.size()).as("rotated files").isGreaterThan(5);
        Map<String, Integer> seen = new HashMap<>();
        List<JsonNode> all = new ArrayList<>();
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            assertThat((long) bytes.length).as("%s size", f).isLessThanOrEqualTo(ROTATE);
            assertThat(bytes[bytes.length - 1]).as("%s ends with a whole line", f).isEqualTo((byte) '\n');
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                JsonNode n = JSON.readTree(line); // throws on a split line
                all.add(n);
                if (n.path("type").asText().equals("exec") && n.path("args").size() == 2
                        && n.path("args").get(1).asText().startsWith(tag)) {
                    seen.merge(n.path("args").get(1).asText(), 1, Integer::sum);
                }
            }
        }
        assertThat(seen).as("every exec of the storm, once").hasSize(EXECS);
        assertThat(seen.values()).containsOnly(1);
        List<String> current = Files.readAllLines(out);
        assertThat(JSON.readTree(current.getLast()).path("type").asText()).isEqualTo("summary");
        assertThat(all.stream().filter(n -> n.path("type").asText().equals("summary"))).hasSize(1);
    }
}
