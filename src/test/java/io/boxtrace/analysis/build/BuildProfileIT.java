package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code boxtrace build} as a user runs it (the packaged jar, as root, proc connector source)
 * against the real dockerd with both builders and against podman, on the local image
 * boxtrace-test/busybox:latest. Every Dockerfile carries a unique tag so no cache of another run
 * (or of another helper's test) can answer for it; commands are sleeps that live long enough for
 * the proc connector to read their argv.
 */
class BuildProfileIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> IMAGES = new ArrayList<>();
    /** Kernel process lifetime against the requested sleep: the bar. */
    private static final double TOLERANCE_MS = 50;

    enum Engine {
        CLASSIC("classic"), BUILDKIT("buildkit");

        final String json;

        Engine(String json) {
            this.json = json;
        }

        List<String> command(Path dir, String image, boolean noCache) {
            List<String> c = new ArrayList<>(this == CLASSIC
                    ? List.of("env", "DOCKER_BUILDKIT=0", "/usr/local/bin/docker", "build")
                    : List.of("env", "DOCKER_BUILDKIT=1", "/usr/bin/docker", "build", "--progress=plain"));
            if (noCache) {
                c.add("--no-cache");
            }
            c.addAll(List.of("-t", image, dir.toString()));
            return c;
        }
    }

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err, JsonNode profile) {
    }

    static Run boxtraceBuild(Path json, List<String> build) throws IOException, InterruptedException {
        return boxtraceBuild("netlink", json, build);
    }

    static Run boxtraceBuild(String source, Path json, List<String> build) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "build", "--source", source, "--json", json.toString(), "--"));
        cmd.addAll(build);
        Path out = Files.createTempFile("bt-build-out", ".txt");
        Path err = Files.createTempFile("bt-build-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("boxtrace build finished").isTrue();
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err),
                Files.exists(json) ? JSON.readTree(json.toFile()) : null);
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private Path dockerfile(String name, String text) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("Dockerfile"), text);
        return dir;
    }

    private static String image(String tag) {
        String image = "boxtrace-it/build-" + tag;
        IMAGES.add(image);
        return image;
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 12);
    }

    @AfterAll
    static void removeImages() throws Exception {
        for (String image : IMAGES) {
            new ProcessBuilder("docker", "rmi", "-f", image).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
            new ProcessBuilder("podman", "rmi", "-f", image).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    static String multiStep(String tag) {
        return "FROM boxtrace-test/busybox:latest\n"
                + "RUN echo " + tag + " && sleep 1.5\n"
                + "RUN sleep 0.3 && sleep 0.2\n"
                + "ENV BOXTRACE_TAG=" + tag + "\n"
                + "RUN sh -c 'sleep 0.6 & sleep 0.2; wait' && sleep 0.1\n";
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void multiStepBuildStepByStepAndCommandByCommand(Engine engine) throws Exception {
        String tag = tag();
        Path json = tmp.resolve("profile.json");
        Run r = boxtraceBuild(json, engine.command(dockerfile("multi", multiStep(tag)), image(tag), true));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode p = r.profile();
        assertThat(p.get("builder").asText()).isEqualTo(engine.json);
        List<JsonNode> runs = runSteps(p);
        assertThat(runs).extracting(s -> s.get("instruction").asText()).containsExactly(
                "RUN echo " + tag + " && sleep 1.5", "RUN sleep 0.3 && sleep 0.2",
                "RUN sh -c 'sleep 0.6 & sleep 0.2; wait' && sleep 0.1");
        assertMultiStepCommands(runs, tag);
        assertThat(r.out()).contains("Build profile (" + engine.json).contains("Slowest commands");
    }

    /** The three RUN steps of {@link #multiStep}, their trees and durations against ground truth. */
    static void assertMultiStepCommands(List<JsonNode> runs, String tag) {
        for (JsonNode s : runs) {
            assertThat(s.get("cached").asBoolean()).isFalse();
            assertThat(s.get("processes")).as(s.toString()).hasSize(1);
            assertThat(s.get("setup_ms").asDouble()).isPositive();
            assertThat(s.get("duration_ms").asDouble()).isGreaterThan(s.get("setup_ms").asDouble());
        }
        // 1: sh -c "echo TAG && sleep 1.5": echo is a shell builtin, sleep replaces the shell (same pid).
        JsonNode sh1 = runs.get(0).get("processes").get(0);
        assertThat(args(sh1)).containsExactly("/bin/sh", "-c", "echo " + tag + " && sleep 1.5");
        JsonNode sleep15 = only(sh1.get("children"));
        assertThat(args(sleep15)).containsExactly("sleep", "1.5");
        assertThat(sleep15.get("replaced_parent").asBoolean()).isTrue();
        assertThat(sleep15.get("pid").asInt()).isEqualTo(sh1.get("pid").asInt());
        assertThat(sleep15.get("duration_ms").asDouble()).isCloseTo(1500, org.assertj.core.data.Offset.offset(TOLERANCE_MS));
        assertThat(sleep15.get("exit_code").asInt()).isZero();
        // 2: a forked sleep 0.3, then sleep 0.2 exec'd in place.
        JsonNode sh2 = runs.get(1).get("processes").get(0);
        List<JsonNode> kids2 = list(sh2.get("children"));
        assertThat(kids2).extracting(BuildProfileIT::args).containsExactly(List.of("sleep", "0.3"), List.of("sleep", "0.2"));
        assertThat(kids2.get(0).has("replaced_parent")).isFalse();
        assertThat(kids2.get(0).get("duration_ms").asDouble()).isCloseTo(300, org.assertj.core.data.Offset.offset(TOLERANCE_MS));
        assertThat(kids2.get(1).get("duration_ms").asDouble()).isCloseTo(200, org.assertj.core.data.Offset.offset(TOLERANCE_MS));
        assertThat(kids2.get(1).get("start").asDouble()).isGreaterThanOrEqualTo(kids2.get(0).get("end").asDouble());
        // 3: an inner shell with a background sleep 0.6 beside sleep 0.2, then sleep 0.1 in place.
        JsonNode sh3 = runs.get(2).get("processes").get(0);
        List<JsonNode> kids3 = list(sh3.get("children"));
        assertThat(kids3).extracting(BuildProfileIT::args).containsExactly(
                List.of("sh", "-c", "sleep 0.6 & sleep 0.2; wait"), List.of("sleep", "0.1"));
        List<JsonNode> inner = list(kids3.get(0).get("children"));
        assertThat(inner).extracting(BuildProfileIT::args).containsExactlyInAnyOrder(List.of("sleep", "0.6"), List.of("sleep", "0.2"));
        JsonNode bg = inner.stream().filter(k -> args(k).contains("0.6")).findFirst().orElseThrow();
        assertThat(bg.get("duration_ms").asDouble()).isCloseTo(600, org.assertj.core.data.Offset.offset(TOLERANCE_MS));
        // The inner shell waited for its background child.
        assertThat(kids3.get(0).get("end").asDouble()).isGreaterThanOrEqualTo(bg.get("end").asDouble());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void ebpfSourceGivesEveryArgvFromTheKernel(Engine engine) throws Exception {
        String tag = tag();
        Path json = tmp.resolve("ebpf.json");
        String dockerfile = multiStep(tag) + "RUN cat /proc/self/cgroup && ls /bin/busybox && sleep 0.1\n";
        Run r = boxtraceBuild("ebpf", json, engine.command(dockerfile("ebpf", dockerfile), image(tag), true));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("events from ebpf");
        List<JsonNode> runs = runSteps(r.profile());
        assertMultiStepCommands(runs.subList(0, 3), tag);
        // Commands that live a millisecond keep their argv too: read in the kernel at exec.
        JsonNode sh = only(runs.get(3).get("processes"));
        assertThat(args(sh)).containsExactly("/bin/sh", "-c", "cat /proc/self/cgroup && ls /bin/busybox && sleep 0.1");
        assertThat(sh.has("args_source")).isFalse();
        // busybox runs NOEXEC applets (ls) in a fork of the shell without exec: the kernel names it only.
        List<JsonNode> kids = list(sh.get("children"));
        assertThat(kids).extracting(BuildProfileIT::args)
                .containsExactly(List.of("cat", "/proc/self/cgroup"), List.of(), List.of("sleep", "0.1"));
        assertThat(kids.get(1).get("comm").asText()).isEqualTo("ls");
        assertThat(kids.get(1).has("argv_lost")).isFalse();
        assertThat(list(sh.get("children")).subList(0, 2)).allMatch(c -> c.get("duration_ms").asDouble() < 50);
        assertThat(r.profile().get("notices")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void failingStepNamesTheCommandAndItsExitCode(Engine engine) throws Exception {
        String tag = tag();
        Path dir = dockerfile("fail", "FROM boxtrace-test/busybox:latest\n"
                + "RUN echo " + tag + " && sleep 0.2\n"
                + "RUN sleep 0.2 && sh -c 'sleep 0.2; exit 3' && sleep 5\n"
                + "RUN echo never-" + tag + "\n");
        Path json = tmp.resolve("fail.json");
        Run r = boxtraceBuild(json, engine.command(dir, image(tag), true));
        assertThat(r.exit()).as("exit status of the build").isNotZero();
        JsonNode p = r.profile();
        assertThat(p.get("exit_code").asInt()).isEqualTo(r.exit());
        List<JsonNode> runs = runSteps(p);
        assertThat(runs).hasSize(2); // the step after the failure never started
        JsonNode failed = runs.get(1);
        assertThat(failed.get("exit_code").asInt()).isEqualTo(3);
        assertThat(failed.get("error").asText()).contains("3");
        JsonNode sh = failed.get("processes").get(0);
        assertThat(sh.get("exit_code").asInt()).isEqualTo(3);
        JsonNode culprit = list(sh.get("children")).stream().filter(k -> args(k).equals(List.of("sh", "-c", "sleep 0.2; exit 3")))
                .findFirst().orElseThrow();
        assertThat(culprit.get("exit_code").asInt()).isEqualTo(3);
        assertThat(list(sh.get("children"))).noneMatch(k -> args(k).equals(List.of("sleep", "5")));
        assertThat(r.out()).contains("Failed step: RUN sleep 0.2 && sh -c 'sleep 0.2; exit 3' && sleep 5")
                .contains("command sh -c 'sleep 0.2; exit 3' exited 3");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void cachedRebuildHasEveryStepCachedAndNoProcesses(Engine engine) throws Exception {
        String tag = tag();
        Path dir = dockerfile("cached", "FROM boxtrace-test/busybox:latest\nRUN echo " + tag + " && sleep 0.2\n"
                + "RUN sleep 0.1\n");
        String image = image(tag);
        Run first = boxtraceBuild(tmp.resolve("first.json"), engine.command(dir, image, false));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(runSteps(first.profile())).allMatch(s -> !s.get("cached").asBoolean() && s.get("processes").size() == 1);
        Run again = boxtraceBuild(tmp.resolve("again.json"), engine.command(dir, image, false));
        assertThat(again.exit()).isZero();
        List<JsonNode> runs = runSteps(again.profile());
        assertThat(runs).hasSize(2).allMatch(s -> s.get("cached").asBoolean() && s.get("processes").isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void twoConcurrentBuildsWithIdenticalRunLinesAreNeverMixed(Engine engine) throws Exception {
        String tag = tag();
        String run = "RUN sleep 6 && sleep 0.5";
        Path a = dockerfile("a", "FROM boxtrace-test/busybox:latest\nENV WHO=a-" + tag + "\n" + run + "\n");
        Path b = dockerfile("b", "FROM boxtrace-test/busybox:latest\nENV WHO=b-" + tag + "\n" + run + "\n");
        Path ja = tmp.resolve("a.json");
        Path jb = tmp.resolve("b.json");
        // Own threads: the common pool has one thread on a 2-CPU host and would run the builds one after the other.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        var fa = pool.submit(() -> boxtraceBuild(ja, engine.command(a, image("a" + tag), true)));
        Thread.sleep(1000); // B's step starts while A's runs: overlapping, but not at the same instant
        var fb = pool.submit(() -> boxtraceBuild(jb, engine.command(b, image("b" + tag), true)));
        pool.shutdown();
        Run ra = fa.get(180, TimeUnit.SECONDS);
        Run rb = fb.get(180, TimeUnit.SECONDS);
        assertThat(ra.exit()).as(ra.err()).isZero();
        assertThat(rb.exit()).as(rb.err()).isZero();
        JsonNode sa = only(runSteps(ra.profile()));
        JsonNode sb = only(runSteps(rb.profile()));
        // Never mixed: no process appears in both profiles, and each has exactly its own step's tree.
        Set<Integer> pa = pids(sa);
        Set<Integer> pb = pids(sb);
        assertThat(pa).as(ra.profile().toString()).isNotEmpty();
        assertThat(pb).as(rb.profile().toString()).isNotEmpty();
        assertThat(pa).doesNotContainAnyElementsOf(pb);
        assertThat(sa.get("container").asText()).isNotEqualTo(sb.get("container").asText());
        for (JsonNode s : List.of(sa, sb)) {
            JsonNode sh = only(s.get("processes"));
            assertThat(list(sh.get("children"))).as(s.toString()).extracting(BuildProfileIT::args)
                    .containsExactly(List.of("sleep", "6"), List.of("sleep", "0.5"));
        }
        // The two steps really overlapped in time.
        long aStart = java.time.Instant.parse(ra.profile().get("started_at").asText()).toEpochMilli();
        long bStart = java.time.Instant.parse(rb.profile().get("started_at").asText()).toEpochMilli();
        double aFrom = aStart + sa.get("start").asDouble(), aTo = aStart + sa.get("end").asDouble();
        double bFrom = bStart + sb.get("start").asDouble(), bTo = bStart + sb.get("end").asDouble();
        assertThat(Math.min(aTo, bTo)).as("the steps overlap").isGreaterThan(Math.max(aFrom, bFrom));
    }

    @Test
    void podmanBuildStepByStepAndCommandByCommand() throws Exception {
        String tag = tag();
        Path dir = dockerfile("podman", multiStep(tag));
        Path json = tmp.resolve("podman.json");
        Run r = boxtraceBuild(json, List.of("podman", "build", "--runtime", "runc", "--ulimit", "nofile=1024:1024",
                "--ulimit", "nproc=1024:1024", "--no-cache", "-t", image(tag), dir.toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode p = r.profile();
        assertThat(p.get("builder").asText()).isEqualTo("podman");
        List<JsonNode> runs = runSteps(p);
        assertThat(runs).allMatch(s -> s.get("attribution").asText().equals("process_tree"));
        assertMultiStepCommands(runs, tag);
    }

    static List<JsonNode> runSteps(JsonNode profile) {
        return list(profile.get("steps")).stream().filter(s -> s.get("instruction").asText().startsWith("RUN ")).toList();
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    static JsonNode only(JsonNode array) {
        assertThat(array).as(array.toString()).hasSize(1);
        return array.get(0);
    }

    static JsonNode only(List<JsonNode> list) {
        assertThat(list).hasSize(1);
        return list.getFirst();
    }

    static List<String> args(JsonNode command) {
        return list(command.get("args")).stream().map(JsonNode::asText).toList();
    }

    static Set<Integer> pids(JsonNode step) {
        Set<Integer> out = new HashSet<>();
        Stream.of(step.get("processes")).flatMap(a -> list(a).stream()).forEach(c -> collect(c, out));
        return out;
    }

    private static void collect(JsonNode c, Set<Integer> out) {
        out.add(c.get("pid").asInt());
        c.get("children").forEach(k -> collect(k, out));
    }
}
