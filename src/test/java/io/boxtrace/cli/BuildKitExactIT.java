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
 * BuildKit steps tied to their executors by facts, not by timing: the executor's root snapshot is a
 * layer of the image its build wrote, its overlay chain, its environment (docs/build.md). Real
 * dockerd 20.10 BuildKit through {@code /usr/bin/docker} with DOCKER_BUILDKIT=1, every case repeated
 * three times.
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

    private Process build(Path context, String image, Path json, String... buildArgs) throws Exception {
        images.add(image);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "build", "--json", json.toString(), "--", "/usr/bin/docker", "build", "--no-cache", "--progress=plain"));
        for (String a : buildArgs) {
            cmd.addAll(List.of("--build-arg", a));
        }
        cmd.addAll(List.of("-t", image, context.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
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

    /**
     * Parallel stages a and b run identical RUN lines told apart only by their ENV and the build's
     * --build-arg; stages c and d run an identical second RUN with the same environment, told apart
     * only by the RUN each builds on; the final stage copies from all four (the case). Each
     * executor's commands show which one it was: {@code sleep 0.<stage><build>}.
     */
    private static final String STAGES = """
            FROM boxtrace-test/busybox:latest AS a
            ARG BUILD
            ENV STAGE=1
            RUN sleep 0.5 && sleep 0.$STAGE$BUILD && echo $STAGE$BUILD > /out
            RUN sleep 0.2 && sleep 0.3$STAGE$BUILD && cat /out
            FROM boxtrace-test/busybox:latest AS b
            ARG BUILD
            ENV STAGE=2
            RUN sleep 0.5 && sleep 0.$STAGE$BUILD && echo $STAGE$BUILD > /out
            RUN sleep 0.2 && sleep 0.3$STAGE$BUILD && cat /out
            FROM boxtrace-test/busybox:latest AS c
            ARG BUILD
            RUN echo 0.31$BUILD > /id && sleep 0.4
            RUN sleep 0.3 && sleep $(cat /id) && true
            FROM boxtrace-test/busybox:latest AS d
            ARG BUILD
            RUN echo 0.32$BUILD > /id && sleep 0.4
            RUN sleep 0.3 && sleep $(cat /id) && true
            FROM boxtrace-test/busybox:latest
            COPY --from=a /out /a
            COPY --from=b /out /b
            COPY --from=c /id /c
            COPY --from=d /id /d
            RUN cat /a /b /c /d && sleep 0.3
            """;

    private static JsonNode stepAt(JsonNode profile, String position) {
        for (JsonNode s : profile.get("steps")) {
            if (s.get("position").asText().equals(position)) {
                return s;
            }
        }
        throw new AssertionError("no step " + position + " in " + profile);
    }

    /** Every argv in a step's command tree. */
    private static List<String> argvs(JsonNode step) {
        List<String> out = new ArrayList<>();
        List<JsonNode> todo = new ArrayList<>();
        step.get("processes").forEach(todo::add);
        while (!todo.isEmpty()) {
            JsonNode n = todo.removeLast();
            out.add(n.get("args").toString());
            n.get("children").forEach(todo::add);
        }
        return out;
    }

    @Test
    void concurrentMultiStageBuildsWithIdenticalStageRunLinesGiveEveryStepItsOwnExecutor() throws Exception {
        Set<String> byFacts = Set.of("image_layer", "layer_chain", "environment");
        for (int rep = 0; rep < 3; rep++) {
            Path ctx = context("st" + rep, STAGES);
            Path j1 = tmp.resolve("st" + rep + "-1.json");
            Path j2 = tmp.resolve("st" + rep + "-2.json");
            Process p1 = build(ctx, tag + "-st1", j1, "BUILD=1");
            Process p2 = build(ctx, tag + "-st2", j2, "BUILD=2");
            List<JsonNode> profiles = List.of(finish(p1, j1), finish(p2, j2));
            Set<String> executors = new HashSet<>();
            int runs = 0;
            for (int build = 1; build <= 2; build++) {
                JsonNode prof = profiles.get(build - 1);
                String what = "rep " + rep + " build " + build + ": " + prof;
                for (int stage = 1; stage <= 2; stage++) {
                    String name = stage == 1 ? "a" : "b";
                    JsonNode first = stepAt(prof, name + " 2/3");
                    JsonNode second = stepAt(prof, name + " 3/3");
                    assertThat(argvs(first)).as(what).contains("[\"sleep\",\"0." + stage + build + "\"]");
                    assertThat(argvs(second)).as(what).contains("[\"sleep\",\"0.3" + stage + build + "\"]");
                    assertThat(first.get("attribution").asText()).as(what).isIn(byFacts);
                    assertThat(second.get("attribution").asText()).as(what).isIn(byFacts);
                }
                for (String name : List.of("c", "d")) {
                    JsonNode first = stepAt(prof, name + " 2/3");
                    JsonNode second = stepAt(prof, name + " 3/3");
                    String id = "0.3" + (name.equals("c") ? 1 : 2) + build;
                    assertThat(firstArgs(first)).as(what).contains("echo 0.3" + (name.equals("c") ? 1 : 2) + "$BUILD");
                    assertThat(argvs(second)).as(what).contains("[\"sleep\",\"" + id + "\"]");
                    assertThat(first.get("attribution").asText()).as(what).isIn(byFacts);
                    assertThat(second.get("attribution").asText()).as(what).isIn(byFacts);
                }
                JsonNode last = stepAt(prof, "stage-4 6/6");
                assertThat(last.get("attribution").asText()).as(what).isEqualTo("image_layer");
                assertThat(argvs(last)).as(what).contains("[\"cat\",\"/a\",\"/b\",\"/c\",\"/d\"]");
                for (JsonNode s : prof.get("steps")) {
                    if (s.get("instruction").asText().startsWith("RUN ")) {
                        executors.add(s.get("container").asText());
                        runs++;
                    }
                }
                assertThat(prof.get("notices").toString()).as(what).doesNotContain("agree on every fact");
            }
            assertThat(runs).isEqualTo(18);
            assertThat(executors).as("each RUN of each build its own executor").hasSize(18);
        }
    }
}
