package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service container that was already running when {@code record} started (real dockerd): the
 * recording holds it, and {@code tree --from} shows it under its container, by name, at the end
 * and at any {@code --at}, as the live {@code tree} would have.
 */
class InitialStateRecordingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name = "bt-recording-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path tmp;

    @AfterEach
    void removeContainer() throws Exception {
        new ProcessBuilder("docker", "rm", "-f", name).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void aContainerRunningAtTheStartIsReplayedAsATreeUnderItsContainer() throws Exception {
        Process docker = new ProcessBuilder("docker", "run", "-d", "--name", name, "boxtrace-test/busybox:latest",
                "sh", "-c", "sleep 300 & while true; do sleep 0.4; done").redirectErrorStream(true).start();
        String id = new String(docker.getInputStream().readAllBytes()).strip();
        assertThat(docker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(docker.exitValue()).as(id).isZero();
        Thread.sleep(500); // its loop has run a sleep or two

        Path rec = tmp.resolve("svc.jsonl");
        CliIT.Result r = CliIT.boxtrace("record", "-o", rec.toString(), "--duration", "3s");
        assertThat(r.exit()).as(r.err()).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(rec)) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines.getFirst().path("initial_state").asBoolean()).as("header: %s", lines.getFirst()).isTrue();
        List<JsonNode> initial = lines.stream().filter(n -> n.path("initial").asBoolean()).toList();
        assertThat(initial).as("the service's shell, alive at the start, with its container's name")
                .anySatisfy(n -> {
                    assertThat(n.path("comm").asText()).isEqualTo("sh");
                    assertThat(n.path("nspid").asInt()).isEqualTo(1);
                    assertThat(n.path("container").path("name").asText()).isEqualTo(name);
                });
        // boxtrace never records itself: the JVM running this record command is not in the initial state
        // (other boxtraces running meanwhile are ordinary processes to it)
        assertThat(initial).noneSatisfy(n -> assertThat(n.path("args").toString()).contains("boxtrace.jar", "record",
                rec.toString()));
        // the summary counts the events written, not the initial state
        long events = lines.stream().filter(n -> !n.path("initial").asBoolean()
                && !n.get("type").asText().equals("summary") && !n.has("clock")).count();
        assertThat(lines.getLast().get("events").asLong()).isEqualTo(events);

        for (String at : new String[] {null, "0s", "1.5s"}) {
            CliIT.Result tree = at == null ? CliIT.boxtrace("tree", "--from", rec.toString())
                    : CliIT.boxtrace("tree", "--from", rec.toString(), "--at", at);
            assertThat(tree.exit()).as(tree.err()).isZero();
            List<String> block = containerBlock(tree.out(), name);
            assertThat(block).as("tree --from %s --at %s:\n%s", rec, at, tree.out()).isNotEmpty();
            assertThat(block.getFirst()).contains(id.substring(0, 12), "boxtrace-test/busybox:latest", "docker");
            // its pid 1 is the shell, named, with its command line, as a root of the container
            assertThat(block.get(1)).matches("  sh,\\d+ \\(1\\) .*sh -c 'sleep 300 & while true; do sleep 0\\.4; done'");
            // the shell's children hang under it, not as loose roots: sleep 300 (alive at the start, so from
            // the initial state, at every moment) and the loop's sleeps (one at a time, with a gap between)
            assertThat(block.subList(2, block.size())).as("tree --from --at %s:\n%s", at, tree.out())
                    .anySatisfy(l -> assertThat(l).matches("  [└├]─sleep,\\d+.* sleep 300"))
                    .allSatisfy(l -> assertThat(l).matches("  [└├]─sleep,\\d+.* sleep (300|0\\.4)"));
            assertThat(tree.out()).doesNotContain("?,");
        }
    }

    /** The container's header line and the process lines under it, up to the next blank line. */
    private static List<String> containerBlock(String tree, String container) {
        List<String> out = new ArrayList<>();
        for (String l : tree.split("\n")) {
            if (out.isEmpty() && l.startsWith(container + " ")) {
                out.add(l);
            } else if (!out.isEmpty()) {
                if (l.isBlank()) {
                    break;
                }
                out.add(l);
            }
        }
        return out;
    }
}
