package io.boxtrace.cli;

import static io.boxtrace.cli.RuntimeHarness.IMAGE;
import static io.boxtrace.cli.RuntimeHarness.ROOTFS;
import static io.boxtrace.cli.RuntimeHarness.comms;
import static io.boxtrace.cli.RuntimeHarness.container;
import static io.boxtrace.cli.RuntimeHarness.execWith;
import static io.boxtrace.cli.RuntimeHarness.sh;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtimes other than Docker and Podman, each run for real (scripts/setup-runtimes.sh makes them
 * work on this host): containerd driven by ctr in two namespaces, crun, LXC, systemd-nspawn and
 * bubblewrap. For each, {@code tree}, {@code trace --json} and {@code run} name its containers, give
 * the runtime, and keep the runtime's scaffolding out of the container's own processes.
 */
class RuntimesIT {

    private final String tag = "bt-rt" + UUID.randomUUID().toString().substring(0, 6);
    @TempDir
    Path tmp;
    private RuntimeHarness h;

    @BeforeEach
    void harness() {
        h = new RuntimeHarness(tmp);
    }

    @AfterEach
    void cleanUp() throws Exception {
        h.close();
    }

    @Test
    void containerdRunByCtrInTheDefaultAndKubernetesNamespaces() throws Exception {
        String a = tag + "-ctr";
        String b = tag + "-k8s";
        for (String[] nsName : new String[][] {{"default", a}, {"k8s.io", b}}) {
            h.atEnd("sh", "-c", "ctr -n " + nsName[0] + " task kill -s KILL " + nsName[1] + "; sleep 0.5; ctr -n "
                    + nsName[0] + " task delete " + nsName[1] + "; ctr -n " + nsName[0] + " container rm " + nsName[1]);
        }
        RuntimeHarness.Trace trace = h.trace();
        sh("ctr", "-n", "default", "run", "-d", "docker.io/" + IMAGE, a, "sh", "-c", "echo " + tag + "-m1; exec sleep 300");
        sh("ctr", "-n", "k8s.io", "run", "-d", "docker.io/" + IMAGE, b, "sleep", "301");
        List<JsonNode> events = trace.stop(tag + "-m1");
        JsonNode inA = RuntimeHarness.execOf(events, "sh", tag + "-m1").get("container");
        assertThat(inA.get("name").asText()).isEqualTo(a);
        assertThat(inA.get("runtime").asText()).isEqualTo("containerd");
        assertThat(inA.get("image").asText()).isEqualTo("docker.io/" + IMAGE);

        JsonNode tree = RuntimeHarness.tree();
        JsonNode ca = container(tree, a);
        assertThat(ca.get("runtime").asText()).isEqualTo("containerd");
        assertThat(ca.get("labels").get("containerd.namespace").asText()).isEqualTo("default");
        assertThat(ca.get("processes").get(0).get("args").toString()).isEqualTo("[\"sleep\",\"300\"]");
        assertThat(comms(ca.get("runtime_processes"))).anyMatch(c -> c.startsWith("containerd-shim"));
        assertThat(comms(ca.get("processes"))).noneMatch(c -> c.startsWith("containerd-shim"));
        JsonNode cb = container(tree, b);
        assertThat(cb.get("labels").get("containerd.namespace").asText()).isEqualTo("k8s.io");
        assertThat(cb.get("image").asText()).isEqualTo("docker.io/" + IMAGE);

        String c = tag + "-run";
        h.atEnd("ctr", "-n", "default", "container", "rm", c);
        JsonNode report = h.run("ctr", "-n", "default", "run", "--rm", "docker.io/" + IMAGE, c, "sh", "-c",
                "sleep 1; echo " + tag + "-m2");
        assertThat(report.get("runtime").asText()).isEqualTo("containerd");
        assertThat(report.get("container").get("name").asText()).isEqualTo(c);
        assertThat(report.get("processes").toString()).contains("containerd-shim").contains(tag + "-m2");
    }

