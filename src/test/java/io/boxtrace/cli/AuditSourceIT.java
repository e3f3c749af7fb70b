package io.boxtrace.cli;

import static io.boxtrace.cli.CliIT.boxtrace;
import static io.boxtrace.cli.CliIT.boxtraceAs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --source audit} against the real kernel, with auditd running and without it, on the host
 * and in a Docker container; after each test the host's audit rules and status are exactly as
 * before (auditd is started and stopped here by hand, and left as it was found).
 */
class AuditSourceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "boxtrace-test/busybox:latest";
    /** A tree with quoting, a nested shell exiting 5, and the outer one exiting 7. */
    private static final String SCRIPT = "/bin/echo 'a b' \"q\\\"x\" c >/dev/null; /bin/sh -c 'exit 5'; exit 7";

    @TempDir
    Path tmp;
    private boolean auditdWasRunning;
    private String rulesBefore;
    private Map<String, String> statusBefore;

    @BeforeEach
    void remember() throws Exception {
        auditdWasRunning = AuditHost.daemonPid() != 0;
        rulesBefore = AuditHost.rules();
        statusBefore = AuditHost.status();
    }

    @AfterEach
    void leaveAsFound() throws Exception {
        if (auditdWasRunning && AuditHost.daemonPid() == 0) {
            AuditHost.startAuditd();
        } else if (!auditdWasRunning) {
            AuditHost.stopAuditd();
        }
        // auditd turns auditing on when it starts and leaves it on when it stops.
        if (!AuditHost.status().get("enabled").equals(statusBefore.get("enabled"))) {
            AuditHost.run("auditctl", "-e", statusBefore.get("enabled"));
        }
        assertThat(AuditHost.rules()).isEqualTo(rulesBefore);
        assertThat(AuditHost.status()).isEqualTo(statusBefore);
    }

    private void assertUntouched(String rules, Map<String, String> status) throws Exception {
        assertThat(AuditHost.rules()).as("audit rules after the run").isEqualTo(rules);
        assertThat(AuditHost.status()).as("audit status after the run").isEqualTo(status);
    }

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    private static boolean is(JsonNode e, String type) {
        return e.get("type").asText().equals(type);
    }

    private static JsonNode exitOf(List<JsonNode> events, int pid) {
        return events.stream().filter(e -> is(e, "exit") && e.get("pid").asInt() == pid).findFirst()
                .orElseThrow(() -> new AssertionError("no exit of " + pid));
    }

    /** Traces SCRIPT and checks its tree: argv exact, parents, exit codes, forks before execs. */
    private void traceKnownTree() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        CliIT.Result r = boxtrace("trace", "--json", "--source", "audit", "-o", file.toString(), "--",
                "/bin/sh", "-c", SCRIPT);
        assertThat(r.exit()).as(r.err()).isEqualTo(7);
        assertThat(r.err()).contains("using the audit source", "events from audit, none lost");
        List<JsonNode> events = lines(file);
        JsonNode sh = events.stream().filter(e -> is(e, "exec") && e.get("args").toString()
                .equals(JSON.valueToTree(List.of("/bin/sh", "-c", SCRIPT)).toString())).findFirst().orElseThrow();
        int shPid = sh.get("pid").asInt();
        JsonNode echo = events.stream().filter(e -> is(e, "exec") && e.get("filename").asText().equals("/bin/echo"))
                .findFirst().orElseThrow();
        assertThat(echo.get("args").toString()).isEqualTo("[\"/bin/echo\",\"a b\",\"q\\\"x\",\"c\"]");
        assertThat(echo.get("args_source").asText()).isEqualTo("kernel");
        assertThat(echo.get("ppid").asInt()).isEqualTo(shPid);
        assertThat(exitOf(events, echo.get("pid").asInt()).get("exit_code").asInt()).isZero();
        JsonNode inner = events.stream().filter(e -> is(e, "exec")
                && e.get("args").toString().equals("[\"/bin/sh\",\"-c\",\"exit 5\"]")).findFirst().orElseThrow();
        assertThat(inner.get("ppid").asInt()).isEqualTo(shPid);
        assertThat(exitOf(events, inner.get("pid").asInt()).get("exit_code").asInt()).isEqualTo(5);
        assertThat(exitOf(events, shPid).get("exit_code").asInt()).isEqualTo(7);
        for (JsonNode x : List.of(echo, inner)) {
            int fork = -1;
            for (int i = 0; i < events.size(); i++) {
                if (is(events.get(i), "fork") && events.get(i).get("pid").asInt() == x.get("pid").asInt()) {
                    fork = i;
                }
            }
            assertThat(fork).as("fork before the exec of %s", x.get("args")).isBetween(0, events.indexOf(x) - 1);
        }
    }

    @Test
    void aKnownTreeOnTheHostWithoutAuditd() throws Exception {
        AuditHost.stopAuditd();
        String rules = AuditHost.rules();
        Map<String, String> status = AuditHost.status();
        traceKnownTree();
        assertUntouched(rules, status);
    }

    @Test
    void aKnownTreeOnTheHostBesideAuditdWhoseRulesStay() throws Exception {
        if (AuditHost.daemonPid() == 0) {
            AuditHost.startAuditd();
        }
        String watchKey = "bt-audit-it-" + ProcessHandle.current().pid();
        AuditHost.run("auditctl", "-w", "/etc/hostname", "-p", "wa", "-k", watchKey);
        try {
            String rules = AuditHost.rules();
            Map<String, String> status = AuditHost.status();
            assertThat(rules).contains(watchKey);
            traceKnownTree();
            assertUntouched(rules, status);
        } finally {
            AuditHost.run("auditctl", "-W", "/etc/hostname", "-p", "wa", "-k", watchKey);
        }
    }

    /** A container's tree, traced host-wide until SIGTERM (which must also take the rules away). */
    @Test
    void aKnownTreeInADockerContainerUntilSigterm() throws Exception {
        AuditHost.stopAuditd();
        String rules = AuditHost.rules();
        Map<String, String> status = AuditHost.status();
        Path file = tmp.resolve("host.jsonl");
        Path err = tmp.resolve("host.err");
        Process bt = background(file, err);
        String name = "bt-audit-it-" + ProcessHandle.current().pid();
        try {
            AuditHost.run("docker", "run", "--rm", "--name", name, IMAGE, "sh", "-c",
                    "sleep 0.5; /bin/true one 'two three'; sh -c 'exit 3'; sleep 0.5");
        } finally {
            bt.destroy(); // SIGTERM
            assertThat(bt.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(err)).contains("events from audit");
        List<JsonNode> events = lines(file);
        String script = "sleep 0.5; /bin/true one 'two three'; sh -c 'exit 3'; sleep 0.5";
        JsonNode sh = events.stream().filter(e -> is(e, "exec")
                && e.get("args").toString().equals(JSON.valueToTree(List.of("sh", "-c", script)).toString()))
                .findFirst().orElseThrow();
        int shPid = sh.get("pid").asInt();
        JsonNode tru = events.stream().filter(e -> is(e, "exec")
                && e.get("args").toString().equals("[\"/bin/true\",\"one\",\"two three\"]")).findFirst().orElseThrow();
        assertThat(tru.get("ppid").asInt()).isEqualTo(shPid);
        assertThat(exitOf(events, tru.get("pid").asInt()).get("exit_code").asInt()).isZero();
        JsonNode inner = events.stream().filter(e -> is(e, "exec")
                && e.get("args").toString().equals("[\"sh\",\"-c\",\"exit 3\"]")).findFirst().orElseThrow();
        assertThat(inner.get("ppid").asInt()).isEqualTo(shPid);
        assertThat(exitOf(events, inner.get("pid").asInt()).get("exit_code").asInt()).isEqualTo(3);
        // Audit records carry no cgroup: attribution comes from /proc at the exec, so it is asserted
        // on the first sleep, which lives long enough to be read (see the report in README).
        JsonNode sleep = events.stream().filter(e -> is(e, "exec") && e.get("ppid").asInt() == shPid
                && e.get("args").toString().equals("[\"sleep\",\"0.5\"]")).findFirst().orElseThrow();
        assertThat(sleep.get("container").isNull()).as("container attribution of %s", sleep).isFalse();
        assertThat(sleep.get("container").toString()).contains(name);
        assertUntouched(rules, status);
    }

    @Test
    void aKilledRunsRulesAreRemovedByTheNextRun() throws Exception {
        AuditHost.stopAuditd();
        String rules = AuditHost.rules();
        Map<String, String> status = AuditHost.status();
        // Until the next run cleans up, the killed run's rules stay with no daemon to read them: the
        // kernel logs every record to the (slow, serial) console, and with the default wait every
        // audited syscall on the host would wait for backlog room. Drop instead while this test runs.
        String waitBefore = AuditHost.run("auditctl", "-s").lines().filter(l -> l.startsWith("backlog_wait_time "))
                .findFirst().orElseThrow().split(" ")[1];
        AuditHost.run("auditctl", "--backlog_wait_time", "0");
        try {
            Process bt = background(tmp.resolve("killed.jsonl"), tmp.resolve("killed.err"));
            bt.destroyForcibly(); // SIGKILL: no hook runs
            assertThat(bt.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(AuditHost.rules()).contains("key=boxtrace-" + bt.pid());
            CliIT.Result r = boxtrace("trace", "--source", "audit", "--", "true");
            assertThat(r.exit()).as(r.err()).isZero();
            assertUntouched(rules, status);
        } finally {
            AuditHost.run("auditctl", "--backlog_wait_time", waitBefore);
        }
    }

    @Test
    void withoutTheCapabilityItExits3NamingIt() throws Exception {
        CliIT.Result r = boxtraceAs("nobody", "trace", "--source", "audit", "--", "true");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err().strip()).isEqualTo("boxtrace trace: the audit source needs CAP_AUDIT_CONTROL (run as root)");
        assertUntouched(rulesBefore, statusBefore);
    }

    /** boxtrace trace --json --source audit in the background, returned once it said which source it uses. */
    private Process background(Path out, Path err) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "trace", "--json", "--source", "audit", "-o", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 300 && !Files.readString(err).contains("using the audit source"); i++) {
            assertThat(p.isAlive()).as("boxtrace: %s", Files.readString(err)).isTrue();
            Thread.sleep(50);
        }
        assertThat(Files.readString(err)).contains("using the audit source");
        return p;
    }
}
