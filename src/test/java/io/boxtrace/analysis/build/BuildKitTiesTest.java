package io.boxtrace.analysis.build;

import static io.boxtrace.analysis.build.BuildEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.analysis.build.StepProfile.Attribution;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tie of BuildKit steps to executors by the facts the executors carry, on traces shaped like
 * those of this host (runc → runc init → /bin/sh -c in {@code /docker/buildkit/<id>}) with each
 * executor's /proc/PID/mountinfo, environ and overlay2 links as fixtures read through {@link RootLayer}.
 * Look-alike executors start within 30 ms of each other, so the window alone cannot tell them apart.
 */
class BuildKitTiesTest {

    private static final String BASE = "014900e55ea0b1a0f244feab0b86889ce47ced89328da8f49b21ac43f0b3a173";
    private static final String OTHER_BASE = "9b2c0d0a6b1e";

    @TempDir
    Path tmp;
    private BuildProfileAnalysis analysis;
    private BuildEvents ev;
    private int nextPid = 20_000;

    private void start() {
        analysis = new BuildProfileAnalysis(new RootLayer(tmp.resolve("proc"), tmp.resolve("host"))::read);
        ev = new BuildEvents(analysis);
        ev.existing(3327, 1, "dockerd", "/");
    }

    /** A snapshot dir's overlay2 link, as dockerd makes one per layer directory. */
    private String link(String dir) throws IOException {
        Path l = Files.createDirectories(tmp.resolve("host/var/lib/docker/overlay2/l"));
        String name = ("L" + dir.toUpperCase() + "XXXXXXXXXXXXXXXXXXXXXXXXXX").substring(0, 26);
        if (!Files.exists(l.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(l.resolve(name), Path.of("../" + dir + "/diff"));
        }
        return "/var/lib/docker/overlay2/l/" + name;
    }

    /**
     * An executor whose first program runs command from ms to endMs on the overlay (upper, lowers
     * newest first) with env: dockerd forks runc, runc forks init, init execs the command.
     */
    private void executor(double ms, double endMs, String id, String command, String upper, List<String> lowers,
                          Map<String, String> env) throws IOException {
        int runc = nextPid++;
        int init = nextPid++;
        Path proc = Files.createDirectories(tmp.resolve("proc").resolve(Integer.toString(init)));
        List<String> links = new ArrayList<>();
        for (String l : lowers) {
            links.add(link(l));
        }
        Files.writeString(proc.resolve("mountinfo"), "110 81 0:40 / / rw,relatime master:3 - overlay overlay rw,lowerdir="
                + String.join(":", links) + ",upperdir=/var/lib/docker/overlay2/" + upper + "/diff,workdir=/var/lib/docker/overlay2/"
                + upper + "/work,uuid=on\n");
        String environ = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\0").collect(Collectors.joining());
        Files.write(proc.resolve("environ"), ("PATH=/bin\0" + environ + "HOME=/root\0").getBytes(StandardCharsets.UTF_8));
        ev.fork(ms, 3327, runc);
        ev.exec(ms + 0.5, runc, "runc", "--log", "/var/lib/docker/buildkit/executor/runc-log.json", "run", id);
        ev.fork(ms + 20, runc, init);
        ev.moveTo(init, "/docker/buildkit/" + id);
        ev.exec(ms + 100, init, "/bin/sh", "-c", command);
        ev.exit(endMs, init, 0);
        ev.exit(endMs + 5, runc, 0);
    }

    /** @param output the builder's lines, each {@code "ms|line"} with the time boxtrace read it */
    private BuildProfile assemble(List<String> output, double endMs, Set<String> imageLayers, String dockerfile,
                                  Map<String, String> buildArgs) {
        BuildOutputParser out = new BuildKitOutputParser();
        for (String line : output) {
            int bar = line.indexOf('|'); // "ms|line": when boxtrace read the line
            out.accept(at(Double.parseDouble(line.substring(0, bar))), line.substring(bar + 1));
        }
        out.finish(at(endMs));
        DockerfileStages stages = dockerfile == null ? DockerfileStages.NONE
                : DockerfileStages.of(Dockerfile.parse("Dockerfile", dockerfile), buildArgs,
                        ref -> ref.equals("boxtrace-test/busybox:latest") ? Optional.of(List.of(BASE))
                                : ref.equals("boxtrace-test/other:1") ? Optional.of(List.of(OTHER_BASE)) : Optional.empty());
        return BuildProfileAssembler.assemble(out.builder(), out.steps(), analysis, List.of("docker", "build", "."),
                Instant.EPOCH, at(0), at(endMs), 0, imageLayers, StepNaming.OUTPUT_ONLY, stages);
    }

    private static StepProfile step(BuildProfile p, String position) {
        return p.steps().stream().filter(s -> s.step().position().equals(position)).findFirst().orElseThrow();
    }

    private static final String PARALLEL = """
            FROM boxtrace-test/busybox:latest AS a
            ARG BUILD
            ENV STAGE=1
            RUN sleep 0.5 && sleep 0.$STAGE$BUILD
            RUN sleep 0.2 && cat /out
            FROM boxtrace-test/busybox:latest AS b
            ARG BUILD
            ENV STAGE=2
            RUN sleep 0.5 && sleep 0.$STAGE$BUILD
            RUN sleep 0.2 && cat /out
            FROM boxtrace-test/busybox:latest
            COPY --from=a /out /a
            COPY --from=b /out /b
            RUN cat /a /b
            """;

    /** What BuildKit printed for one build of PARALLEL: the RUN lines with ARG/ENV values substituted. */
    private static List<String> parallelOutput(int build) {
        return List.of("90|#5 [a 2/3] RUN sleep 0.5 && sleep 0.1" + build, "95|#8 [b 2/3] RUN sleep 0.5 && sleep 0.2" + build,
                "820|#5 DONE 0.7s", "830|#8 DONE 0.7s", "890|#6 [a 3/3] RUN sleep 0.2 && cat /out",
                "895|#9 [b 3/3] RUN sleep 0.2 && cat /out", "1320|#6 DONE 0.4s", "1330|#9 DONE 0.4s",
                "1340|#10 [stage-2 2/4] COPY --from=a /out /a", "1341|#10 DONE 0.0s",
                "1342|#11 [stage-2 3/4] COPY --from=b /out /b", "1343|#11 DONE 0.0s", "1390|#12 [stage-2 4/4] RUN cat /a /b",
                "1740|#12 DONE 0.3s", "1800|#13 writing image sha256:" + "ab".repeat(32) + " done");
    }

    /** Two concurrent builds of PARALLEL (--build-arg BUILD=1 and 2): eight look-alike executors and two finals. */
    private void twoParallelBuilds() throws IOException {
        String first = "sleep 0.5 && sleep 0.$STAGE$BUILD";
        String second = "sleep 0.2 && cat /out";
        int t = 100;
        for (int build = 1; build <= 2; build++) {
            for (int stage = 1; stage <= 2; stage++) {
                Map<String, String> env = Map.of("BUILD", "" + build, "STAGE", "" + stage);
                String u = "u" + stage + build;
                executor(t, t + 700, "x" + stage + build + "aaaaaaaaaaaaaaaaaaaaaaa", first, u, List.of(BASE), env);
                executor(t + 800, t + 1200, "y" + stage + build + "aaaaaaaaaaaaaaaaaaaaaaa", second, "v" + stage + build,
                        List.of(u, BASE), env);
                t += 10;
            }
            executor(1400 + build * 10, 1700 + build * 10, "f" + build + "aaaaaaaaaaaaaaaaaaaaaaaa", "cat /a /b", "f" + build,
                    List.of("cb" + build, "ca" + build, BASE), Map.of());
        }
    }

    @Test
    void concurrentBuildsOfParallelStagesWithIdenticalRunLinesAreEachTiedToTheirOwnExecutors() throws IOException {
        start();
        twoParallelBuilds();
        for (int build = 1; build <= 2; build++) {
            BuildProfile p = assemble(parallelOutput(build), 2100, Set.of("f" + build, "cb" + build, "ca" + build, BASE),
                    PARALLEL, Map.of("BUILD", "" + build));
            for (int stage = 1; stage <= 2; stage++) {
                String name = stage == 1 ? "a" : "b";
                StepProfile first = step(p, name + " 2/3");
                assertThat(first.containerId()).as("build %d stage %s", build, name).startsWith("x" + stage + build);
                assertThat(first.attribution()).isEqualTo(Attribution.ENVIRONMENT);
                StepProfile second = step(p, name + " 3/3");
                assertThat(second.containerId()).startsWith("y" + stage + build);
                // Its first lower layer is the snapshot of the executor tied to the RUN before it.
                assertThat(second.attribution()).isEqualTo(Attribution.LAYER_CHAIN);
            }
            StepProfile last = step(p, "stage-2 4/4");
            assertThat(last.containerId()).startsWith("f" + build);
            assertThat(last.attribution()).isEqualTo(Attribution.IMAGE_LAYER);
            assertThat(p.notices()).isEmpty();
        }
    }

    @Test
    void withoutTheDockerfileTheSameTraceCanOnlyBeLeftAmbiguous() throws IOException {
        start();
        twoParallelBuilds();
        BuildProfile p = assemble(parallelOutput(1), 2100, Set.of("f1", "cb1", "ca1", BASE), null, Map.of());
        assertThat(step(p, "a 2/3").attribution()).isEqualTo(Attribution.AMBIGUOUS);
        assertThat(step(p, "a 2/3").processes()).isEmpty();
        assertThat(step(p, "stage-2 4/4").attribution()).isEqualTo(Attribution.IMAGE_LAYER);
    }

    @Test
    void stagesAlikeInRunLineAndEnvironmentAreToldApartByTheRunTheyBuildOn() throws IOException {
        start();
        String same = "sleep 0.3 && sleep $(cat /id)";
        executor(100, 600, "c1aaaaaaaaaaaaaaaaaaaaaaa", "echo 0.31 > /id && sleep 0.4", "c1", List.of(BASE), Map.of());
        executor(110, 610, "d1aaaaaaaaaaaaaaaaaaaaaaa", "echo 0.32 > /id && sleep 0.4", "d1", List.of(BASE), Map.of());
        executor(700, 1300, "c2aaaaaaaaaaaaaaaaaaaaaaa", same, "c2", List.of("c1", BASE), Map.of());
        executor(705, 1305, "d2aaaaaaaaaaaaaaaaaaaaaaa", same, "d2", List.of("d1", BASE), Map.of());
        String dockerfile = """
                FROM boxtrace-test/busybox:latest AS c
                RUN echo 0.31 > /id && sleep 0.4
                RUN sleep 0.3 && sleep $(cat /id)
                FROM boxtrace-test/busybox:latest AS d
                RUN echo 0.32 > /id && sleep 0.4
                RUN sleep 0.3 && sleep $(cat /id)
                """;
        List<String> output = List.of("90|#5 [c 2/3] RUN echo 0.31 > /id && sleep 0.4", "95|#7 [d 2/3] RUN echo 0.32 > /id && sleep 0.4",
                "620|#5 DONE 0.6s", "625|#7 DONE 0.6s", "690|#6 [c 3/3] RUN " + same, "695|#8 [d 3/3] RUN " + same,
                "1320|#6 DONE 0.7s", "1325|#8 DONE 0.7s");
        BuildProfile p = assemble(output, 1400, Set.of(), dockerfile, Map.of());
        assertThat(step(p, "c 3/3").containerId()).startsWith("c2");
        assertThat(step(p, "d 3/3").containerId()).startsWith("d2");
        assertThat(step(p, "c 3/3").attribution()).isEqualTo(Attribution.LAYER_CHAIN);
        assertThat(step(p, "d 3/3").attribution()).isEqualTo(Attribution.LAYER_CHAIN);
        // And the later steps, tied, pin the executors they build on.
        assertThat(step(p, "c 2/3").containerId()).startsWith("c1");
        assertThat(step(p, "c 2/3").attribution()).isEqualTo(Attribution.LAYER_CHAIN);
        assertThat(step(p, "d 2/3").containerId()).startsWith("d1");
    }

    private static final String COPIED = """
            FROM boxtrace-test/busybox:latest AS a
            COPY src /src
            RUN make
            ARG BUILD
            RUN pack
            FROM boxtrace-test/busybox:latest
            COPY --from=a /src /src
            """;

    private static List<String> copiedOutput() {
        return List.of("50|#5 [a 2/4] COPY src /src", "51|#5 DONE 0.0s", "90|#6 [a 3/4] RUN make", "620|#6 DONE 0.5s",
                "690|#7 [a 4/4] RUN pack", "1220|#7 DONE 0.5s");
    }

    /** Two builds whose contexts differ: same RUN make, same environment, only the COPY below differs. */
    private void twoCopiedBuilds(boolean withPack) throws IOException {
        executor(100, 600, "m1aaaaaaaaaaaaaaaaaaaaaaa", "make", "m1", List.of("copy1", BASE), Map.of());
        executor(110, 610, "m2aaaaaaaaaaaaaaaaaaaaaaa", "make", "m2", List.of("copy2", BASE), Map.of());
        if (withPack) {
            executor(700, 1200, "p1aaaaaaaaaaaaaaaaaaaaaaa", "pack", "p1", List.of("m1", "copy1", BASE), Map.of("BUILD", "1"));
            executor(705, 1205, "p2aaaaaaaaaaaaaaaaaaaaaaa", "pack", "p2", List.of("m2", "copy2", BASE), Map.of("BUILD", "2"));
        }
    }

    @Test
    void aLaterStepTiedByItsEnvironmentPinsTheRunItBuildsOnAcrossAnArgLine() throws IOException {
        start();
        twoCopiedBuilds(true);
        BuildProfile p = assemble(copiedOutput(), 1300, Set.of(), COPIED, Map.of("BUILD", "2"));
        assertThat(step(p, "a 4/4").containerId()).startsWith("p2");
        assertThat(step(p, "a 4/4").attribution()).isEqualTo(Attribution.ENVIRONMENT);
        assertThat(step(p, "a 3/4").containerId()).startsWith("m2");
        assertThat(step(p, "a 3/4").attribution()).isEqualTo(Attribution.LAYER_CHAIN);
    }

    @Test
    void executorsAlikeInEveryFactStayAmbiguousAndTheNoticeSaysSo() throws IOException {
        start();
        twoCopiedBuilds(false);
        BuildProfile p = assemble(copiedOutput().subList(0, 4),
                700, Set.of(), COPIED, Map.of("BUILD", "2"));
        assertThat(step(p, "a 3/4").attribution()).isEqualTo(Attribution.AMBIGUOUS);
        assertThat(step(p, "a 3/4").processes()).isEmpty();
        assertThat(p.notices()).anyMatch(n -> n.contains("agree on every fact boxtrace has of the step"));
    }

    @Test
    void stagesOnDifferentBaseImagesAreToldApartByTheirLowestLayers() throws IOException {
        start();
        executor(100, 600, "o1aaaaaaaaaaaaaaaaaaaaaaa", "make", "o1", List.of(OTHER_BASE), Map.of());
        executor(105, 605, "b1aaaaaaaaaaaaaaaaaaaaaaa", "make", "b1", List.of(BASE), Map.of());
        String dockerfile = "FROM boxtrace-test/other:1 AS o\nRUN make\nFROM boxtrace-test/busybox:latest AS b\nRUN make\n";
        BuildProfile p = assemble(List.of("90|#5 [o 2/2] RUN make", "92|#6 [b 2/2] RUN make", "620|#5 DONE 0.5s", "622|#6 DONE 0.5s"),
                700, Set.of(), dockerfile, Map.of());
        assertThat(step(p, "o 2/2").containerId()).startsWith("o1");
        assertThat(step(p, "b 2/2").containerId()).startsWith("b1");
        assertThat(step(p, "o 2/2").attribution()).isEqualTo(Attribution.LAYER_CHAIN);
    }

    @Test
    void whenEveryExecutorContradictsTheDockerfileTheReadingIsDistrustedNotTheExecutors() throws IOException {
        start();
        executor(100, 600, "e1aaaaaaaaaaaaaaaaaaaaaaa", "make", "e1", List.of(BASE), Map.of("STAGE", "x"));
        String dockerfile = "FROM boxtrace-test/busybox:latest\nENV STAGE=y\nRUN make\n";
        BuildProfile p = assemble(List.of("90|#5 [2/2] RUN make", "620|#5 DONE 0.5s"), 700, Set.of(), dockerfile, Map.of());
        assertThat(step(p, "2/2").containerId()).startsWith("e1");
        assertThat(step(p, "2/2").attribution()).isEqualTo(Attribution.TIMING);
    }

    @Test
    void theWindowMatchesTheRunLineAsWrittenNotAsBuildKitPrintsIt() throws IOException {
        start();
        // BuildKit prints `RUN sleep $D` as `RUN sleep 0.5`; the executor runs `sleep $D`. Another build's
        // executor with another command starts 5 ms apart.
        executor(100, 700, "r1aaaaaaaaaaaaaaaaaaaaaaa", "sleep $D", "r1", List.of(BASE), Map.of("D", "0.5"));
        executor(105, 705, "o1aaaaaaaaaaaaaaaaaaaaaaa", "make other", "o1", List.of(BASE), Map.of());
        String dockerfile = "FROM boxtrace-test/busybox:latest\nARG D=0.5\nRUN sleep $D\n";
        List<String> output = List.of("90|#5 [2/2] RUN sleep 0.5", "720|#5 DONE 0.6s");
        BuildProfile p = assemble(output, 800, Set.of(), dockerfile, Map.of());
        assertThat(step(p, "2/2").containerId()).startsWith("r1");
        assertThat(step(p, "2/2").attribution()).isEqualTo(Attribution.TIMING_AND_COMMAND);
        BuildProfile blind = assemble(output, 800, Set.of(), null, Map.of());
        assertThat(step(blind, "2/2").attribution()).isEqualTo(Attribution.AMBIGUOUS);
    }
}
