package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host-wide recording of a container start and a classic build, analysed afterwards with run --from and build --from. */
class RecordedAnalysesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String tag = "bt" + UUID.randomUUID().toString().substring(0, 6);

    @TempDir
    Path tmp;

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
    }

    @Test
    void runAndBuildAnalysesWorkOnAHostRecording() throws Exception {
        Path recording = tmp.resolve("host.jsonl");
        Process recorder = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "record", "-o", recording.toString())).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("record.log").toFile()).start();
        Thread.sleep(3000);
        String name = tag + "-rec";
        sh("docker", "run", "--rm", "--name", name, "boxtrace-test/busybox:latest", "sh", "-c", "sleep 0.3");
        Path ctx = Files.createDirectories(tmp.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM boxtrace-test/busybox:latest\nRUN sleep 0.4 && echo " + tag + "\n");
        sh("env", "DOCKER_BUILDKIT=0", "/usr/bin/docker", "build", "--no-cache", "-q", "-t", "boxtrace-it/" + tag, ctx.toString());
        Thread.sleep(1500);
        recorder.destroy();
        assertThat(recorder.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Path runJson = tmp.resolve("run.json");
        CliIT.Result run = CliIT.boxtrace("run", "--from", recording.toString(), "--json", runJson.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(Files.readString(runJson));
        assertThat(report.get("container").get("name").asText()).isEqualTo(name);
        assertThat(report.get("namespace_ops").toString()).contains("pivot_root");
        assertThat(report.get("phases").toString()).contains("user process run");

        Path buildJson = tmp.resolve("build.json");
        CliIT.Result build = CliIT.boxtrace("build", "--from", recording.toString(), "--json", buildJson.toString());
        assertThat(build.exit()).as(build.err()).isZero();
        JsonNode profile = JSON.readTree(Files.readString(buildJson));
        JsonNode sleep = null;
        for (JsonNode step : profile.get("steps")) {
            for (JsonNode p : step.get("processes")) {
                if (p.get("args").toString().contains(tag)) {
                    for (JsonNode c : p.get("children")) {
                        if (c.get("args").toString().equals("[\"sleep\",\"0.4\"]")) {
                            sleep = c;
                        }
                    }
                }
            }
        }
        assertThat(sleep).as("the RUN step's sleep, found through its container").isNotNull();
        assertThat(sleep.get("duration_ms").asDouble()).isBetween(390.0, 460.0);

        CliIT.Result none = CliIT.boxtrace("run", "--from", recording.toString(), "--client", "1");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err().strip()).contains("no matching client command was recorded for pid 1");
    }
}
