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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boxtrace run} against a real dockerd: the start chain, namespace operations and phases. */
class StartupIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String tag = "bt" + UUID.randomUUID().toString().substring(0, 6);

    @TempDir
    Path tmp;

    private static List<String> namespacesOf(JsonNode report, String op) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : report.get("namespace_ops")) {
            if (n.get("op").asText().equals(op)) {
                n.get("namespaces").forEach(x -> out.add(x.asText()));
            }
        }
        return out;
    }

    private static List<String> phaseNames(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.get("phases").forEach(p -> out.add(p.get("name").asText()));
        return out;
    }

    private static boolean anyProcess(JsonNode procs, String argPart) {
        for (JsonNode p : procs) {
            if (p.get("args").toString().contains(argPart) || anyProcess(p.get("children"), argPart)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void dockerRunShowsRuncInitTheUserProcessNewNamespacesAndPivotRoot() throws Exception {
        Path json = tmp.resolve("run.json");
        String name = tag + "-run";
        CliIT.Result r = CliIT.boxtrace("run", "--json", json.toString(), "--trace", tmp.resolve("run.trace.json").toString(),
                "--", "docker", "run", "--rm", "--name", name, "boxtrace-test/busybox:latest", "sh", "-c", "sleep 0.3; exit 7");
        assertThat(r.exit()).as(r.err()).isEqualTo(7);
        JsonNode report = JSON.readTree(Files.readString(json));
        assertThat(report.get("runtime").asText()).isEqualTo("docker");
        assertThat(report.get("container").get("name").asText()).isEqualTo(name);
        assertThat(namespacesOf(report, "unshare")).contains("mnt", "uts", "ipc", "pid", "net");
        assertThat(namespacesOf(report, "pivot_root")).isEmpty();
        assertThat(report.get("namespace_ops").toString()).contains("\"op\":\"pivot_root\"");
        assertThat(anyProcess(report.get("processes"), "\"init\"")).as("runc init").isTrue();
        assertThat(anyProcess(report.get("processes"), "sleep 0.3; exit 7")).as("the user process").isTrue();
        assertThat(phaseNames(report)).containsSubsequence("client to daemon", "runtime create", "namespace set-up",
                "root filesystem switch", "user process exec", "user process run", "tear-down");
        double total = 0;
        for (JsonNode p : report.get("phases")) {
            assertThat(p.get("duration_ms").asDouble()).isGreaterThanOrEqualTo(0);
            total += p.get("duration_ms").asDouble();
        }
        assertThat(total).as("phases tile the start").isCloseTo(report.get("duration_ms").asDouble(),
                org.assertj.core.data.Percentage.withPercentage(20));
        // the start as a timeline: a track of phases, the container's processes, the host's
        JsonNode trace = JSON.readTree(Files.readString(tmp.resolve("run.trace.json")));
        List<String> tracks = new java.util.ArrayList<>();
        List<String> slices = new java.util.ArrayList<>();
        for (JsonNode e : trace.get("traceEvents")) {
            if (e.get("name").asText().equals("process_name")) {
                tracks.add(e.get("args").get("name").asText());
            } else if (e.get("ph").asText().equals("X")) {
                slices.add(e.get("name").asText());
            }
        }
        assertThat(tracks.getFirst()).isEqualTo("start-up phases");
        assertThat(tracks).anyMatch(t -> t.startsWith("container " + name + " (")).contains("host");
        assertThat(slices).contains("client to daemon", "user process run").anyMatch(n -> n.contains("sleep 0.3; exit 7"));
        assertThat(r.out()).contains("namespace operations", "phases");
    }

    @Test
    void dockerExecJoinsTheTargetsNamespaces() throws Exception {
        String name = tag + "-exec";
        Process start = new ProcessBuilder("docker", "run", "-d", "--name", name, "boxtrace-test/busybox:latest",
                "sleep", "300").start();
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try {
            Path json = tmp.resolve("exec.json");
            CliIT.Result r = CliIT.boxtrace("run", "--json", json.toString(), "--", "docker", "exec", name, "true");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode report = JSON.readTree(Files.readString(json));
            assertThat(report.get("container").get("name").asText()).isEqualTo(name);
            assertThat(namespacesOf(report, "setns")).contains("mnt", "uts", "ipc", "pid", "net");
            assertThat(phaseNames(report)).contains("namespace join");
        } finally {
            new ProcessBuilder("docker", "rm", "-f", name).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<JsonNode> flatten(JsonNode procs) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : procs) {
            out.add(p);
            out.addAll(flatten(p.get("children")));
        }
        return out;
    }

    /** With the eBPF source and with the proc connector: membership is decided from forks, which both see. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ebpf", "netlink"})
    void anExecIntoABusyContainerHoldsOnlyWhatTheExecStarted(String source) throws Exception {
        String name = tag + "-busy-" + source;
        // its own loop forks all the time, and the engine execs a HEALTHCHECK into it all the time
        Process start = new ProcessBuilder("docker", "run", "-d", "--name", name, "--health-cmd", "sleep 0.05",
                "--health-interval", "100ms", "boxtrace-test/busybox:latest",
                "sh", "-c", "while true; do sleep 0.1; done").start();
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1000); // the loop and the health checks are under way
        try {
            Path json = tmp.resolve("busy.json");
            CliIT.Result r = CliIT.boxtrace("run", "--source", source, "--json", json.toString(), "--", "docker", "exec",
                    name, "sh", "-c", "sleep 0.3; exit 4");
            assertThat(r.exit()).as(r.err()).isEqualTo(4);
            JsonNode report = JSON.readTree(Files.readString(json));
            assertThat(report.get("container").get("name").asText()).isEqualTo(name);
            List<JsonNode> procs = flatten(report.get("processes"));
            // the loop forks a sleep ten times a second, none of which the exec started
            assertThat(procs).noneMatch(p -> p.get("args").toString().equals("[\"sleep\",\"0.1\"]"));
            assertThat(procs).noneMatch(p -> p.get("args").toString().equals("[\"sleep\",\"0.05\"]"));
            // never a health check's runc exec; the proc connector may lose the argv of ours (read from /proc too late)
            assertThat(procs).filteredOn(p -> p.get("args").toString().contains("\"exec\"")
                    && p.get("args").toString().contains("runtime-runc")).as("the runc exec serving this exec")
                    .hasSizeBetween(source.equals("ebpf") ? 1 : 0, 1);
            assertThat(procs).allMatch(p -> p.has("start")).allMatch(p -> p.has("end"));
            assertThat(anyProcess(report.get("processes"), "sleep 0.3; exit 4")).isTrue();
            assertThat(anyProcess(report.get("processes"), "\"0.3\"")).as("the exec's own child").isTrue();
            for (JsonNode n : report.get("namespace_ops")) {
                assertThat(n.get("op").asText().equals("unshare") && n.get("namespaces").isEmpty())
                        .as("an unshare that created nothing: %s", n).isFalse();
            }
        } finally {
            new ProcessBuilder("docker", "rm", "-f", name).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFailedPodmanStartBlamesRuncCreateNotTheNetworksCleanUp() throws Exception {
        Path json = tmp.resolve("podfail.json");
        String name = tag + "-podfail";
        // more open files than fs.nr_open allows: runc create fails setting the limit, whatever its capabilities
        CliIT.Result r = CliIT.boxtrace("run", "--json", json.toString(), "--", "podman", "run", "--rm", "--name", name,
                "--runtime", "runc", "--ulimit", "nofile=2000000:2000000", "--ulimit", "nproc=1024:1024",
                "boxtrace-test/busybox:latest", "true");
        assertThat(r.exit()).as(r.err()).isEqualTo(126);
        JsonNode report = JSON.readTree(Files.readString(json));
        assertThat(report.get("container").get("name").asText()).isEqualTo(name);
        assertThat(report.get("stopped_at").asText()).startsWith("runc create (pid ").contains("exited 1")
                .doesNotContain("iptables");
        assertThat(report.get("failed_process").get("comm").asText()).isEqualTo("runc");
        assertThat(r.out()).contains("start-up of " + name + " ").contains("start-up stopped: runc create (pid ");
    }

    @Test
    void pid1ShowsTheShellItReplacedByExecEachTimedFromItsExec() throws Exception {
        Path json = tmp.resolve("chain.json");
        CliIT.Result r = CliIT.boxtrace("run", "--json", json.toString(), "--", "docker", "run", "--rm", "--name",
                tag + "-chain", "boxtrace-test/busybox:latest", "sh", "-c", "echo hi; exec /bin/sleep 0.2");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode report = JSON.readTree(Files.readString(json));
        JsonNode sh = null;
        for (JsonNode p : flatten(report.get("processes"))) {
            if (p.get("args").toString().equals("[\"sh\",\"-c\",\"echo hi; exec /bin/sleep 0.2\"]")) {
                sh = p;
            }
        }
        assertThat(sh).as(report.toString()).isNotNull();
        assertThat(sh.get("nspid").asInt()).isEqualTo(1);
        assertThat(sh.has("exit_code")).isFalse();
        assertThat(sh.get("run_ms").asDouble()).isLessThan(sh.get("setup_ms").asDouble());
        JsonNode sleep = sh.get("children").get(sh.get("children").size() - 1);
        assertThat(sleep.get("args").toString()).isEqualTo("[\"/bin/sleep\",\"0.2\"]");
        assertThat(sleep.get("replaced_parent").asBoolean()).isTrue();
        assertThat(sleep.get("pid").asInt()).isEqualTo(sh.get("pid").asInt());
        assertThat(sleep.get("run_ms").asDouble()).isBetween(190.0, 600.0);
        assertThat(r.out()).containsPattern("exec sleep,\\d+ \\(1\\) /bin/sleep 0.2 ");
    }

    @Test
    void aMissingBinaryShowsWhereStartUpStopped() throws Exception {
        Path json = tmp.resolve("fail.json");
        CliIT.Result r = CliIT.boxtrace("run", "--json", json.toString(), "--", "docker", "run", "--rm",
                "boxtrace-test/busybox:latest", "/nonexistent-" + tag);
        assertThat(r.exit()).as("docker's own status for a failed start").isEqualTo(127);
        JsonNode report = JSON.readTree(Files.readString(json));
        assertThat(report.get("runtime").asText()).isEqualTo("docker");
        assertThat(report.get("container").get("id").asText()).hasSize(64);
        assertThat(phaseNames(report)).doesNotContain("user process run");
        assertThat(report.get("stopped_at").asText()).contains("exited 1").contains("before the user's program ran");
        assertThat(report.get("namespace_ops").toString()).contains("\"op\":\"unshare\"");
        assertThat(r.out()).contains("start-up stopped:");
        // runc create failed because its init stage could not exec the program: both named as they were then
        assertThat(report.get("stopped_at").asText()).startsWith("runc create (pid ").contains("its runc:[2:INIT] (pid ");
        int failed = report.get("failed_process").get("pid").asInt();
        assertThat(report.get("failed_process").get("comm").asText()).isEqualTo("runc:[2:INIT]");
        for (JsonNode n : report.get("namespace_ops")) {
            if (n.get("pid").asInt() == failed) {
                assertThat(n.get("comm").asText()).isEqualTo("runc:[2:INIT]");
            }
        }
        assertThat(flatten(report.get("processes"))).filteredOn(p -> p.get("pid").asInt() == failed)
                .allMatch(p -> p.get("comm").asText().equals("runc:[2:INIT]"));
        // nothing ran in the container, and no --name was given: the name is the one dockerd made up
        assertThat(report.get("container").get("name").asText()).matches("[a-z]+_[a-z]+");
        String id = report.get("container").get("id").asText().substring(0, 12);
        assertThat(r.out()).contains("start-up of " + report.get("container").get("name").asText() + " " + id)
                .doesNotContain(id + " " + id);
    }

    @Test
    void podmanRunShowsConmonRuncAndTheNamespaces() throws Exception {
        Path json = tmp.resolve("podman.json");
        String name = tag + "-podman";
        CliIT.Result r = CliIT.boxtrace("run", "--json", json.toString(), "--", "podman", "run", "--rm", "--name", name,
                "--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                "boxtrace-test/busybox:latest", "sh", "-c", "sleep 0.2; exit 4");
        assertThat(r.exit()).as(r.err()).isEqualTo(4);
        JsonNode report = JSON.readTree(Files.readString(json));
        assertThat(report.get("runtime").asText()).isEqualTo("podman");
        assertThat(report.get("container").get("name").asText()).isEqualTo(name);
        assertThat(anyProcess(report.get("processes"), "conmon")).isTrue();
        assertThat(anyProcess(report.get("processes"), "\"init\"")).as("runc init").isTrue();
        assertThat(namespacesOf(report, "unshare")).contains("mnt", "uts", "ipc", "pid");
        assertThat(phaseNames(report)).containsSubsequence("runtime create", "root filesystem switch",
                "user process exec", "user process run", "tear-down");
    }

    @Test
    void aBareRuncBundle() throws Exception {
        Path bundle = tmp.resolve("bundle");
        Process cp = new ProcessBuilder("cp", "-a", "/var/lib/boxtrace-test/bundle", bundle.toString()).start();
        assertThat(cp.waitFor()).isZero();
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"sleep\", \"3600\"", "\"sh\", \"-c\", \"sleep 0.1\""));
        String id = tag + "-runc";
        Path json = tmp.resolve("runc.json");
        try {
            CliIT.Result r = CliIT.boxtrace("run", "--json", json.toString(), "--", "runc", "run", "--bundle",
                    bundle.toString(), id);
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode report = JSON.readTree(Files.readString(json));
            assertThat(report.get("runtime").asText()).isEqualTo("runc");
            assertThat(report.get("container").get("id").asText()).isEqualTo(id);
            assertThat(namespacesOf(report, "unshare")).contains("mnt", "uts", "ipc", "pid", "net");
            assertThat(phaseNames(report)).containsSubsequence("runtime create", "namespace set-up",
                    "root filesystem switch", "user process exec", "user process run");
        } finally {
            new ProcessBuilder("runc", "delete", "-f", id).start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void ctrlCReachesTheClientLikeAShellAndTheReportSaysItWasInterrupted() throws Exception {
        Path json = tmp.resolve("run.json");
        String name = tag + "-int";
        Jar run = Jar.start(tmp, java.util.Map.of(), false, "run", "--json", json.toString(), "--", "docker", "run", "--rm",
                "--name", name, "boxtrace-test/busybox:latest", "sh", "-c", "trap 'exit 7' INT; while true; do sleep 0.2; done");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !inspect(name).equals("true")) {
                Thread.sleep(100);
            }
            assertThat(inspect(name)).as("the container runs").isEqualTo("true");
            Thread.sleep(500);
            new ProcessBuilder("kill", "-INT", Long.toString(run.process().pid())).start().waitFor();
            assertThat(run.process().waitFor(60, TimeUnit.SECONDS)).as("boxtrace ends after the client").isTrue();
            // the client got SIGINT as from a terminal, passed it to the container, whose trap exited 7
            assertThat(run.process().exitValue()).as(Files.readString(run.err())).isEqualTo(7);
            assertThat(Files.readString(run.out())).contains("interrupted by SIGINT");
            JsonNode report = JSON.readTree(Files.readString(json));
            assertThat(report.get("interrupted").asText()).isEqualTo("SIGINT");
            assertThat(report.get("container").get("name").asText()).isEqualTo(name);
            assertThat(anyProcess(report.get("processes"), "trap 'exit 7' INT")).as("the user process").isTrue();
            assertThat(inspect(name)).as("no container left behind").isEmpty();
        } finally {
            run.process().destroyForcibly();
            new ProcessBuilder("docker", "rm", "-f", name).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The container's State.Running, or "" when there is no such container. */
    private static String inspect(String name) throws Exception {
        Process p = new ProcessBuilder("docker", "inspect", "-f", "{{.State.Running}}", name)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        return p.exitValue() == 0 ? out : "";
    }
}
