package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code boxtrace run --from} on host-wide recordings of real start-ups (scripts/capture-startup-fixtures.sh,
 * this kernel, dockerd and podman), for the classes of issue 13 that live in the start-up analysis: an
 * exec's dissection holds only what the exec started; a failed start blames the runtime that failed
 * and names each pid once per moment; a container's first process shows the programs it exec'd in turn,
 * each timed from its own exec.
 */
class StartupRecordingsTest {

    private static final Path DIR = Path.of("src/test/resources/recordings/analyses");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private record Run(JsonNode report, String text) {
    }

    private Run analyse(String fixture) throws Exception {
        Path out = tmp.resolve(fixture + ".json");
        StringWriter text = new StringWriter();
        StringWriter err = new StringWriter();
        String client = Files.readString(DIR.resolve(fixture + ".client")).strip();
        int exit = Main.execute(new String[] {"run", "--from", DIR.resolve(fixture + ".jsonl.gz").toString(),
                "--client", client, "--json", out.toString()}, new PrintWriter(text, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        return new Run(JSON.readTree(out.toFile()), text.toString());
    }

    private static List<JsonNode> flatten(JsonNode procs) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : procs) {
            out.add(p);
            out.addAll(flatten(p.path("children")));
        }
        return out;
    }

    private static JsonNode byArgs(JsonNode report, String... args) {
        for (JsonNode p : flatten(report.path("processes"))) {
            List<String> a = new ArrayList<>();
            p.path("args").forEach(x -> a.add(x.asText()));
            if (a.equals(List.of(args))) {
                return p;
            }
        }
        throw new AssertionError("no process " + List.of(args) + " in " + report.path("processes"));
    }

    @Test
    void anExecHoldsOnlyWhatTheExecStartedNotTheContainersOwnLoop() throws Exception {
        Run run = analyse("startup-docker-exec");
        JsonNode r = run.report();
        assertThat(r.path("container").path("name").asText()).isEqualTo("bt-fix-loop");
        List<JsonNode> procs = flatten(r.path("processes"));
        // the service's loop forks "sleep 0.1" ten times a second: none of them is the exec's
        assertThat(procs).noneMatch(p -> p.path("args").toString().equals("[\"sleep\",\"0.1\"]"));
        for (JsonNode p : procs) {
            assertThat(p.has("start")).as("every process of the exec started in the window: %s", p).isTrue();
        }
        JsonNode sh = byArgs(r, "sh", "-c", "sleep 0.3; exit 4");
        assertThat(sh.path("in_container").asBoolean()).isTrue();
        assertThat(sh.path("exit_code").asInt()).isEqualTo(4);
        assertThat(sh.path("children").get(0).path("args").toString()).isEqualTo("[\"sleep\",\"0.3\"]");
        // runc's init joins every namespace with setns and then calls unshare(0): that creates nothing
        for (JsonNode n : r.path("namespace_ops")) {
            assertThat(n.path("op").asText().equals("unshare") && n.path("namespaces").isEmpty())
                    .as("an unshare that created no namespace: %s", n).isFalse();
        }
        assertThat(run.text()).doesNotContainPattern("unshare\\s*\\n");
        List<String> phases = new ArrayList<>();
        r.path("phases").forEach(p -> phases.add(p.path("name").asText()));
        assertThat(phases).containsSubsequence("runtime create", "namespace join", "user process exec", "user process run");
        JsonNode userRun = r.path("phases").get(phases.indexOf("user process run"));
        assertThat(userRun.path("duration_ms").asDouble()).as("sh -c 'sleep 0.3; exit 4' ran").isBetween(290.0, 450.0);
    }

    @Test
    void anExecHoldsNoneOfTheEnginesOwnExecsIntoTheSameContainer() throws Exception {
        JsonNode r = analyse("startup-docker-exec-health").report();
        assertThat(r.path("container").path("name").asText()).isEqualTo("bt-fix-health");
        List<JsonNode> procs = flatten(r.path("processes"));
        // a HEALTHCHECK's runc exec names the same container, but ran "sleep 0.05", not what the client asked for
        assertThat(procs).noneMatch(p -> p.path("args").toString().equals("[\"sleep\",\"0.05\"]"));
        long runtimes = procs.stream().filter(p -> p.path("args").toString().contains("\"exec\"")
                && p.path("comm").asText().equals("runc")).count();
        assertThat(runtimes).as("the one runc exec that served this exec").isEqualTo(1);
        assertThat(byArgs(r, "sh", "-c", "sleep 0.3; exit 4").path("exit_code").asInt()).isEqualTo(4);
        assertThat(r.path("namespace_ops").size()).as("one join of five namespaces").isEqualTo(5);
    }

