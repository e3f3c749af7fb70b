package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-command resources and per-step verdicts in {@code build --json} against ground truth, for the
 * classic builder, BuildKit and podman on the real kernel: busybox's {@code time} inside the build
 * container (wait4's rusage) for a CPU burner, the allocation's own size for a 200 MiB buffer,
 * dd's 64 MiB with fsync for written bytes, and {@code sleep 1} for a step that only waits.
 */
class BuildResourcesIT {

    private static final Pattern GROUND_TRUTH = Pattern.compile("GT (\\d+\\.\\d+) (\\d+\\.\\d+) (\\d+\\.\\d+)");
    private static final List<String> IMAGES = new ArrayList<>();

    @TempDir
    Path tmp;

    private Path context(String tag) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(tag));
        Files.writeString(dir.resolve("Dockerfile"), String.join("\n",
                "FROM boxtrace-test/busybox:latest",
                "RUN echo " + tag + " && time -f 'GT %e %U %S' dd if=/dev/zero of=/dev/null bs=1M count=50000",
                "RUN dd if=/dev/zero of=/dev/null bs=200M count=1",
                "RUN dd if=/dev/zero of=/tmp/out bs=1M count=256 conv=fsync", // long enough for a verdict (>= 100 ms of commands) on a fast disk
                "RUN sleep 1",
                // one more CPU burner than there are CPUs for 1 s: some task always waits, so the step's cgroup
                // records about 1 s of CPU pressure stall
                "RUN n=$(($(nproc) + 1)); i=0; while [ $i -lt $n ]; do timeout 1 yes >/dev/null & i=$((i + 1)); done; wait",
                ""));
        return dir;
    }

    private static String image(String tag) {
        String image = "bt-buildres-" + tag;
        IMAGES.add(image);
        return image;
    }

    @AfterAll
    static void removeImages() throws Exception {
        for (String image : IMAGES) {
            for (String cli : new String[] {"docker", "podman"}) {
                new ProcessBuilder(cli, "rmi", "-f", image).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void classicBuilder() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        check(List.of("env", "DOCKER_BUILDKIT=0", "/usr/local/bin/docker", "build", "--no-cache", "-t", image(tag),
                context(tag).toString()));
    }

    @Test
    void buildKit() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        check(List.of("env", "DOCKER_BUILDKIT=1", "/usr/bin/docker", "build", "--progress=plain", "--no-cache", "-t",
                image(tag), context(tag).toString()));
    }

    @Test
    void podman() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        check(List.of("podman", "build", "--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit",
                "nproc=1024:1024", "--no-cache", "-t", image(tag), context(tag).toString()));
    }

    private void check(List<String> build) throws Exception {
        BuildProfileIT.Run r = BuildProfileIT.boxtraceBuild("ebpf", tmp.resolve("profile.json"), build);
        assertThat(r.exit()).as(r.err()).isZero();
        Matcher gt = GROUND_TRUTH.matcher(r.out() + r.err());
        assertThat(gt.find()).as("busybox time's line in the build output").isTrue();
        double truthMs = (Double.parseDouble(gt.group(2)) + Double.parseDouble(gt.group(3))) * 1000;
        List<JsonNode> runs = BuildProfileIT.runSteps(r.profile());
        assertThat(runs).hasSize(5);

        JsonNode burner = command(runs.get(0), "dd", "count=50000");
        assertThat(truthMs).isGreaterThan(300);
        assertThat(cpuMs(burner)).isCloseTo(truthMs, Offset.offset(Math.max(10, truthMs * 0.10)));
        assertThat(runs.get(0).get("cpu_ms").asDouble()).isGreaterThanOrEqualTo(cpuMs(burner));
        assertThat(runs.get(0).get("verdict").asText()).isEqualTo("cpu");
        JsonNode time = parentOf(runs.get(0), burner);
        assertThat(time.get("children_cpu_ms").asDouble()).isGreaterThanOrEqualTo(cpuMs(burner) - 0.001);

        JsonNode big = command(runs.get(1), "dd", "bs=200M");
        assertThat(big.get("max_rss_kb").asLong()).isBetween((long) (204_800 * 0.95), (long) (204_800 * 1.05));
        assertThat(runs.get(1).get("peak_memory_bytes").asLong()).isGreaterThanOrEqualTo(big.get("max_rss_kb").asLong() * 1024);

        JsonNode writer = command(runs.get(2), "dd", "conv=fsync");
        assertThat(writer.get("write_bytes").asLong()).isGreaterThanOrEqualTo(64L << 20);
        assertThat(runs.get(2).get("write_bytes").asLong()).isGreaterThanOrEqualTo(64L << 20);
        assertThat(runs.get(2).get("verdict").asText()).isIn("io", "cpu"); // fsync on a fast disk may be CPU-bound

        JsonNode sleep = command(runs.get(3), "sleep", "1");
        assertThat(sleep.get("duration_ms").asDouble()).isBetween(990.0, 1500.0);
        assertThat(cpuMs(sleep)).isLessThan(50);
        assertThat(runs.get(3).get("verdict").asText()).isEqualTo("waiting");

        JsonNode contended = runs.get(4);
        assertThat(contended.has("pressure")).as("the step cgroup's PSI totals: %s", contended).isTrue();
        assertThat(contended.get("pressure").get("cpu_ms").asDouble()).isBetween(300.0, 5000.0);
        assertThat(contended.get("verdict").asText()).isEqualTo("cpu");
    }

    static double cpuMs(JsonNode c) {
        return c.get("cpu_user_ms").asDouble() + c.get("cpu_sys_ms").asDouble();
    }

    static List<JsonNode> flatten(JsonNode nodes) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : nodes) {
            out.add(n);
            out.addAll(flatten(n.get("children")));
        }
        return out;
    }

    /**
     * The process (the node with its resources) that ran program with this argument: exec'd, or run by
     * busybox's shell in its own process without an exec (it calls a lone command's applet in place).
     */
    static JsonNode command(JsonNode step, String program, String arg) {
        return flatten(step.get("processes")).stream()
                .filter(c -> c.has("cpu_user_ms") && c.get("args").size() > 0)
                .filter(c -> c.get("args").get(0).asText().replaceAll(".*/", "").equals(program)
                        && StreamSupport.stream(c.get("args").spliterator(), false).anyMatch(a -> a.asText().equals(arg))
                        || c.get("args").size() == 3 && c.get("args").get(1).asText().equals("-c")
                        && c.get("args").get(2).asText().matches(program + " (.* )?" + Pattern.quote(arg) + "( .*)?"))
                .findFirst().orElseThrow(() -> new AssertionError("no " + program + " " + arg + " in " + step));
    }

    static JsonNode parentOf(JsonNode step, JsonNode child) {
        return flatten(step.get("processes")).stream()
                .filter(c -> StreamSupport.stream(c.get("children").spliterator(), false).anyMatch(k -> k == child))
                .findFirst().orElseThrow();
    }
}
