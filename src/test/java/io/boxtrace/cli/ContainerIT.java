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
 * Container attribution end to end with a real dockerd, podman and runc (scripts/setup-host.sh
 * starts them and builds boxtrace-test/busybox:latest): boxtrace's jar is run as a user would.
 */
class ContainerIT {

    private static final String IMAGE = "boxtrace-test/busybox:latest";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String tag = "bt" + UUID.randomUUID().toString().substring(0, 6);
    private final List<String[]> cleanup = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void removeContainers() throws Exception {
        for (String[] c : cleanup) {
            new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    private String docker(String name, String... cmd) throws Exception {
        cleanup.add(new String[] {"docker", "rm", "-f", name});
        List<String> all = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, IMAGE));
        all.addAll(List.of(cmd));
        return sh(all.toArray(String[]::new));
    }

    private static JsonNode tree(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("tree", "--json"));
        args.addAll(List.of(extra));
        CliIT.Result r = CliIT.boxtrace(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static JsonNode container(JsonNode tree, String name) {
        for (JsonNode c : tree.get("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no container " + name + " in " + tree);
    }

    @Test
    void aContainerStartedBeforeBoxtraceShowsItsTreeWithBothPidsIncludingAReparentedOrphan() throws Exception {
        String name = tag + "-shape";
        String id = docker(name, "sh", "-c", "sleep 300 & (sleep 301 &); exec sleep 302");
        Thread.sleep(700);
        sh("docker", "exec", "-d", name, "sleep", "303");
        Thread.sleep(500);
        long initPid = Long.parseLong(sh("docker", "inspect", "-f", "{{.State.Pid}}", name));
        JsonNode c = container(tree("-c", name, "--with-runtime"), name);
        assertThat(c.get("id").asText()).isEqualTo(id);
        assertThat(c.get("image").asText()).isEqualTo(IMAGE);
        assertThat(c.get("runtime").asText()).isEqualTo("docker");
        JsonNode roots = c.get("processes");
        assertThat(roots).hasSize(2);
        // roots come in pid order, and pids wrap (pid_max): find the init by its pid, not its place
        JsonNode init = roots.get(0).get("pid").asLong() == initPid ? roots.get(0) : roots.get(1);
        assertThat(init.get("pid").asLong()).isEqualTo(initPid);
        assertThat(init.get("nspid").asInt()).isEqualTo(1);
        assertThat(init.get("args").toString()).isEqualTo("[\"sleep\",\"302\"]");
        List<String> children = new ArrayList<>();
        for (JsonNode k : init.get("children")) {
            children.add(k.get("args").toString());
            assertThat(k.get("nspid").asInt()).isGreaterThan(1);
            assertThat(k.get("ppid").asLong()).isEqualTo(initPid);
            assertThat(k.get("pid").asLong()).isNotEqualTo(k.get("nspid").asLong());
        }
        // "sleep 301" was orphaned when its subshell exited and now hangs under the container's init.
        assertThat(children).containsExactlyInAnyOrder("[\"sleep\",\"300\"]", "[\"sleep\",\"301\"]");
        JsonNode exec = init == roots.get(0) ? roots.get(1) : roots.get(0);
        assertThat(exec.get("args").toString()).as("docker exec'd process").isEqualTo("[\"sleep\",\"303\"]");
        assertThat(c.get("runtime_processes").get(0).get("comm").asText()).startsWith("containerd-shim");
    }

    @Test
    void twoContainersWithIdenticalCommandsAreKeptApartAndTheHostIsLeftOut() throws Exception {
        String a = docker(tag + "-a", "sleep", "300");
        String b = docker(tag + "-b", "sleep", "300");
        Thread.sleep(500);
        JsonNode t = tree();
        assertThat(container(t, tag + "-a").get("id").asText()).isEqualTo(a);
        assertThat(container(t, tag + "-b").get("id").asText()).isEqualTo(b);
        assertThat(container(t, tag + "-a").get("processes").get(0).get("pid").asLong())
                .isNotEqualTo(container(t, tag + "-b").get("processes").get(0).get("pid").asLong());
        assertThat(t.has("host")).isFalse();
        assertThat(tree("--all").get("host")).isNotEmpty();
    }

    @Test
    void aContainerLiving200msIsAttributedWithNameAndImageAndExecIsAttributed() throws Exception {
        Path events = tmp.resolve("events.jsonl");
        Process trace = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "trace", "--json", "-o", events.toString())).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("trace.log").toFile()).start();
        awaitReady(tmp.resolve("trace.log"));
        String shortName = tag + "-short";
        cleanup.add(new String[] {"docker", "rm", "-f", shortName});
        sh("docker", "run", "--rm", "--name", shortName, IMAGE, "sh", "-c", "sleep 0.2; echo " + tag + "-inner");
        String longName = tag + "-long";
        docker(longName, "sleep", "300");
        Thread.sleep(300);
        sh("docker", "exec", longName, "sh", "-c", "echo " + tag + "-exec");
        Thread.sleep(1500);
        trace.destroy(); // SIGTERM: boxtrace drains and writes its summary
        assertThat(trace.waitFor(20, TimeUnit.SECONDS)).isTrue();
        List<JsonNode> all = new ArrayList<>();
        for (String l : Files.readAllLines(events)) {
            all.add(JSON.readTree(l));
        }
        assertThat(all.getLast().get("type").asText()).as("SIGTERM drains and writes the summary").isEqualTo("summary");
        JsonNode shortExec = all.stream().filter(e -> e.get("type").asText().equals("exec")
                && e.get("args").path(0).asText().equals("sh")
                && e.get("args").toString().contains(tag + "-inner")).findFirst().orElseThrow();
        assertThat(shortExec.get("container").get("name").asText()).isEqualTo(shortName);
        assertThat(shortExec.get("container").get("image").asText()).isEqualTo(IMAGE);
        assertThat(shortExec.get("nspid").asInt()).isEqualTo(1);
        assertThat(all).anyMatch(e -> e.get("type").asText().equals("container_start")
                && e.get("container").path("name").asText().equals(shortName));
        assertThat(all).anyMatch(e -> e.get("type").asText().equals("container_stop")
                && e.get("container").path("name").asText().equals(shortName));
        JsonNode execd = all.stream().filter(e -> e.get("type").asText().equals("exec")
                && e.get("args").path(0).asText().equals("sh")
                && e.get("args").toString().contains(tag + "-exec")).findFirst().orElseThrow();
        assertThat(execd.get("container").get("name").asText()).isEqualTo(longName);
        assertThat(execd.get("nspid").asInt()).isGreaterThan(1);
    }

    /**
     * eBPF names the cgroup from the kernel's mkdir record; audit, which gives no cgroup, from the host shim
     * serving the container (the process is gone from /proc before the pipeline reaches its exec).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ebpf", "audit"})
    void containersLivingMillisecondsInARowAreNeverPutOnTheHost(String source) throws Exception {
        Path events = tmp.resolve("events.jsonl");
        Process trace = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "trace", "--source", source, "--json", "-o", events.toString())).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("trace.log").toFile()).start();
        awaitReady(tmp.resolve("trace.log"));
        int runs = 8;
        for (int i = 1; i <= runs; i++) {
            cleanup.add(new String[] {"docker", "rm", "-f", tag + "-t" + i});
            // /bin/true exits at once: its cgroup is gone again before a walk of the cgroup tree could see it.
            sh("docker", "run", "--rm", "--name", tag + "-t" + i, IMAGE, "/bin/true", tag + "-marker-" + i);
        }
        Thread.sleep(1500);
        trace.destroy();
        assertThat(trace.waitFor(20, TimeUnit.SECONDS)).isTrue();
        List<JsonNode> all = new ArrayList<>();
        for (String l : Files.readAllLines(events)) {
            all.add(JSON.readTree(l));
        }
        for (int i = 1; i <= runs; i++) {
            String marker = tag + "-marker-" + i;
            String name = tag + "-t" + i;
            JsonNode exec = all.stream().filter(e -> e.get("type").asText().equals("exec")
                    && e.get("args").path(0).asText().equals("/bin/true")
                    && e.get("args").toString().contains(marker)).findFirst()
                    .orElseThrow(() -> new AssertionError("no exec of " + marker));
            assertThat(exec.path("container").isObject()).as("run %d on the host: %s", i, exec).isTrue();
            assertThat(exec.get("container").path("name").asText()).as(exec.toString()).isEqualTo(name);
            if (source.equals("ebpf")) { // audit records carry no pid namespace: unknown for a process already gone
                assertThat(exec.get("nspid").asInt()).isEqualTo(1);
            }
            assertThat(all).as("start of " + name).anyMatch(e -> e.get("type").asText().equals("container_start")
                    && e.get("container").path("name").asText().equals(name));
            assertThat(all).as("stop of " + name).anyMatch(e -> e.get("type").asText().equals("container_stop")
                    && e.get("container").path("name").asText().equals(name));
        }
    }

    @Test
    void aPodmanContainer() throws Exception {
        String name = tag + "-podman";
        cleanup.add(new String[] {"podman", "rm", "-f", name});
        String id = sh("podman", "run", "-d", "--name", name, "--runtime", "runc", "--ulimit", "nofile=1024:1024",
                "--ulimit", "nproc=1024:1024", IMAGE, "sleep", "300");
        Thread.sleep(500);
        JsonNode c = container(tree("-c", name, "--with-runtime"), name);
        assertThat(c.get("id").asText()).isEqualTo(id);
        assertThat(c.get("runtime").asText()).isEqualTo("podman");
        assertThat(c.get("image").asText()).endsWith(IMAGE);
        assertThat(c.get("processes").get(0).get("nspid").asInt()).isEqualTo(1);
        assertThat(c.get("runtime_processes").get(0).get("comm").asText()).isEqualTo("conmon");
    }

    @Test
    void aBareRuncBundle() throws Exception {
        Path bundle = tmp.resolve("bundle");
        sh("cp", "-a", "/var/lib/boxtrace-test/bundle", bundle.toString());
        String id = tag + "-runc";
        cleanup.add(new String[] {"runc", "delete", "-f", id});
        Process run = new ProcessBuilder("runc", "run", "-d", "--bundle", bundle.toString(), id)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("runc.log").toFile()).start();
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(Files.readString(tmp.resolve("runc.log"))).isZero();
        Thread.sleep(300);
        JsonNode c = container(tree("-c", id), id);
        assertThat(c.get("runtime").asText()).isEqualTo("runc");
        assertThat(c.get("processes").get(0).get("args").toString()).isEqualTo("[\"sleep\",\"3600\"]");
        assertThat(c.get("processes").get(0).get("nspid").asInt()).isEqualTo(1);
    }

    @Test
    void treeWatchRedrawsWhenAContainerStartsAndStops() throws Exception {
        Path out = tmp.resolve("watch.txt");
        Process watch = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "tree", "--watch")).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            awaitReady(out);
            String name = tag + "-watched";
            docker(name, "sleep", "300");
            long deadline = System.currentTimeMillis() + 10_000;
            while (!Files.readString(out).contains(name) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertThat(Files.readString(out)).as("redrawn with the new container").contains(name + "  ");
            int before = Files.readString(out).length();
            sh("docker", "rm", "-f", name);
            deadline = System.currentTimeMillis() + 10_000;
            String last = "";
            while (System.currentTimeMillis() < deadline) {
                String all = Files.readString(out);
                last = all.substring(Math.max(before, 0));
                if (!last.isEmpty() && !last.contains(name + "  ")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(last).as("a later redraw without it").isNotEmpty().doesNotContain(name + "  ");
        } finally {
            watch.destroy();
            watch.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** boxtrace says "using the ... source" once the source is attached; a loaded host may take seconds. */
    static void awaitReady(Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline
                && !(Files.exists(log) && Files.readString(log).contains("using the"))) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(log)).as("boxtrace attached its source").contains("using the");
        Thread.sleep(300);
    }
}