    @Test
    void aFailedDockerStartBlamesRuncAndItsInitStageByTheNameTheyHadThen() throws Exception {
        Run run = analyse("startup-docker-failed");
        JsonNode r = run.report();
        assertThat(r.path("container").path("name").asText()).as("from the client's --name").isEqualTo("bt-fix-dfail");
        String id = r.path("container").path("id").asText().substring(0, 12);
        assertThat(run.text()).contains("start-up of bt-fix-dfail " + id).doesNotContain(id + " " + id);
        assertThat(r.path("stopped_at").asText()).startsWith("runc create (pid ").contains("exited 1")
                .contains("its runc:[2:INIT] (pid ").contains("before the user's program ran");
        assertThat(r.path("failed_process").path("comm").asText()).isEqualTo("runc:[2:INIT]");
        assertThat(r.path("failed_process").path("exit_code").asInt()).isEqualTo(1);
        oneNamePerPid(r);
    }

    @Test
    void aFailedPodmanStartBlamesRuncCreateNotTheNetworkPluginsCleanUp() throws Exception {
        Run run = analyse("startup-podman-failed");
        JsonNode r = run.report();
        assertThat(r.path("container").path("name").asText()).isEqualTo("bt-fix-pfail");
        assertThat(r.path("stopped_at").asText()).startsWith("runc create (pid ").contains("exited 1")
                .doesNotContain("iptables").doesNotContain("SIGKILL").doesNotContain("killed");
        assertThat(r.path("failed_process").path("comm").asText()).isEqualTo("runc");
        JsonNode failed = null;
        for (JsonNode p : flatten(r.path("processes"))) {
            if (p.path("pid").asInt() == r.path("failed_process").path("pid").asInt()) {
                failed = p;
            }
        }
        assertThat(failed).isNotNull();
        assertThat(failed.path("args").toString()).contains("\"create\"");
        // the set-up ends at the root switch: the plugins' later setns calls are the network's tear-down
        for (JsonNode p : r.path("phases")) {
            if (p.path("name").asText().equals("namespace set-up")) {
                assertThat(p.path("duration_ms").asDouble()).isLessThan(20);
            }
        }
        oneNamePerPid(r);
    }

    /** A process that exec'd nothing has one name in the tree, the namespace list and the verdict. */
    private static void oneNamePerPid(JsonNode r) {
        Map<Integer, String> names = new HashMap<>();
        for (JsonNode p : flatten(r.path("processes"))) {
            if (!p.has("exec")) {
                names.put(p.path("pid").asInt(), p.path("comm").asText());
            }
        }
        int checked = 0;
        for (JsonNode n : r.path("namespace_ops")) {
            String tree = names.get(n.path("pid").asInt());
            if (tree != null) {
                assertThat(n.path("comm").asText()).as("pid %s", n.path("pid")).isEqualTo(tree);
                checked++;
            }
        }
        assertThat(checked).as("runc's init stages made namespace operations").isPositive();
        String verdict = names.get(r.path("failed_process").path("pid").asInt());
        if (verdict != null) {
            assertThat(r.path("failed_process").path("comm").asText()).isEqualTo(verdict);
        }
    }

    @Test
    void pid1ShowsTheShellItReplacedByExecAndEachProgramsOwnLifetime() throws Exception {
        Run run = analyse("startup-docker-exec-chain");
        JsonNode r = run.report();
        JsonNode sh = byArgs(r, "sh", "-c", "echo hi; exec /bin/sleep 0.2");
        assertThat(sh.path("in_container").asBoolean()).isTrue();
        assertThat(sh.path("nspid").asInt()).isEqualTo(1);
        assertThat(sh.has("exit_code")).as("replaced, not exited").isFalse();
        // runc forked pid 1 long before it exec'd the shell: that is set-up, not the shell's run
        assertThat(sh.path("setup_ms").asDouble()).isGreaterThan(sh.path("run_ms").asDouble());
        assertThat(sh.path("run_ms").asDouble()).isLessThan(50);
        JsonNode sleep = byArgs(r, "/bin/sleep", "0.2");
        assertThat(sleep.path("replaced_parent").asBoolean()).isTrue();
        assertThat(sleep.path("pid").asInt()).isEqualTo(sh.path("pid").asInt());
        assertThat(sleep.path("nspid").asInt()).isEqualTo(1);
        assertThat(sleep.path("exit_code").asInt()).isZero();
        assertThat(sleep.path("run_ms").asDouble()).isBetween(190.0, 400.0);
        assertThat(sh.path("children").toString()).contains("\"/bin/sleep\"");
        assertThat(run.text()).containsPattern("sh,\\d+ \\(1\\) sh -c 'echo hi; exec /bin/sleep 0.2'.*set-up .*, ran .*replaced by exec")
                .containsPattern("exec sleep,\\d+ \\(1\\) /bin/sleep 0.2 .* exit 0");
    }
}
