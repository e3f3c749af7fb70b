package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * boxtrace as a user runs it: the packaged jar in a child JVM, as root (and once as nobody), with
 * its real exit codes, stderr lines and JSON output.
 */
class CliIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    static Result boxtrace(String... args) throws IOException, InterruptedException {
        return boxtraceAs(null, args);
    }

    static Result boxtraceAs(String user, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (user != null) {
            cmd.addAll(List.of("runuser", "-u", user, "--"));
        }
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("bt-out", ".txt");
        Path err = Files.createTempFile("bt-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("boxtrace finished").isTrue();
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private static List<JsonNode> lines(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    @Test
    void traceRunsTheCommandAndReportsItsTreeAsJsonAndExitsWithItsStatus() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        Result r = boxtrace("trace", "--json", "--source", "netlink", "-o", file.toString(), "--",
                "/bin/sh", "-c", "sleep 0.3; /bin/sh -c 'sleep 0.2; exit 5'; (sleep 0.2; kill -TERM $$) & wait; exit 9");
        assertThat(r.err()).contains("events from netlink");
        List<JsonNode> events = lines(Files.readString(file, StandardCharsets.UTF_8));
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("type").asText()).isIn("fork", "exec", "exit", "comm", "id_change", "lost", "summary");
            if (!e.get("type").asText().equals("summary")) {
                assertThat(e.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
            }
        });
        JsonNode shExec = events.stream().filter(e -> e.get("type").asText().equals("exec")
                && e.get("args").get(0).asText().equals("/bin/sh")).findFirst().orElseThrow();
        int sh = shExec.get("pid").asInt();
        assertThat(shExec.get("container").isNull()).isTrue();
        JsonNode sleepExec = events.stream().filter(e -> e.get("type").asText().equals("exec")
                && e.get("ppid").asInt() == sh && e.get("args").toString().equals("[\"sleep\",\"0.3\"]"))
                .findFirst().orElseThrow();
        JsonNode sleepExit = events.stream().filter(e -> e.get("type").asText().equals("exit")
                && e.get("pid").asInt() == sleepExec.get("pid").asInt()).findFirst().orElseThrow();
        assertThat(sleepExit.get("exit_code").asInt()).isZero();
        assertThat(sleepExit.get("duration_ms").asDouble()).isBetween(290.0, 400.0);
        assertThat(events).anyMatch(e -> e.get("type").asText().equals("exit") && e.has("exit_code")
                && e.get("exit_code").asInt() == 5);
        JsonNode shExit = events.stream().filter(e -> e.get("type").asText().equals("exit")
                && e.get("pid").asInt() == sh).findFirst().orElseThrow();
        assertThat(shExit.get("signal_name").asText()).isEqualTo("SIGTERM");
        assertThat(r.exit()).as("128 + SIGTERM, as a shell reports it").isEqualTo(143);
        assertThat(events.getLast().get("type").asText()).isEqualTo("summary");
        // Loss can happen on a loaded host; what must hold is that every loss is in the stream and the summary.
        long reported = events.stream().filter(e -> e.get("type").asText().equals("lost"))
                .mapToLong(e -> e.get("count").asLong()).sum();
        assertThat(events.getLast().get("lost").asLong()).isEqualTo(reported);
    }

    @Test
    void treeShowsThisProcessUnderItsParentAsJson() throws Exception {
        Result r = boxtrace("tree", "--json", Long.toString(ProcessHandle.current().pid()));
        assertThat(r.exit()).isZero();
        JsonNode root = JSON.readTree(r.out()).get("processes").get(0);
        assertThat(root.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(root.get("user").asText()).isEqualTo("root");
        assertThat(root.get("args").get(0).asText()).endsWith("java");
        JsonNode child = root.get("children").get(0);
        assertThat(child.get("args").toString()).contains("boxtrace.jar", "tree");
    }

    @Test
    void errorsAreOneLineWithNamedExitCodes() throws Exception {
        Result usage = boxtrace("trace", "--source", "bogus");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err().strip().lines()).hasSize(1).first().asString().startsWith("boxtrace trace: ");

        Result noPid = boxtrace("tree", "999999");
        assertThat(noPid.exit()).isEqualTo(1);
        assertThat(noPid.err().strip()).isEqualTo("boxtrace tree: no process with pid 999999");

        Result noCommand = boxtrace("trace", "--source", "netlink", "--", "/nonexistent/binary");
        assertThat(noCommand.exit()).isEqualTo(1);
        assertThat(noCommand.err()).contains("boxtrace trace: cannot run /nonexistent/binary: No such file or directory")
                .doesNotContain("Exception").doesNotContain("\tat ");

        Result badOutput = boxtrace("trace", "-o", "/nonexistent-dir/x.jsonl", "--", "true");
        assertThat(badOutput.exit()).isEqualTo(1);
        assertThat(badOutput.err().strip()).isEqualTo("boxtrace trace: cannot write /nonexistent-dir/x.jsonl: no such directory");
    }

    @Test
    void withoutPrivilegesTheMissingCapabilityIsNamed() throws Exception {
        Result r = boxtraceAs("nobody", "trace", "--source", "netlink", "--", "true");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err().strip()).isEqualTo("boxtrace trace: the netlink source needs CAP_NET_ADMIN (run as root)");

        Result auto = boxtraceAs("nobody", "trace", "--", "sleep", "0.3");
        assertThat(auto.err()).contains("using the /proc polling source (misses processes shorter than 100 ms; "
                + "eBPF: needs CAP_BPF (run as root); kernel audit: needs CAP_AUDIT_CONTROL (run as root); "
                + "proc connector (netlink): needs CAP_NET_ADMIN (run as root))");
        Result ebpf = boxtraceAs("nobody", "trace", "--source", "ebpf", "--", "true");
        assertThat(ebpf.exit()).isEqualTo(3);
        assertThat(ebpf.err().strip()).isEqualTo("boxtrace trace: the eBPF source needs CAP_BPF (run as root)");
        assertThat(auto.exit()).isZero();
    }

    @Test
    void versionHelpAndCompletion() throws Exception {
        assertThat(boxtrace("--version").out()).startsWith("boxtrace 0.1.0");
        Result help = boxtrace("trace", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--source", "--json", "--output", "--container");
        Result completion = boxtrace("generate-completion");
        assertThat(completion.out()).contains("complete -F").contains("trace").contains("tree");
    }
}