    @Test
    void crunUsedDirectly() throws Exception {
        Path bundle = tmp.resolve("bundle");
        sh("cp", "-a", "/var/lib/boxtrace-test/bundle", bundle.toString());
        Path config = bundle.resolve("config.json");
        String spec = Files.readString(config);
        Files.writeString(config, spec.replace("\"sleep\", \"3600\"", "\"sh\", \"-c\", \"echo " + tag + "-m1; exec sleep 300\""));
        String id = tag + "-crun";
        h.atEnd("crun", "delete", "-f", id);
        RuntimeHarness.Trace trace = h.trace();
        sh("sh", "-c", "crun run -d --bundle " + bundle + " " + id + " >/dev/null 2>&1 </dev/null");
        List<JsonNode> events = trace.stop(tag + "-m1");
        JsonNode in = RuntimeHarness.execOf(events, "sh", tag + "-m1").get("container");
        assertThat(in.get("id").asText()).isEqualTo(id);
        assertThat(in.get("runtime").asText()).isEqualTo("crun");
        JsonNode c = container(RuntimeHarness.tree(), id);
        assertThat(c.get("runtime").asText()).isEqualTo("crun");
        assertThat(c.get("processes").get(0).get("nspid").asInt()).isEqualTo(1);

        Files.writeString(config, spec.replace("\"sleep\", \"3600\"", "\"sh\", \"-c\", \"sleep 1; echo " + tag + "-m2\""));
        String id2 = tag + "-crun2";
        h.atEnd("crun", "delete", "-f", id2);
        JsonNode report = h.run("crun", "run", "--bundle", bundle.toString(), id2);
        assertThat(report.get("runtime").asText()).isEqualTo("crun");
        assertThat(report.get("container").get("id").asText()).isEqualTo(id2);
        assertThat(report.get("processes").toString()).contains(tag + "-m2");
    }

    private Path lxcConfig(String name, String initCmd) throws Exception {
        Path dir = Path.of("/var/lib/lxc", name);
        Files.createDirectories(dir);
        h.atEnd("rm", "-rf", dir.toString()); // never lxc-destroy: it would delete the shared rootfs
        Files.writeString(dir.resolve("config"), String.join("\n",
                "lxc.uts.name = " + name, "lxc.rootfs.path = dir:" + ROOTFS, "lxc.net.0.type = empty",
                "lxc.init.cmd = " + initCmd, "lxc.mount.auto = proc:mixed sys:ro", "lxc.apparmor.profile = unconfined",
                "lxc.tty.max = 0", "lxc.pty.max = 4", "lxc.console.path = none", ""));
        return dir;
    }

    @Test
    void lxcStartAndAttach() throws Exception {
        String name = tag + "-lxc";
        lxcConfig(name, "/bin/sleep 300");
        h.atEnd("lxc-stop", "-k", "-n", name);
        sh("lxc-start", "-n", name);
        RuntimeHarness.Trace trace = h.trace();
        sh("lxc-attach", "-n", name, "--", "/bin/sh", "-c", "echo " + tag + "-m1");
        List<JsonNode> events = trace.stop(tag + "-m1");
        JsonNode in = RuntimeHarness.execOf(events, "/bin/sh", tag + "-m1").get("container");
        assertThat(in.get("name").asText()).isEqualTo(name);
        assertThat(in.get("runtime").asText()).isEqualTo("lxc");

        JsonNode c = container(RuntimeHarness.tree(), name);
        assertThat(c.get("runtime").asText()).isEqualTo("lxc");
        assertThat(c.get("processes").get(0).get("args").toString()).isEqualTo("[\"/bin/sleep\",\"300\"]");
        assertThat(c.get("runtime_processes").toString()).contains("[lxc monitor]");
        assertThat(comms(c.get("processes"))).doesNotContain("lxc-start");

        String name2 = tag + "-lxc2";
        lxcConfig(name2, "/bin/sleep 1");
        JsonNode report = h.run("lxc-start", "-F", "-n", name2);
        assertThat(report.get("runtime").asText()).isEqualTo("lxc");
        assertThat(report.get("container").get("name").asText()).isEqualTo(name2);
        // In the foreground lxc-start is the monitor itself: the container's init is its child.
        JsonNode init = report.get("processes").get(0).get("children").get(0);
        assertThat(init.get("args").toString()).isEqualTo("[\"/bin/sleep\",\"1\"]");
        assertThat(init.get("in_container").asBoolean()).isTrue();
        assertThat(init.get("nspid").asInt()).isEqualTo(1);
    }

