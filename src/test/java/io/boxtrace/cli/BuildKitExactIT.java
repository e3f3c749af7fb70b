package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BuildKit steps tied to their executors by a fact, not by timing: the executor's root snapshot is
 * a layer of the image its build wrote (docs/build.md). Real dockerd 20.10 BuildKit through
 * {@code /usr/bin/docker} with DOCKER_BUILDKIT=1, every case repeated three times.
 */
class BuildKitExactIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "boxtrace-test/busybox:latest";
    private final String tag = "bt-rtbk" + UUID.randomUUID().toString().substring(0, 6);
    private final List<String> images = new ArrayList<>();
    @TempDir
    Path tmp;

    @AfterEach
    void removeImages() throws Exception {
        for (String i : images) {
            new ProcessBuilder("docker", "rmi", "-f", i).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process build(Path context, String image, Path json) throws Exception {
        images.add(image);
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "build", "--json", json.toString(), "--", "/usr/bin/docker", "build", "--no-cache", "--progress=plain",
                "-t", image, context.toString());
        pb.environment().put("DOCKER_BUILDKIT", "1");
        return pb.redirectErrorStream(true).redirectOutput(Files.createTempFile(tmp, "build", ".log").toFile()).start();
    }

    private static JsonNode finish(Process p, Path json) throws Exception {
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return JSON.readTree(Files.readString(json));
    }

    private static JsonNode step(JsonNode profile, String instruction) {
        for (JsonNode s : profile.get("steps")) {
            if (s.get("instruction").asText().equals(instruction)) {
                return s;
            }
        }
        throw new AssertionError("no step " + instruction + " in " + profile);
    }

    private Path context(String name, String dockerfile) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        return dir;
    }

    /** The top-level command of a step: its argv, checked to be this step's own RUN line. */
    private static String firstArgs(JsonNode step) {
        assertThat(step.get("processes")).as(step.toString()).isNotEmpty();
        return step.get("processes").get(0).get("args").toString();
    }

    @Test
    void twoConcurrentBuildsRunningIdenticalRunLinesAreExactEveryTime() throws Exception {
        String run1 = "RUN sleep 1.2 && echo " + tag + "-same";
        String run2 = "RUN sleep 1 && echo " + tag + "-same2";
        for (int rep = 0; rep < 3; rep++) {
            // The identical RUN lines run on different parents: BuildKit merges steps that are the same
            // in everything (same parent snapshot; an ENV difference alone was measured not to keep
            // them apart) into one executor serving both builds, which both profiles then rightly show.
            Path a = context("a" + rep, "FROM " + IMAGE + "\nRUN echo a > /id\n" + run1 + "\n" + run2 + "\n");
            Path b = context("b" + rep, "FROM " + IMAGE + "\nRUN echo b > /id\n" + run1 + "\n" + run2 + "\n");
            Path ja = tmp.resolve("a" + rep + ".json");
            Path jb = tmp.resolve("b" + rep + ".json");
            Process pa = build(a, tag + "-a", ja);
            Process pb = build(b, tag + "-b", jb);
            JsonNode profA = finish(pa, ja);
            JsonNode profB = finish(pb, jb);
            Set<String> executors = new HashSet<>();
            for (JsonNode prof : List.of(profA, profB)) {
                for (String run : List.of(run1, run2)) {
                    JsonNode s = step(prof, run);
                    assertThat(s.get("attribution").asText()).as("rep " + rep + " " + run).isEqualTo("image_layer");
                    assertThat(firstArgs(s)).isEqualTo(JSON.writeValueAsString(List.of("/bin/sh", "-c",
                            run.substring("RUN ".length()))));
                    executors.add(s.get("container").asText());
                }
            }
            assertThat(executors).as("four executors, each in one build's one step: " + profA + "\n" + profB).hasSize(4);
        }
    }

    @Test
    void aParallelMultiStageBuildKeepsEveryRunStepsCommands() throws Exception {
        String dockerfile = "FROM " + IMAGE + " AS a\nRUN sleep 0.5 && echo " + tag + "-a > /a\n"
                + "FROM " + IMAGE + " AS b\nRUN sleep 0.6 && echo " + tag + "-b > /b\n"
                + "FROM " + IMAGE + "\nCOPY --from=a /a /a\nCOPY --from=b /b /b\nRUN cat /a /b && sleep 0.3\n";
        for (int rep = 0; rep < 3; rep++) {
            Path json = tmp.resolve("ms" + rep + ".json");
            JsonNode prof = finish(build(context("ms" + rep, dockerfile), tag + "-ms", json), json);
            JsonNode last = step(prof, "RUN cat /a /b && sleep 0.3");
            assertThat(last.get("attribution").asText()).as("rep " + rep).isEqualTo("image_layer");
            assertThat(last.toString()).contains("[\"cat\",\"/a\",\"/b\"]");
            JsonNode sa = step(prof, "RUN sleep 0.5 && echo " + tag + "-a > /a");
            JsonNode sb = step(prof, "RUN sleep 0.6 && echo " + tag + "-b > /b");
            assertThat(firstArgs(sa)).contains(tag + "-a");
            assertThat(firstArgs(sb)).contains(tag + "-b");
            assertThat(Set.of(sa.get("container").asText(), sb.get("container").asText(), last.get("container").asText()))
                    .hasSize(3);
        }
    }
}
