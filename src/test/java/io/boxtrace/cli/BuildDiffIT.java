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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build diff} on pairs of real profiles of the same Dockerfile built by the real dockerd:
 * one step made slower and a command added (build arguments), one step's cache invalidated, and a
 * profile of another builder.
 */
class BuildDiffIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> IMAGES = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterAll
    static void removeImages() throws Exception {
        for (String image : IMAGES) {
            new ProcessBuilder("docker", "rmi", "-f", image).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Path profile(Path context, String name, String image, boolean buildKit, boolean noCache, String... buildArgs)
            throws Exception {
        Path json = tmp.resolve(name + ".json");
        List<String> cmd = new ArrayList<>(List.of("build", "--source", "ebpf", "--json", json.toString(), "--", "env",
                buildKit ? "DOCKER_BUILDKIT=1" : "DOCKER_BUILDKIT=0", buildKit ? "/usr/bin/docker" : "/usr/local/bin/docker",
                "build"));
        if (buildKit) {
            cmd.add("--progress=plain");
        }
        if (noCache) {
            cmd.add("--no-cache");
        }
        for (String a : buildArgs) {
            cmd.addAll(List.of("--build-arg", a));
        }
        cmd.addAll(List.of("-t", image, context.toString()));
        CliIT.Result r = CliIT.boxtrace(cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return json;
    }

    private static JsonNode step(JsonNode diff, String instructionPrefix) {
        for (JsonNode s : diff.get("steps")) {
            if (s.path("instruction").asText().startsWith(instructionPrefix)) {
                return s;
            }
        }
        throw new AssertionError("no step " + instructionPrefix + " in " + diff);
    }

    @Test
    void slowerStepsAddedCommandsLostCachesAndAnotherBuilder() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String image = "bt-buildres-diff-" + tag;
        IMAGES.add(image);
        Path context = Files.createDirectories(tmp.resolve("ctx"));
        Files.writeString(context.resolve("Dockerfile"), String.join("\n",
                "FROM boxtrace-test/busybox:latest",
                "ARG DELAY=0.2",
                "ARG LIST=a",
                "RUN echo " + tag + " && sleep $DELAY",
                "RUN for x in $LIST; do /bin/true $x; done",
                "ARG BUST=1",
                "RUN echo $BUST", ""));
        Path p1 = profile(context, "p1", image, false, true, "DELAY=0.2", "LIST=a");
        Path p2 = profile(context, "p2", image, false, true, "DELAY=5", "LIST=a b");
        Path p3 = profile(context, "p3", image, false, false, "DELAY=5", "LIST=a b");
        Path p4 = profile(context, "p4", image, false, false, "DELAY=5", "LIST=a b", "BUST=2");

        CliIT.Result slower = CliIT.boxtrace("build", "diff", "--json", p1.toString(), p2.toString());
        assertThat(slower.exit()).as(slower.err()).isZero();
        JsonNode d = JSON.readTree(slower.out());
        assertThat(d.get("old").asText()).isEqualTo(p1.toString());
        // The whole build's wall time moves by seconds on a loaded host: the gate is checked around its own figure.
        double percent = d.get("slower_percent").asDouble();
        assertThat(percent).isCloseTo(100 * (d.get("wall_ms").get("new").asDouble() / d.get("wall_ms").get("old").asDouble() - 1),
                org.assertj.core.data.Offset.offset(0.1));
        JsonNode sleep = step(d, "RUN echo " + tag);
        assertThat(sleep.get("change").asText()).isEqualTo("slower");
        assertThat(sleep.get("wall_ms").get("new").asDouble() - sleep.get("wall_ms").get("old").asDouble()).isGreaterThan(3500);
        assertThat(sleep.get("commands").toString()).as("old profile %s", Files.readString(p1))
                .contains("[\"/bin/sh\",\"-c\",\"echo " + tag + " && sleep $DELAY\"],\"change\":\"slower\"");
        JsonNode loop = step(d, "RUN for x in");
        assertThat(loop.get("commands")).anySatisfy(c -> {
            assertThat(c.get("args").toString()).isEqualTo("[\"/bin/true\",\"b\"]");
            assertThat(c.get("change").asText()).isEqualTo("added");
            assertThat(c.get("wall_ms").has("old")).isFalse();
        });
        assertThat(loop.get("commands").toString()).doesNotContain("[\"/bin/true\",\"a\"]"); // unchanged: not listed

        // On this shared host whole builds move by seconds either way, so the gate is tested on whichever
        // order of the two real profiles came out slower, around its own figure.
        Path slowOld = percent > 0 ? p1 : p2;
        Path slowNew = percent > 0 ? p2 : p1;
        double q = JSON.readTree(CliIT.boxtrace("build", "diff", "--json", slowOld.toString(), slowNew.toString()).out())
                .get("slower_percent").asDouble();
        assertThat(q).isPositive();
        CliIT.Result gate = CliIT.boxtrace("build", "diff", "--fail-if-slower", String.valueOf(q / 2), slowOld.toString(),
                slowNew.toString());
        assertThat(gate.exit()).isEqualTo(1);
        assertThat(gate.err().strip()).startsWith("boxtrace build diff: the build is ").contains("slower than");
        assertThat(gate.out()).contains("RUN echo " + tag);
        assertThat(CliIT.boxtrace("build", "diff", "--fail-if-slower", String.valueOf(q + 1), slowOld.toString(),
                slowNew.toString()).exit()).isZero();

        CliIT.Result cache = CliIT.boxtrace("build", "diff", "--json", p3.toString(), p4.toString());
        JsonNode c = JSON.readTree(cache.out());
        assertThat(step(c, "RUN echo $BUST").get("change").asText()).isEqualTo("cache_lost");
        assertThat(step(c, "RUN echo " + tag).get("change").asText()).isEqualTo("same");

        CliIT.Result md = CliIT.boxtrace("build", "diff", "--markdown", p3.toString(), p4.toString());
        assertThat(md.out()).startsWith("### Build diff: ").contains("| cache_lost | `RUN echo $BUST` |");

        Path kit = profile(context, "kit", image, true, true, "DELAY=0.2", "LIST=a");
        CliIT.Result other = CliIT.boxtrace("build", "diff", "--json", p1.toString(), kit.toString());
        assertThat(other.exit()).as(other.err()).isZero();
        JsonNode o = JSON.readTree(other.out());
        assertThat(o.get("notices").toString()).contains("different builders (classic, buildkit)");
        assertThat(step(o, "RUN echo " + tag).get("change").asText()).isIn("same", "slower", "faster");

        CliIT.Result notAProfile = CliIT.boxtrace("build", "diff", context.resolve("Dockerfile").toString(), p1.toString());
        assertThat(notAProfile.exit()).isEqualTo(1);
        assertThat(notAProfile.err().strip()).startsWith("boxtrace build diff: ").contains("not JSON").doesNotContain("\n");
    }
}
