package io.boxtrace.cli;

import static io.boxtrace.cli.RuntimeHarness.IMAGE;
import static io.boxtrace.cli.RuntimeHarness.comms;
import static io.boxtrace.cli.RuntimeHarness.container;
import static io.boxtrace.cli.RuntimeHarness.sh;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers inside containers and containers of a normal user, run for real: Docker in Docker
 * (boxtrace-test/dind:latest, made by scripts/setup-runtimes.sh from this host's docker.io binaries),
 * rootless Podman (user btrootless), and a container process that only looks like a runtime.
 */
class NestedRuntimesIT {

    private static final String ROOTLESS = "btrootless";
    private static final String ROOTLESS_RUN = "/tmp/bt-rootless-run";
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

    /**
     * The outer container, privileged in all but name: this host's root lacks CAP_SYS_RESOURCE in its
     * bounding set, so {@code --privileged} (every capability) fails with "unable to apply caps";
     * every other capability, no seccomp or AppArmor, all devices and a private cgroup namespace
     * give the inner dockerd what it needs (README, docs/runtimes.md).
     */
    private String startOuter(String name) throws Exception {
        h.atEnd("docker", "rm", "-f", name);
        List<String> cmd = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--cgroupns", "private",
                "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
                "--security-opt", "systempaths=unconfined", "--device-cgroup-rule", "a *:* rwm",
                "-v", "/var/lib/boxtrace-test/busybox-image.tar:/busybox.tar:ro"));
        for (String cap : List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
                "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
                "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN",
                "SYS_BOOT", "SYS_NICE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
                "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ")) {
            cmd.addAll(List.of("--cap-add", cap));
        }
        cmd.add("boxtrace-test/dind:latest");
        String id = sh(cmd.toArray(String[]::new));
        for (int i = 0; i < 100; i++) {
            if (new ProcessBuilder("docker", "exec", name, "docker", "version").start().waitFor() == 0) {
                sh("docker", "exec", name, "docker", "load", "-q", "-i", "/busybox.tar");
                return id;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the inner dockerd of " + name + " never answered");
    }

    @Test
    void dockerInDockerInnerContainersNamedWithTheOuterAsParent() throws Exception {
        String outer = tag + "-dind";
        String outerId = startOuter(outer);
        String inner = tag + "-inner";
        RuntimeHarness.Trace trace = h.trace();
        sh("docker", "exec", outer, "docker", "run", "-d", "--network", "none", "--name", inner, IMAGE,
                "sh", "-c", "echo " + tag + "-m1; exec sleep 300");
        List<JsonNode> events = trace.stop(tag + "-m1");
        JsonNode in = RuntimeHarness.execOf(events, "sh", tag + "-m1").get("container");
        assertThat(in.get("name").asText()).isEqualTo(inner);
        assertThat(in.get("image").asText()).isEqualTo(IMAGE);
        assertThat(in.get("parent_container").get("id").asText()).isEqualTo(outerId);

        JsonNode tree = RuntimeHarness.tree();
        JsonNode c = container(tree, inner);
        assertThat(c.get("runtime").asText()).isEqualTo("docker");
        assertThat(c.get("parent_container").get("name").asText()).isEqualTo(outer);
        assertThat(c.get("processes").get(0).get("args").toString()).isEqualTo("[\"sleep\",\"300\"]");
        // The inner shim runs in the outer container: it is the outer's process, not the inner's.
        assertThat(comms(c.get("processes"))).noneMatch(x -> x.startsWith("containerd-shim"));
        assertThat(comms(container(tree, outer).get("processes"))).contains("dockerd").anyMatch(x -> x.startsWith("containerd-shim"));

        String inner2 = tag + "-inner2";
        JsonNode report = h.run("docker", "exec", outer, "docker", "run", "--rm", "--network", "none", "--name", inner2,
                IMAGE, "sh", "-c", "sleep 1; echo " + tag + "-m2");
        assertThat(report.get("container").get("name").asText()).isEqualTo(inner2);
        assertThat(report.get("processes").toString()).contains(tag + "-m2");

        // A build run by the inner daemon, profiled from the host: its steps' commands.
        sh("docker", "exec", outer, "sh", "-c", "mkdir -p /ctx && printf 'FROM " + IMAGE
                + "\\nRUN sh -c \"sleep 0.3; echo " + tag + "-b1\"\\nRUN echo " + tag + "-b2 && sleep 0.2\\n' > /ctx/Dockerfile");
        Path profile = tmp.resolve("profile.json");
        CliIT.Result b = CliIT.boxtrace("build", "--json", profile.toString(), "--", "docker", "exec", outer, "docker",
                "build", "--no-cache", "-t", tag + "-img", "/ctx");
        assertThat(b.exit()).as(b.out() + b.err()).isZero();
        JsonNode steps = RuntimeHarness.JSON.readTree(Files.readString(profile)).get("steps");
        assertThat(steps.get(1).get("instruction").asText()).contains(tag + "-b1");
        assertThat(steps.get(1).toString()).contains("\"sleep\",\"0.3\"");
        assertThat(steps.get(2).get("instruction").asText()).contains(tag + "-b2");
        assertThat(steps.get(2).toString()).contains("\"sleep\",\"0.2\"").doesNotContain("\"sleep\",\"0.3\"");
    }

    private String[] rootless(String... podmanArgs) {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", ROOTLESS, "--", "env", "XDG_RUNTIME_DIR=" + ROOTLESS_RUN,
                "podman"));
        cmd.addAll(List.of(podmanArgs));
        return cmd.toArray(String[]::new);
    }

    @Test
    void rootlessPodmanShowsUidsOnTheHostAndInside() throws Exception {
        String name = tag + "-rl";
        long uid = Long.parseLong(sh("id", "-u", ROOTLESS));
        h.atEnd(rootless("rm", "-f", name));
        RuntimeHarness.Trace trace = h.trace();
        new ProcessBuilder(rootless("run", "-d", "--network", "none", "--cgroup-manager", "cgroupfs", "--name", name,
                IMAGE, "sh", "-c", "echo " + tag + "-m1; exec sleep 300")).directory(Path.of("/").toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        List<JsonNode> events = trace.stop(tag + "-m1");
        JsonNode exec = RuntimeHarness.execOf(events, "sh", tag + "-m1");
        assertThat(exec.get("container").get("name").asText()).isEqualTo(name);
        assertThat(exec.get("container").get("runtime").asText()).isEqualTo("podman");
        assertThat(exec.get("uid").asLong()).isEqualTo(uid);

        JsonNode c = container(RuntimeHarness.tree(), name);
        assertThat(c.get("image").asText()).endsWith(IMAGE);
        JsonNode init = c.get("processes").get(0);
        assertThat(init.get("uid").asLong()).as("uid on the host").isEqualTo(uid);
        assertThat(init.get("uid_in_container").asLong()).as("uid inside").isZero();
        assertThat(comms(c.get("runtime_processes"))).contains("conmon");

        String name2 = tag + "-rl2";
        h.atEnd(rootless("rm", "-f", name2));
        JsonNode report = h.run(rootless("run", "--rm", "--network", "none", "--cgroup-manager", "cgroupfs", "--name",
                name2, IMAGE, "sh", "-c", "sleep 1; echo " + tag + "-m2"));
        assertThat(report.get("runtime").asText()).isEqualTo("podman");
        assertThat(report.get("container").get("name").asText()).isEqualTo(name2);
        assertThat(report.get("processes").toString()).contains(tag + "-m2").contains("conmon");
    }

    /**
     * A container process named like a runtime ("runc", comm from its file name) whose argv names
     * another container is that other container's nothing: neither its runtime in {@code run} nor
     * hidden from its own container's tree.
     */
    @Test
    void aContainerProcessThatLooksLikeScaffoldingStaysInItsOwnContainer() throws Exception {
        String victim = tag + "-victim";
        String mimic = tag + "-mimic";
        h.atEnd("docker", "rm", "-f", mimic);
        h.atEnd("docker", "rm", "-f", victim);
        sh("docker", "run", "-d", "--name", mimic, IMAGE, "sh", "-c", "cp /bin/busybox /tmp/runc; "
                + "(exec -a sleep /tmp/runc 300) & while :; do (exec -a sh /tmp/runc -c 'sleep 0.05; :' create " + victim
                + "); done");
        Thread.sleep(800);
        JsonNode m = container(RuntimeHarness.tree(), mimic);
        assertThat(comms(m.get("processes"))).contains("runc");

        JsonNode report = h.run("docker", "run", "--rm", "--name", victim, IMAGE, "sh", "-c", "sleep 0.5; echo " + tag);
        assertThat(report.get("container").get("name").asText()).isEqualTo(victim);
        assertThat(report.get("processes").toString()).as("the mimic's processes are no part of this start")
                .doesNotContain("'sleep 0.05; :'").doesNotContain("sleep 0.05; :");
    }
}
