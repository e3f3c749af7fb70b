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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build --attach} against the real dockerd while a service container runs a {@code sleep}
 * loop: the build's profile holds its Dockerfile's steps, named from it, and nothing of the service.
 */
class AttachBesideServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "boxtrace-test/busybox:latest";

    @TempDir
    Path tmp;

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void aServiceContainersLoopIsNoStepOfAnAttachedBuild() throws Exception {
        String tag = "bt-buildsteps-att-" + UUID.randomUUID().toString().substring(0, 8);
        String serviceId = run("docker", "run", "-d", "--name", tag + "-svc", IMAGE, "sh", "-c",
                "while true; do sleep 0.2; done");
        Path ctx = Files.createDirectories(tmp.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\nRUN true\nRUN echo " + tag + "\n");
        Path json = tmp.resolve("att");
        Process attach = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "build", "--attach", "--json", json.toString())).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("attach.log").toFile()).start();
        try {
            ContainerIT.awaitReady(tmp.resolve("attach.log"));
            // The build runs in its context directory with a relative context, as a user types it.
            Process build = new ProcessBuilder("env", "DOCKER_BUILDKIT=0", "/usr/local/bin/docker", "build",
                    "--no-cache", "-q", "-t", tag, ".").directory(ctx.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(build.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(build.exitValue()).isZero();
            Thread.sleep(1500);
        } finally {
            attach.destroy();
            assertThat(attach.waitFor(30, TimeUnit.SECONDS)).isTrue();
            run("docker", "rm", "-f", tag + "-svc");
            run("docker", "rmi", "-f", tag);
        }
        // Other builds on the host are profiled too: ours is the one whose command names our tag.
        List<JsonNode> ours = new ArrayList<>();
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("att-")).toList()) {
                JsonNode p = JSON.readTree(f.toFile());
                if (p.get("command").toString().contains(tag)) {
                    ours.add(p);
                }
            }
        }
        assertThat(ours).as(Files.readString(tmp.resolve("attach.log"))).hasSize(1);
        JsonNode p = ours.getFirst();
        List<String> instructions = new ArrayList<>();
        for (JsonNode s : p.get("steps")) {
            instructions.add(s.get("instruction").asText());
            assertThat(s.get("container").asText()).isNotEqualTo(serviceId);
            assertThat(s.get("attribution").asText()).isEqualTo("dockerfile");
            assertThat(s.get("processes").toString()).doesNotContain("sleep");
        }
        assertThat(instructions).containsExactly("RUN true", "RUN echo " + tag);
        assertThat(p.get("notices").get(0).asText()).startsWith("--attach does not see the builder's output")
                .contains(ctx.resolve("Dockerfile").toString());
    }
}
