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

/** build --attach against a real dockerd: one profile per build, and concurrent builds never mixed. */
class BuildAttachIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String tag = "bt" + UUID.randomUUID().toString().substring(0, 6);

    @TempDir
    Path tmp;

    private Process build(String name, String run) throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM boxtrace-test/busybox:latest\nRUN " + run + "\n");
        return new ProcessBuilder("env", "DOCKER_BUILDKIT=0", "/usr/bin/docker", "build", "--no-cache", "-q",
                "-t", "boxtrace-it/" + tag + "-" + name, ctx.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static List<String> commands(JsonNode profile) {
        List<String> out = new ArrayList<>();
        for (JsonNode step : profile.get("steps")) {
            collect(step.get("processes"), out);
        }
        return out;
    }

    private static void collect(JsonNode procs, List<String> out) {
        for (JsonNode p : procs) {
            out.add(p.get("args").toString());
            collect(p.get("children"), out);
        }
    }

    @Test
    void profilesEachBuildAndLeavesConcurrentOnesUnmixed() throws Exception {
        Path json = tmp.resolve("profile.json");
        Process attach = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "build", "--attach", "--json", json.toString())).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("attach.log").toFile()).start();
        try {
            Thread.sleep(3000);
            assertThat(build("one", "sleep 0.3 && echo " + tag + "-one").waitFor(120, TimeUnit.SECONDS)).isTrue();
            Process a = build("a", "sleep 0.5 && echo " + tag + "-a");
            Process b = build("b", "sleep 0.5 && echo " + tag + "-b");
            assertThat(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(1500);
        } finally {
            attach.destroy();
            assertThat(attach.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        String log = Files.readString(tmp.resolve("attach.log"));
        assertThat(log).contains("3 build(s) profiled");
        List<String> first = commands(JSON.readTree(Files.readString(tmp.resolve("profile-1.json"))));
        assertThat(first).anyMatch(c -> c.contains(tag + "-one"));
        assertThat(first).contains("[\"sleep\",\"0.3\"]");
        for (int i = 2; i <= 3; i++) {
            List<String> cmds = commands(JSON.readTree(Files.readString(tmp.resolve("profile-" + i + ".json"))));
            boolean hasA = cmds.stream().anyMatch(c -> c.contains(tag + "-a"));
            boolean hasB = cmds.stream().anyMatch(c -> c.contains(tag + "-b"));
            assertThat(hasA && hasB).as("a concurrent build never gets the other's commands").isFalse();
        }
    }
}
