package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code boxtrace build -- docker build -q} (classic builder, eBPF source) against the real dockerd,
 * beside a service container running a {@code sleep} loop and another {@code docker run} started
 * during the build: the output names no step, so the steps come from the Dockerfile, a step as short
 * as {@code RUN true} included, and neither the service nor the other container is one of them.
 */
class QuietBuildIT {

    private static final String IMAGE = "boxtrace-test/busybox:latest";
    private final List<String> containers = new ArrayList<>();
    private final List<String> images = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws Exception {
        for (String c : containers) {
            docker("rm", "-f", c);
        }
        for (String i : images) {
            docker("rmi", "-f", i);
        }
    }

    private static int docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void quietClassicBuildHasItsDockerfilesStepsAndNoOtherContainer() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String service = "bt-buildsteps-svc-" + tag;
        containers.add(service);
        String serviceId = output("docker", "run", "-d", "--name", service, IMAGE, "sh", "-c",
                "while true; do sleep 0.2; done");
        assertThat(serviceId).matches("[0-9a-f]{64}");
        Path ctx = Files.createDirectories(tmp.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\nRUN true\nRUN echo " + tag
                + " > /tag && \\\n    sleep 0.8\n");
        String image = "bt-buildsteps-it-" + tag;
        images.add(image);
        // Another user's container, started while the build runs.
        String other = "bt-buildsteps-other-" + tag;
        containers.add(other);
        Thread concurrent = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1500);
                docker("run", "--rm", "--name", other, IMAGE, "sh", "-c", "sleep 0.3");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path json = tmp.resolve("profile.json");
        BuildProfileIT.Run r = BuildProfileIT.boxtraceBuild("ebpf", json, List.of("env", "DOCKER_BUILDKIT=0",
                "/usr/local/bin/docker", "build", "--no-cache", "-q", "-t", image, ctx.toString()));
        concurrent.join();
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode p = r.profile();
        List<String> instructions = new ArrayList<>();
        List<String> positions = new ArrayList<>();
        for (JsonNode s : p.get("steps")) {
            instructions.add(s.get("instruction").asText());
            positions.add(s.get("position").asText());
            assertThat(s.get("attribution").asText()).isEqualTo("dockerfile");
            assertThat(s.get("container").asText()).isNotEqualTo(serviceId);
            assertThat(s.get("processes")).as(s.toString()).isNotEmpty();
        }
        assertThat(instructions).containsExactly("RUN true", "RUN echo " + tag + " > /tag &&     sleep 0.8");
        assertThat(positions).containsExactly("2/3", "3/3");
        assertThat(p.get("steps").get(0).get("processes").get(0).get("args").toString())
                .isEqualTo("[\"/bin/sh\",\"-c\",\"true\"]");
        assertThat(r.out()).contains("RUN true").doesNotContain("sleep 0.2").doesNotContain("sleep 0.3");
    }
}
