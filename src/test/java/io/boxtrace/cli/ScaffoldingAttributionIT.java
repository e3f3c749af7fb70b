package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.container.ContainerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host-wide {@code trace --json} (eBPF) while 12 {@code docker run}s start at once, one of them
 * {@code --pid=host}: runc 1.1's {@code runc init} re-execs itself while runc moves it into the new
 * container's cgroup, and on this host 4 of 12 came out as the container's process. Runtime
 * scaffolding is never a container's; a {@code --pid=host} container's own programs, in the host's
 * pid namespace too, still are.
 */
class ScaffoldingAttributionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "boxtrace-test/busybox:latest";

    @TempDir
    Path tmp;

    @Test
    void runcInitIsNeverAContainersProcessEvenWhenTwelveStartAtOnce() throws Exception {
        String tag = "bt-buildsteps-par-" + UUID.randomUUID().toString().substring(0, 8);
        Path events = tmp.resolve("events.jsonl");
        Process trace = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "trace", "--json", "--source", "ebpf", "-o", events.toString())).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("trace.log").toFile()).start();
        List<Process> runs = new ArrayList<>();
        try {
            ContainerIT.awaitReady(tmp.resolve("trace.log"));
            for (int i = 0; i < 12; i++) {
                List<String> cmd = new ArrayList<>(List.of("docker", "run", "--rm", "--name", tag + "-" + i));
                if (i == 0) {
                    cmd.add("--pid=host");
                }
                cmd.addAll(List.of(IMAGE, "sh", "-c", "sleep 0.5; echo " + tag + "-" + i));
                runs.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (Process r : runs) {
                assertThat(r.waitFor(90, TimeUnit.SECONDS)).isTrue();
                assertThat(r.exitValue()).isZero();
            }
            Thread.sleep(1000);
        } finally {
            trace.destroy(); // SIGTERM: drains and writes the summary
            assertThat(trace.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        List<JsonNode> ours = new ArrayList<>();
        for (String l : Files.readAllLines(events)) {
            JsonNode e = JSON.readTree(l);
            if (e.path("container").path("name").asText().startsWith(tag)) {
                ours.add(e);
            }
        }
        assertThat(ours).as("our containers' events").isNotEmpty();
        for (JsonNode e : ours) {
            String comm = e.path("comm").asText();
            String argv0 = e.path("args").path(0).asText("");
            boolean scaffolding = comm.startsWith("runc") || ContainerRuntime.isScaffoldingName(comm)
                    || ContainerRuntime.isScaffoldingName(ContainerRuntime.baseName(argv0));
            assertThat(scaffolding).as("runtime scaffolding put in a container: %s", e).isFalse();
        }
        for (int i = 0; i < 12; i++) {
            String name = tag + "-" + i;
            assertThat(ours).as(name + "'s own shell").anyMatch(e -> e.path("type").asText().equals("exec")
                    && e.path("container").path("name").asText().equals(name)
                    && e.path("args").toString().contains("echo " + name + "\""));
        }
        JsonNode pidHost = ours.stream().filter(e -> e.path("type").asText().equals("exec")
                && e.path("container").path("name").asText().equals(tag + "-0")).findFirst().orElseThrow();
        assertThat(pidHost.path("nspid").asInt()).as("--pid=host: in the host's pid namespace")
                .isEqualTo(pidHost.path("pid").asInt());
    }
}
