package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsers on output recorded from the real builders on this host (src/test/resources/build). */
class BuildOutputParserTest {

    /** Feeds the fixture one line per millisecond, so times are the line numbers in ms. */
    static BuildOutputParser parse(BuildOutputParser parser, String fixture) throws IOException {
        List<String> lines = lines(fixture);
        long t = 1_000_000;
        for (String l : lines) {
            parser.accept(t, l);
            t += 1_000_000;
        }
        parser.finish(t);
        return parser;
    }

    static List<String> lines(String fixture) throws IOException {
        try (InputStream in = BuildOutputParserTest.class.getResourceAsStream("/build/" + fixture)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void classicStepsWithContainersAndResults() throws IOException {
        BuildOutputParser p = parse(BuildOutputParser.detecting(), "classic-out.txt");
        assertThat(p.builder()).isEqualTo(Builder.CLASSIC);
        List<BuildStep> steps = p.steps();
        assertThat(steps).extracting(BuildStep::position).containsExactly("1/5", "2/5", "3/5", "4/5", "5/5");
        assertThat(steps.get(1).instruction()).isEqualTo("RUN echo step-one-$RANDOM && cat /proc/self/cgroup && sleep 0.3");
        assertThat(steps).extracting(BuildStep::containerId)
                .containsExactly(null, "33fffc3c337e", "df92222ad8a5", "c6fa987f05f5", "2a49bc18d2d9");
        assertThat(steps).noneMatch(BuildStep::cached).noneMatch(BuildStep::failed);
        // Step 2 opens at its Step line and closes at its result id " ---> 0c5ca5013cff" (the daemon's
        // "\r\r\n" after the context upload counts as two line ends, as BufferedReader reads it).
        List<String> lines = lines("classic-out.txt");
        assertThat(steps.get(1).startNs()).isEqualTo((lines.indexOf("Step 2/5 : " + steps.get(1).instruction()) + 1) * 1_000_000L);
        assertThat(steps.get(1).endNs()).isEqualTo((lines.indexOf(" ---> 0c5ca5013cff") + 1) * 1_000_000L);
        assertThat(steps.get(1).isRun()).isTrue();
        assertThat(steps.get(3).isRun()).isFalse();
        assertThat(steps.get(2).runArgv()).containsExactly("/bin/sh", "-c", "sleep 0.2 && echo two > /tmp/two && ls /tmp");
    }

    @Test
    void classicCachedAndFailed() throws IOException {
        List<BuildStep> cached = parse(new ClassicOutputParser(), "classic-cached.txt").steps();
        assertThat(cached).hasSize(5);
        assertThat(cached.subList(1, 5)).allMatch(BuildStep::cached).allMatch(s -> s.containerId() == null);
        assertThat(cached.get(0).cached()).isFalse();

        List<BuildStep> failed = parse(BuildOutputParser.detecting(), "classic-fail.txt").steps();
        assertThat(failed).hasSize(3);
        assertThat(failed.get(2).failed()).isTrue();
        assertThat(failed.get(2).exitCode()).isEqualTo(1);
        assertThat(failed.get(2).containerId()).isEqualTo("3aef2c7fc38d");
        assertThat(failed.get(1).failed()).isFalse();
    }

    @Test
    void buildKitPlainProgress() throws IOException {
        BuildOutputParser p = parse(BuildOutputParser.detecting(), "buildkit-out.txt");
        assertThat(p.builder()).isEqualTo(Builder.BUILDKIT);
        List<BuildStep> steps = p.steps();
        // [internal] vertices and "exporting to image" are not steps; ENV makes no vertex in BuildKit.
        assertThat(steps).extracting(BuildStep::position).containsExactly("1/4", "2/4", "3/4", "4/4");
        assertThat(steps).extracting(BuildStep::vertexId).containsExactly("4", "5", "6", "7");
        assertThat(steps.get(1).instruction()).isEqualTo("RUN echo step-one-$RANDOM && cat /proc/self/cgroup && sleep 0.3");
        assertThat(steps.get(1).digest()).isEqualTo("sha256:3ad87d7985c139ab16d2365f2e916acda2f058603d5239dcf9459f285a3be3e1");
        assertThat(steps.get(1).builderDurationNs()).isEqualTo(900_000_000L);
        assertThat(steps.get(3).builderDurationNs()).isEqualTo(1_000_000_000L);
        assertThat(steps).noneMatch(BuildStep::cached);
    }

    @Test
    void buildKitCachedFailedAndMultiStage() throws IOException {
        List<BuildStep> cached = parse(new BuildKitOutputParser(), "buildkit-cached.txt").steps();
        assertThat(cached.subList(1, 4)).allMatch(BuildStep::cached);

        List<BuildStep> failed = parse(BuildOutputParser.detecting(), "buildkit-fail.txt").steps();
        assertThat(failed).extracting(BuildStep::position).containsExactly("1/4", "2/4", "3/4");
        assertThat(failed.get(0).cached()).isTrue();
        assertThat(failed.get(2).failed()).isTrue();
        assertThat(failed.get(2).exitCode()).isEqualTo(1);
        assertThat(failed.get(2).error()).contains("executor failed running [/bin/sh -c echo failing && false && echo never]");

        List<BuildStep> multi = parse(BuildOutputParser.detecting(), "buildkit-multistage.txt").steps();
        assertThat(multi).extracting(BuildStep::position)
                .containsExactly("b 1/2", "b 2/2", "a 2/2", "stage-2 2/4", "stage-2 3/4", "stage-2 4/4");
        assertThat(multi.get(2).instruction()).isEqualTo("RUN echo a1 && sleep 0.5 && echo a2");
    }

    @Test
    void interleavedVerticesKeepTheirOwnStatus() {
        BuildOutputParser p = new BuildKitOutputParser();
        String[] lines = {"#5 [a 2/2] RUN sleep 1", "#6 [b 2/2] RUN sleep 2", "#5 0.100 out-a", "#6 0.200 out-b",
                "#6 [b 2/2] RUN sleep 2", "#6 ERROR: process \"/bin/sh -c sleep 2\" did not complete successfully: exit code: 137",
                "#5 [a 2/2] RUN sleep 1", "#5 DONE 1.1s", "noise that is not BuildKit", "#7 [internal] load x", "#7 DONE 0.0s"};
        for (int i = 0; i < lines.length; i++) {
            p.accept((i + 1) * 10L, lines[i]);
        }
        p.finish(1000);
        List<BuildStep> steps = p.steps();
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).endNs()).isEqualTo(80);
        assertThat(steps.get(0).failed()).isFalse();
        assertThat(steps.get(1).exitCode()).isEqualTo(137);
        assertThat(steps.get(1).endNs()).isEqualTo(60);
    }

