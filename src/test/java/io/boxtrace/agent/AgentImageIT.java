package io.boxtrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/image.sh builds the agent's image, which, run with the options of
 * deploy/kubernetes/daemonset.yaml (host pid namespace, no privileged mode, named capabilities,
 * read-only root and state mounts), attributes a sibling container with its name and image and
 * exits 0 on SIGTERM. Docker 20.10 does not know the names BPF and PERFMON, so SYS_ADMIN stands in
 * for them here, as the manifest says for such runtimes.
 */
class AgentImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theImageAttributesASiblingContainer() throws Exception {
        String tag = "bt-agent-it/boxtrace-agent:" + ProcessHandle.current().pid();
        String agent = "bt-agent-img-" + ProcessHandle.current().pid();
        String sibling = "bt-agent-sib-" + ProcessHandle.current().pid();
        AgentProcess.run("scripts/image.sh", tag);
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            AgentProcess.run("docker", "run", "-d", "--name", agent, "--pid=host", "--read-only",
                    "--tmpfs", "/tmp:size=16m", "--security-opt", "no-new-privileges",
                    "--cap-drop", "ALL", "--cap-add", "SYS_ADMIN", "--cap-add", "SYS_PTRACE",
                    "--cap-add", "DAC_READ_SEARCH", "--cap-add", "NET_ADMIN",
                    "-v", "/sys/kernel/btf:/sys/kernel/btf:ro", "-v", "/sys/kernel/tracing:/sys/kernel/tracing:ro",
                    "-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro", "-v", "/run/containerd:/run/containerd:ro",
                    "-v", "/var/run/docker.sock:/var/run/docker.sock:ro", "-v", tmp + ":/out",
                    tag, "agent", "--output", "/out/events.jsonl");
            awaitLog(agent, "using the");
            AgentProcess.run("docker", "run", "--rm", "--name", sibling, "boxtrace-test/busybox:latest", "sh", "-c",
                    "sleep 0; exec sleep 5");
            Thread.sleep(1000);
            AgentProcess.run("docker", "stop", "-t", "30", agent);
            assertThat(output("docker", "inspect", "-f", "{{.State.ExitCode}}", agent).trim())
                    .as("exit after SIGTERM; log: %s", output("docker", "logs", agent)).isEqualTo("0");
        } finally {
            AgentProcess.runQuietly("docker", "rm", "-f", agent);
            AgentProcess.runQuietly("docker", "rmi", "-f", tag);
        }
        List<JsonNode> siblingExecs = Files.readAllLines(tmp.resolve("events.jsonl")).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).filter(n -> n.path("type").asText().equals("exec")
                && n.path("container").path("name").asText().equals(sibling)).toList();
        assertThat(siblingExecs).hasSize(3);
        assertThat(siblingExecs).allSatisfy(n -> {
            assertThat(n.path("container").path("image").asText()).isEqualTo("boxtrace-test/busybox:latest");
            assertThat(n.path("container").path("runtime").asText()).isEqualTo("docker");
        });
        assertThat(siblingExecs.getFirst().path("args").toString()).isEqualTo("[\"sh\",\"-c\",\"sleep 0; exec sleep 5\"]");
    }

    private static void awaitLog(String container, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String log = "";
        while (System.nanoTime() < deadline) {
            log = output("docker", "logs", container);
            if (log.contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the agent's container did not start tracing: " + log);
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
