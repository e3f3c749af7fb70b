package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * boxtrace never reports itself (real kernel, eBPF source): not the JDK's PATH search before the
 * command's exec, not the JVM's threads; and the counts it gives are the events it wrote.
 */
class TraceSelfIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static List<JsonNode> lines(Path f) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    /** "boxtrace trace: N events from ebpf" on stderr, as a number. */
    private static long reportedCount(String err) {
        Matcher m = Pattern.compile("boxtrace trace: (\\d+) events from ebpf").matcher(err);
        assertThat(m.find()).as(err).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static void countsAreTheEventsWritten(List<JsonNode> lines, String err) {
        List<JsonNode> events = lines.stream().filter(n -> !n.get("type").asText().equals("summary")).toList();
        JsonNode summary = lines.getLast();
        assertThat(summary.get("type").asText()).isEqualTo("summary");
        assertThat(summary.get("events").asLong()).isEqualTo(events.size());
        assertThat(reportedCount(err)).isEqualTo(events.size());
    }

    @Test
    void aCommandFoundOnPathStartsAtItsOwnExecAndItsOwnFailedExecsStay() throws Exception {
        // Directories without sh before the real one: the JDK tries an execve in each of them.
        Path miss1 = Files.createDirectory(tmp.resolve("nothing-here"));
        Path miss2 = Files.createDirectory(tmp.resolve("nor-here"));
        Path file = tmp.resolve("cmd.jsonl");
        Jar bt = Jar.start(tmp, Map.of("PATH", miss1 + ":" + miss2 + ":/usr/local/bin:/usr/bin:/bin"), false,
                "trace", "--json", "--source", "ebpf", "-o", file.toString(), "--",
                "sh", "-c", "/bin/true; env bt-no-such-command 2>/dev/null; exit 3");
        assertThat(bt.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(bt.err());
        assertThat(bt.process().exitValue()).as(err).isEqualTo(3);
        List<JsonNode> lines = lines(file);
        List<JsonNode> execs = lines.stream().filter(n -> n.get("type").asText().equals("exec")).toList();
        assertThat(execs).as("the first exec is the command's").isNotEmpty();
        assertThat(execs.getFirst().has("errno")).as("first exec: %s", execs.getFirst()).isFalse();
        assertThat(execs.getFirst().path("args").path(0).asText()).isEqualTo("sh");
        List<JsonNode> failed = execs.stream().filter(n -> n.path("errno").asInt() != 0).toList();
        // env's own PATH search (execvp) for a missing command is the command's doing: kept
        assertThat(failed).isNotEmpty().allSatisfy(n ->
                assertThat(n.get("filename").asText()).endsWith("/bt-no-such-command"));
        assertThat(lines).noneSatisfy(n -> assertThat(n.path("pid").asLong()).isEqualTo(bt.process().pid()));
        countsAreTheEventsWritten(lines, err);
    }

    @Test
    void aHostWideTraceHasNoEventOfBoxtracesOwnProcessOrThreads() throws Exception {
        Path file = tmp.resolve("host.jsonl");
        Jar bt = Jar.start(tmp, Map.of(), false, "trace", "--json", "--source", "ebpf", "--threads", "-o", file.toString());
        bt.awaitText(bt.err(), t -> t.toLowerCase(java.util.Locale.ROOT).contains("using the ebpf source"));
        for (int i = 0; i < 3; i++) {
            new ProcessBuilder("/bin/true", "bt-self-marker-" + i).start().waitFor();
        }
        Thread.sleep(700);
        int exit = bt.stop(); // the JVM starts a thread to handle SIGTERM: its fork must not be reported
        String err = Files.readString(bt.err());
        assertThat(exit).as(err).isEqualTo(143);
        List<JsonNode> lines = lines(file);
        assertThat(lines).anySatisfy(n -> assertThat(n.path("args").toString()).contains("bt-self-marker-0"));
        long self = bt.process().pid();
        assertThat(lines).noneSatisfy(n -> assertThat(n.path("pid").asLong()).isEqualTo(self));
        assertThat(lines).noneSatisfy(n -> assertThat(n.path("ppid").asLong() == self
                && n.get("type").asText().equals("fork")).isTrue());
        countsAreTheEventsWritten(lines, err);
    }
}