    @Test
    void podmanStepsCacheFailureAndStages() throws IOException {
        BuildOutputParser p = parse(BuildOutputParser.detecting(), "podman-out.txt");
        assertThat(p.builder()).isEqualTo(Builder.PODMAN);
        assertThat(p.steps()).extracting(BuildStep::position).containsExactly("1/5", "2/5", "3/5", "4/5", "5/5");
        assertThat(p.steps().get(4).instruction()).isEqualTo("RUN sh -c 'sleep 0.4 & echo bg; wait' && cat /proc/self/cgroup");

        assertThat(parse(new PodmanOutputParser(), "podman-cached.txt").steps().subList(1, 5)).allMatch(BuildStep::cached);

        List<BuildStep> failed = parse(BuildOutputParser.detecting(), "podman-fail.txt").steps();
        assertThat(failed).hasSize(3);
        assertThat(failed.get(2).exitCode()).isEqualTo(1);
        assertThat(failed.get(2).error()).startsWith("building at STEP \"RUN echo failing");

        List<BuildStep> multi = parse(BuildOutputParser.detecting(), "podman-multistage.txt").steps();
        assertThat(multi).extracting(BuildStep::position)
                .containsExactly("1/3 1/2", "1/3 2/2", "2/3 1/2", "2/3 2/2", "3/3 1/4", "3/3 2/4", "3/3 3/4", "3/3 4/4");
    }

    @Test
    void unknownOutputYieldsNoSteps() {
        BuildOutputParser p = BuildOutputParser.detecting();
        p.accept(1, "some other builder: doing things");
        p.accept(2, "[+] Building 1.2s (3/3) FINISHED");
        p.finish(3);
        assertThat(p.builder()).isEqualTo(Builder.UNKNOWN);
        assertThat(p.recognised()).isFalse();
        assertThat(p.steps()).isEmpty();
    }

    @Test
    void execFormAndOptions() {
        BuildStep exec = new BuildStep(1, "2/2", "RUN [\"/bin/sleep\", \"1\"]", false, 0, 0, null, null, null, -1, null, -1);
        assertThat(exec.runArgv()).containsExactly("/bin/sleep", "1");
        BuildStep mount = new BuildStep(1, "2/2", "RUN --mount=type=cache,target=/c echo hi", false, 0, 0, null, null, null, -1, null, -1);
        assertThat(mount.runArgv()).containsExactly("/bin/sh", "-c", "echo hi");
        BuildStep runner = new BuildStep(1, "2/2", "RUNNER x", false, 0, 0, null, null, null, -1, null, -1);
        assertThat(runner.isRun()).isFalse();
    }

    @Test
    void buildKitNamesTheImageItWrote() {
        BuildOutputParser p = BuildOutputParser.detecting();
        for (String line : java.util.List.of("#1 [internal] load build definition from Dockerfile", "#5 [2/3] RUN sleep 1",
                "#5 DONE 1.1s", "#7 exporting to image",
                "#7 writing image sha256:5a2e38cf528c9c21332273710024e5e433b17b496d3e32c165c50c900a9e2bc3 done")) {
            p.accept(1, line);
        }
        org.assertj.core.api.Assertions.assertThat(p.imageId())
                .isEqualTo("5a2e38cf528c9c21332273710024e5e433b17b496d3e32c165c50c900a9e2bc3");
        org.assertj.core.api.Assertions.assertThat(BuildOutputParser.detecting().imageId()).isNull();
    }
}