    @Test
    void systemdNspawnRegisteredAsAMachineAndUnregistered() throws Exception {
        String name = tag + "-nsp";
        String scope = "machine.slice/machine-" + name.replace("-", "\\x2d") + ".scope";
        // As machined places a machine (no systemd runs here): the scope first, nspawn keeps it.
        String enter = "for h in unified systemd; do d=/sys/fs/cgroup/$h/'" + scope + "'; [ -d /sys/fs/cgroup/$h ] || continue; "
                + "mkdir -p \"$d\" && echo $$ > \"$d/cgroup.procs\"; done; ";
        h.atEnd("sh", "-c", "sleep 1; for h in unified systemd; do d=/sys/fs/cgroup/$h/'" + scope + "'; "
                + "rmdir \"$d/payload\" \"$d/supervisor\" \"$d\" 2>/dev/null; done; true");
        RuntimeHarness.Trace trace = h.trace();
        h.background("sh", "-c", enter + "exec systemd-nspawn -q --keep-unit --register=no -D " + ROOTFS + " -M " + name
                + " /bin/sh -c 'echo " + tag + "-m1; exec sleep 300'");
        Thread.sleep(1500);
        List<JsonNode> events = trace.stop(tag + "-m1");
        JsonNode in = RuntimeHarness.execOf(events, "/bin/sh", tag + "-m1").get("container");
        assertThat(in.get("name").asText()).isEqualTo(name);
        assertThat(in.get("runtime").asText()).isEqualTo("nspawn");

        JsonNode c = container(RuntimeHarness.tree(), name);
        assertThat(c.get("runtime").asText()).isEqualTo("nspawn");
        assertThat(c.get("processes").get(0).get("nspid").asInt()).isEqualTo(1);
        assertThat(comms(c.get("runtime_processes"))).contains("systemd-nspawn");
        assertThat(comms(c.get("processes"))).doesNotContain("systemd-nspawn");

        // Not registered, from the caller's cgroup: known by its own pid namespace and nspawn's argv.
        Path rootfs2 = tmp.resolve("rootfs2");
        sh("cp", "-a", ROOTFS, rootfs2.toString());
        String name2 = tag + "-nsp2";
        // Unregistered, nspawn makes payload/ and supervisor/ under the caller's cgroup (the root here).
        h.atEnd("sh", "-c", "sleep 0.5; for h in unified systemd; do rmdir /sys/fs/cgroup/$h/payload "
                + "/sys/fs/cgroup/$h/supervisor 2>/dev/null; done; true");
        JsonNode report = h.run("systemd-nspawn", "-q", "--keep-unit", "--register=no", "-D", rootfs2.toString(),
                "-M", name2, "/bin/sh", "-c", "sleep 1; echo " + tag + "-m2");
        assertThat(report.get("runtime").asText()).isEqualTo("nspawn");
        assertThat(report.get("container").get("name").asText()).isEqualTo(name2);
        assertThat(report.get("processes").toString()).contains(tag + "-m2");
    }

    @Test
    void bubblewrapSandboxes() throws Exception {
        String name = tag + "-bw";
        List<String> bwrap = List.of("bwrap", "--bind", ROOTFS, "/", "--proc", "/proc", "--dev", "/dev", "--unshare-all",
                "--die-with-parent", "--hostname");
        RuntimeHarness.Trace trace = h.trace();
        h.background(concat(bwrap, name, "/bin/sh", "-c", "echo " + tag + "-m1; exec sleep 300"));
        Thread.sleep(1000);
        List<JsonNode> events = trace.stop(tag + "-m1");
        JsonNode in = RuntimeHarness.execOf(events, "/bin/sh", tag + "-m1").get("container");
        assertThat(in.get("name").asText()).isEqualTo(name);
        assertThat(in.get("runtime").asText()).isEqualTo("bwrap");
        assertThat(in.get("id").asText()).startsWith("bwrap-");

        JsonNode c = container(RuntimeHarness.tree(), name);
        // bwrap's reaper is pid 1 inside the sandbox: the container's own process, not scaffolding.
        JsonNode init = c.get("processes").get(0);
        assertThat(init.get("comm").asText()).isEqualTo("bwrap");
        assertThat(init.get("nspid").asInt()).isEqualTo(1);
        assertThat(init.get("children").get(0).get("args").toString()).isEqualTo("[\"sleep\",\"300\"]");
        assertThat(comms(c.get("runtime_processes"))).contains("bwrap");

        String name2 = tag + "-bw2";
        JsonNode report = h.run(concat(bwrap, name2, "/bin/sh", "-c", "sleep 1; echo " + tag + "-m2"));
        assertThat(report.get("runtime").asText()).isEqualTo("bwrap");
        assertThat(report.get("container").get("name").asText()).isEqualTo(name2);
        assertThat(report.get("processes").toString()).contains(tag + "-m2");
    }

    private static String[] concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}
