package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-process resources in {@code trace --json} exit events against ground truth on the real
 * kernel: busybox's {@code time} (wait4's rusage) for CPU, the allocation's own size for peak RSS,
 * the bytes dd wrote with fsync for write_bytes, and a sleep for a process that only waits.
 */
class ProcessResourcesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** busybox time -f "GT %e %U %S": wall, user and system seconds from wait4. */
    private static final Pattern GROUND_TRUTH = Pattern.compile("GT (\\d+\\.\\d+) (\\d+\\.\\d+) (\\d+\\.\\d+)");

    @TempDir
    Path tmp;

    static List<JsonNode> events(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readString(file, StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    /** The exit event of the process that exec'd with these arguments. */
    static JsonNode exitOf(List<JsonNode> events, String argsJson) {
        int pid = events.stream().filter(e -> e.get("type").asText().equals("exec")
                        && e.get("args").toString().equals(argsJson))
                .findFirst().orElseThrow(() -> new AssertionError("no exec of " + argsJson)).get("pid").asInt();
        return events.stream().filter(e -> e.get("type").asText().equals("exit") && e.get("pid").asInt() == pid)
                .findFirst().orElseThrow(() -> new AssertionError("no exit of " + argsJson));
    }

    static double cpuMs(JsonNode exit) {
        return exit.get("cpu_user_ms").asDouble() + exit.get("cpu_sys_ms").asDouble();
    }

    @Test
    void theKernelsFiguresMatchGroundTruthForCpuMemoryIoAndWaiting() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        String script = "busybox time -f 'GT %e %U %S' busybox dd if=/dev/zero of=/dev/null bs=1M count=50000 2>&1;"
                + " busybox dd if=/dev/zero of=/dev/null bs=200M count=1;"
                + " busybox dd if=/dev/zero of=" + tmp.resolve("out") + " bs=1M count=64 conv=fsync;"
                + " busybox sleep 1; exit 0";
        CliIT.Result r = CliIT.boxtrace("trace", "--json", "--source", "ebpf", "-o", file.toString(), "--",
                "busybox", "sh", "-c", script);
        assertThat(r.exit()).as(r.err()).isZero();
        Matcher gt = GROUND_TRUTH.matcher(r.out() + r.err());
        assertThat(gt.find()).as("busybox time's line in %s", r.out() + r.err()).isTrue();
        double truthMs = (Double.parseDouble(gt.group(2)) + Double.parseDouble(gt.group(3))) * 1000;
        List<JsonNode> events = events(file);

        JsonNode burner = exitOf(events, "[\"busybox\",\"dd\",\"if=/dev/zero\",\"of=/dev/null\",\"bs=1M\",\"count=50000\"]");
        assertThat(burner.get("resources_source").asText()).isEqualTo("kernel");
        // busybox time counts in 10 ms ticks: 10 % of the truth, and at least one tick either way.
        assertThat(truthMs).as("the burner burns").isGreaterThan(300);
        assertThat(cpuMs(burner)).isCloseTo(truthMs, org.assertj.core.data.Offset.offset(Math.max(10, truthMs * 0.10)));
        assertThat(burner.get("ctx_involuntary").asLong() + burner.get("ctx_voluntary").asLong()).isPositive();
        assertThat(burner.has("runq_delay_ms")).isTrue();

        JsonNode big = exitOf(events, "[\"busybox\",\"dd\",\"if=/dev/zero\",\"of=/dev/null\",\"bs=200M\",\"count=1\"]");
        assertThat(big.get("max_rss_kb").asLong()).as("200 MiB buffer touched by read()")
                .isBetween((long) (204_800 * 0.95), (long) (204_800 * 1.05));

        JsonNode writer = exitOf(events, "[\"busybox\",\"dd\",\"if=/dev/zero\",\"of=" + tmp.resolve("out")
                + "\",\"bs=1M\",\"count=64\",\"conv=fsync\"]");
        assertThat(writer.get("write_bytes").asLong()).isGreaterThanOrEqualTo(64L << 20);

        JsonNode sleep = exitOf(events, "[\"busybox\",\"sleep\",\"1\"]");
        assertThat(sleep.get("duration_ms").asDouble()).isBetween(990.0, 1500.0);
        assertThat(cpuMs(sleep)).isLessThan(50);
        assertThat(sleep.get("ctx_voluntary").asLong()).isPositive();
    }

    @Test
    void theProcConnectorReadsAZombiesFiguresFromProcAndSaysSo() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        // dd's parent execs into sleep and never waits: dd stays a zombie whose /proc files can be read.
        CliIT.Result r = CliIT.boxtrace("trace", "--json", "--source", "netlink", "-o", file.toString(), "--",
                "busybox", "sh", "-c", "busybox dd if=/dev/zero of=/dev/null bs=1M count=5000 2>/dev/null & exec busybox sleep 8");
        assertThat(r.exit()).as(r.err()).isZero();
        // busybox dd splits its own argv at '=' in place, and /proc shows it so: match on the applet.
        List<JsonNode> events = events(file);
        int pid = events.stream().filter(e -> e.get("type").asText().equals("exec")
                && e.get("args").size() > 1 && e.get("args").get(1).asText().equals("dd")).findFirst().orElseThrow().get("pid").asInt();
        JsonNode dd = events.stream().filter(e -> e.get("type").asText().equals("exit") && e.get("pid").asInt() == pid)
                .findFirst().orElseThrow();
        assertThat(dd.get("resources_source").asText()).isEqualTo("proc");
        assertThat(cpuMs(dd)).isGreaterThan(30);
        assertThat(dd.has("read_bytes")).isTrue();
        assertThat(dd.has("ctx_involuntary")).isTrue();
        assertThat(dd.has("max_rss_kb")).as("unknown from /proc after exit_mm: omitted, not zero").isFalse();
    }
}
