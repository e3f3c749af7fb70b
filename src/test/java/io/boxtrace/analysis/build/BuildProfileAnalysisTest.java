package io.boxtrace.analysis.build;

import static io.boxtrace.analysis.build.BuildEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.analysis.build.StepProfile.Attribution;
import io.boxtrace.event.ExecEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The analysis and attribution on event streams shaped like those recorded on this host: pids,
 * cgroups and the runc → runc init → sh chain as bpftrace showed them (docs/build.md).
 */
class BuildProfileAnalysisTest {

    static final String BK_CG = "/docker/buildkit/8tyec75qgp558al0hxj657vlv";
    static final String BK_OTHER = "/docker/buildkit/iz1lylxkgr35dsrxlbtonu9kx";
    static final String RUN1 = "echo step-one && cat /proc/self/cgroup && sleep 0.3";

    private final BuildProfileAnalysis analysis = new BuildProfileAnalysis();
    private final BuildEvents ev = new BuildEvents(analysis);

    /** dockerd forks runc, runc forks runc init on the host, init joins the executor cgroup and execs sh. */
    private void buildKitExecutor(double ms, int runc, int init, String cgroup, String command) {
        ev.fork(ms, 3327, runc);
        ev.exec(ms + 0.5, runc, "runc", "--log", "/var/lib/docker/buildkit/executor/runc-log.json", "run", "x");
        ev.fork(ms + 50, runc, init);
        ev.moveTo(init, cgroup);
        ev.exec(ms + 530, init, "/bin/sh", "-c", command);
    }

    private static BuildProfile assemble(BuildOutputParser parser, BuildProfileAnalysis a, double endMs, int exit) {
        parser.finish(at(endMs));
        return BuildProfileAssembler.assemble(parser.builder(), parser.steps(), a, List.of("docker", "build", "."),
                Instant.EPOCH, at(0), at(endMs), exit);
    }

    @Test
    void buildKitStepGetsItsExecutorsCommandTree() {
        ev.existing(3327, 1, "dockerd", "/");
        BuildOutputParser out = new BuildKitOutputParser();
        out.accept(at(100), "#4 [1/2] FROM docker.io/boxtrace-test/busybox:latest");
        out.accept(at(101), "#4 DONE 0.0s");
        out.accept(at(200), "#5 [2/2] RUN " + RUN1);
        buildKitExecutor(300, 29707, 29747, BK_CG, RUN1);
        ev.fork(831, 29747, 30000);
        ev.exec(832, 30000, "cat", "/proc/self/cgroup");
        ev.exit(833, 30000, 0);
        ev.exec(834, 29747, "sleep", "0.3"); // busybox sh runs the last command of && in place
        ev.exit(1134.5, 29747, 0);
        ev.exit(1140, 29707, 0);
        out.accept(at(1150), "#5 DONE 0.9s");

        BuildProfile p = assemble(out, analysis, 1300, 0);
        assertThat(p.builder()).isEqualTo(Builder.BUILDKIT);
        assertThat(p.steps()).hasSize(2);
        StepProfile run = p.steps().get(1);
        assertThat(run.attribution()).isEqualTo(Attribution.TIMING);
        assertThat(run.containerId()).isEqualTo("8tyec75qgp558al0hxj657vlv");
        assertThat(run.processes()).hasSize(1);
        CommandNode sh = run.processes().getFirst();
        assertThat(sh.pid()).isEqualTo(29747);
        assertThat(sh.args()).containsExactly("/bin/sh", "-c", RUN1);
        // The shell's work starts at its exec in the container: runc init before it is set-up.
        assertThat(sh.startNs()).isEqualTo(at(830));
        assertThat(sh.endNs()).isEqualTo(at(1134.5));
        assertThat(sh.children()).extracting(CommandNode::args)
                .containsExactly(List.of("cat", "/proc/self/cgroup"), List.of("sleep", "0.3"));
        CommandNode cat = sh.children().get(0);
        assertThat(cat.durationNs()).isEqualTo(2_000_000); // fork 831 → exit 833
        assertThat(cat.replacedParent()).isFalse();
        CommandNode sleep = sh.children().get(1);
        assertThat(sleep.replacedParent()).isTrue();
        assertThat(sleep.pid()).isEqualTo(29747);
        assertThat(sleep.durationNs()).isEqualTo(300_500_000);
        assertThat(sleep.exitCode()).isZero();
        // Step start = min(announcement 200, DONE 1150 − 0.9 s = 250); set-up until the sh exec at 830.
        assertThat(run.startNs()).isEqualTo(at(200));
        assertThat(run.setupNs()).isEqualTo(630_000_000);
        assertThat(run.teardownNs()).isEqualTo(15_500_000);
        assertThat(run.endNs()).isEqualTo(at(1150));
        assertThat(p.slowestCommands(1)).extracting(CommandNode::args).containsExactly(List.of("sleep", "0.3"));
    }

    @Test
    void buildKitIgnoresExecutorsOutsideTheWindowAndPrefersTheStepsCommand() {
        ev.existing(3327, 1, "dockerd", "/");
        BuildOutputParser out = new BuildKitOutputParser();
        out.accept(at(200), "#5 [2/2] RUN sleep 0.2");
        // Another build's executor with another command, inside the window, started closer to the vertex.
        buildKitExecutor(210, 41000, 41001, BK_OTHER, "echo other-build");
        ev.exit(745, 41001, 0);
        buildKitExecutor(300, 29707, 29747, BK_CG, "sleep 0.2");
        ev.exit(1030, 29747, 0);
        out.accept(at(1040), "#5 DONE 0.8s");
        // A third executor with the very same command long after our step is done.
        buildKitExecutor(5000, 42000, 42001, "/docker/buildkit/zzzzzzzzzzzzzzzzzzzzzzzzz", "sleep 0.2");
        ev.exit(5800, 42001, 0);

        BuildProfile p = assemble(out, analysis, 1100, 0);
        StepProfile run = p.steps().getFirst();
        assertThat(run.containerId()).isEqualTo("8tyec75qgp558al0hxj657vlv");
        assertThat(run.attribution()).isEqualTo(Attribution.TIMING_AND_COMMAND);
        assertThat(run.processes()).extracting(CommandNode::pid).containsExactly(29747);
    }

    @Test
    void buildKitLeavesAStepOutRatherThanGuessBetweenTwinExecutors() {
        ev.existing(3327, 1, "dockerd", "/");
        BuildOutputParser out = new BuildKitOutputParser();
        out.accept(at(200), "#5 [2/2] RUN sleep 0.2");
        // Two builds run the identical RUN line in two executors started 20 ms apart.
        buildKitExecutor(300, 29707, 29747, BK_CG, "sleep 0.2");
        buildKitExecutor(320, 41000, 41001, BK_OTHER, "sleep 0.2");
        ev.exit(1030, 29747, 0);
        ev.exit(1050, 41001, 0);
        out.accept(at(1060), "#5 DONE 0.8s");

        BuildProfile p = assemble(out, analysis, 1100, 0);
        StepProfile run = p.steps().getFirst();
        assertThat(run.attribution()).isEqualTo(Attribution.AMBIGUOUS);
        assertThat(run.processes()).isEmpty();
        assertThat(p.notices()).anyMatch(n -> n.startsWith("step 2/2 (RUN sleep 0.2): several BuildKit executors"));
    }

    @Test
    void classicTiesStepsByTheRunningInContainerId() {
        String ours = "33fffc3c337ef926736f9175647f39fc8049f305f4f9db62db3980eacd0d300d";
        String theirs = "2a49bc18d2d9b4c5e81e95b5c54cc7c98b857dadf77b00b759cb4a4933d41a92";
        ev.existing(3327, 1, "dockerd", "/");
        ev.existing(900, 1, "containerd-shim", "/");
        BuildOutputParser out = new ClassicOutputParser();
        out.accept(at(10), "Step 1/2 : FROM boxtrace-test/busybox:latest");
        out.accept(at(11), " ---> c0109d37c4ae");
        out.accept(at(12), "Step 2/2 : RUN sleep 1.5");
        out.accept(at(60), " ---> Running in 33fffc3c337e");
        // A concurrent build runs the identical RUN line in its own intermediate container at the same time.
        for (String[] c : new String[][] {{ours, "700", "701"}, {theirs, "800", "801"}}) {
            int runc = Integer.parseInt(c[1]);
            int init = Integer.parseInt(c[2]);
            ev.fork(100, 900, runc);
            ev.exec(101, runc, "runc", "create");
            ev.fork(120, runc, init);
            ev.moveTo(init, "/docker/" + c[0]);
            ev.exec(300, init, "/bin/sh", "-c", "sleep 1.5");
            ev.fork(301, init, init + 1000);
            ev.exec(302, init + 1000, "sleep", "1.5");
            ev.exit(1801, init + 1000, 0);
            ev.exit(1802, init, 0);
        }
        out.accept(at(1850), "Removing intermediate container 33fffc3c337e");
        out.accept(at(1900), " ---> 0c5ca5013cff");
        out.accept(at(1901), "Successfully built 0c5ca5013cff");

        BuildProfile p = assemble(out, analysis, 1950, 0);
        StepProfile run = p.steps().get(1);
        assertThat(run.attribution()).isEqualTo(Attribution.CONTAINER_ID);
        assertThat(run.containerId()).isEqualTo(ours);
        assertThat(run.commands().map(CommandNode::pid)).containsExactly(701, 1701);
        CommandNode sleep = run.processes().getFirst().children().getFirst();
        assertThat(sleep.durationNs()).isEqualTo(1_500_000_000L);
        assertThat(run.setupNs()).isEqualTo(288_000_000L); // Step line at 12 → sh exec at 300
        assertThat(run.teardownNs()).isEqualTo(98_000_000L); // last exit 1802 → result id at 1900
        assertThat(p.steps().getFirst().processes()).isEmpty();
    }

    @Test
    void classicRuncInitIsSetUpAndARacedArgvIsTakenFromTheBuilder() {
        // As recorded with the proc connector: runc init re-execs itself in the container cgroup and
        // exits; the container's init then execs sh, which execs sleep in place within a millisecond,
        // so /proc already showed "sleep 1.5" when the sh exec was read.
        String id = "405f3e7f181f4e15195d6b324c642edada2e2adecdb2b3deede21a1b7867084d";
        ev.existing(900, 1, "containerd-shim", "/");
        BuildOutputParser out = new ClassicOutputParser();
        out.accept(at(146), "Step 2/5 : RUN echo tag && sleep 1.5");
        out.accept(at(147), " ---> Running in 405f3e7f181f");
        ev.fork(200, 900, 18262);
        ev.exec(201, 18262, "runc", "create");
        ev.fork(220, 18262, 18263);
        ev.moveTo(18263, "/docker/" + id);
        ev.exec(221.5, 18263, ExecEvent.ArgvSource.PROC, "runc", "init");
        ev.exec(222.9, 18263, ExecEvent.ArgvSource.PROC, "runc", "init");
        ev.exit(234, 18263, 0);
        ev.fork(240, 18262, 18271);
        ev.moveTo(18271, "/docker/" + id);
        ev.exec(460.2, 18271, ExecEvent.ArgvSource.PROC, "sleep", "1.5");
        ev.exec(461, 18271, ExecEvent.ArgvSource.PROC, "sleep", "1.5");
        ev.exit(1962, 18271, 0);
        out.accept(at(2100), " ---> 0c5ca5013cff");

        BuildProfile p = assemble(out, analysis, 2200, 0);
        StepProfile run = p.steps().getFirst();
        CommandNode sh = run.processes().getFirst();
        assertThat(run.processes()).hasSize(1);
        assertThat(sh.pid()).isEqualTo(18271);
        assertThat(sh.args()).containsExactly("/bin/sh", "-c", "echo tag && sleep 1.5");
        assertThat(sh.argvFromBuilder()).isTrue();
        assertThat(sh.startNs()).isEqualTo(at(460.2));
        CommandNode sleep = sh.children().getFirst();
        assertThat(sleep.args()).containsExactly("sleep", "1.5");
        assertThat(sleep.argvFromBuilder()).isFalse();
        assertThat(sleep.durationNs()).isEqualTo(1_501_000_000L);
        // Set-up runs from the Step line to the first command, runc init included.
        assertThat(run.setupNs()).isEqualTo(314_200_000L);
    }

    @Test
    void podmanTakesOnlyContainersUnderItsOwnProcess() {
        ev.existing(26474, 1, "bash", "/");
        ev.existing(5000, 1, "podman", "/"); // someone else's podman build
        analysis.followClient(26490);
        BuildOutputParser out = new PodmanOutputParser();
        out.accept(at(0), "STEP 1/2: FROM boxtrace-test/busybox:latest");
        out.accept(at(5), "STEP 2/2: RUN sleep 2");
        ev.fork(0, 26474, 26490);
        ev.exec(1, 26490, "podman", "build", ".");
        // The other build's container starts first, in the same window, with the same command.
        ev.fork(50, 5000, 5001);
        ev.moveTo(5001, "/buildah-buildah111");
        ev.exec(60, 5001, "/bin/sh", "-c", "sleep 2");
        ev.exit(2060, 5001, 0);
        // Ours: podman → podman re-exec → runc → runc init → sh, as recorded.
        ev.fork(20, 26490, 26529);
        ev.exec(21, 26529, "/proc/self/exe", "build");
        ev.fork(30, 26529, 26535);
        ev.exec(31, 26535, "runc", "run");
        ev.fork(80, 26535, 26545);
        ev.moveTo(26545, "/buildah-buildah3257199849");
        ev.exec(100, 26545, "/bin/sh", "-c", "sleep 2");
        ev.exit(2100, 26545, 0);
        out.accept(at(2200), "--> 7f331873dc3");

        BuildProfile p = assemble(out, analysis, 2300, 0);
        StepProfile run = p.steps().get(1);
        assertThat(run.attribution()).isEqualTo(Attribution.PROCESS_TREE);
        assertThat(run.containerId()).isEqualTo("buildah-buildah3257199849");
        assertThat(run.processes()).extracting(CommandNode::pid).containsExactly(26545);
        assertThat(run.processes().getFirst().durationNs()).isEqualTo(2_000_000_000L);
    }

    @Test
    void backgroundChildrenAndAFailingCommand() {
        ev.existing(3327, 1, "dockerd", "/");
        BuildOutputParser out = new BuildKitOutputParser();
        String cmd = "sh -c 'sleep 0.4 & echo bg; wait' && ls /nonexistent && echo never";
        out.accept(at(0), "#7 [2/2] RUN " + cmd);
        buildKitExecutor(10, 100, 101, BK_CG, cmd);
        ev.fork(541, 101, 102);
        ev.exec(542, 102, "sh", "-c", "sleep 0.4 & echo bg; wait");
        ev.fork(543, 102, 103);
        ev.exec(544, 103, "sleep", "0.4");
        ev.exit(943, 103, 0);
        ev.exit(944, 102, 0);
        ev.fork(945, 101, 104);
        ev.exitRenamed(948, 104, 1, "ls"); // busybox runs the ls applet in the fork, without exec
        ev.exit(949, 101, 1);
        out.accept(at(960), "#7 ERROR: executor failed running [/bin/sh -c " + cmd + "]: exit code: 1");

        BuildProfile p = assemble(out, analysis, 1000, 1);
        StepProfile run = p.steps().getFirst();
        CommandNode root = run.processes().getFirst();
        assertThat(root.children()).extracting(CommandNode::pid).containsExactly(102, 104);
        CommandNode inner = root.children().getFirst();
        assertThat(inner.children()).extracting(CommandNode::args).containsExactly(List.of("sleep", "0.4"));
        assertThat(inner.children().getFirst().durationNs()).isEqualTo(400_000_000L);
        assertThat(p.failedStep()).contains(run);
        assertThat(BuildProfile.failedCommand(run)).hasValueSatisfying(c -> {
            assertThat(c.pid()).isEqualTo(104);
            assertThat(c.args()).isEmpty();
            assertThat(c.comm()).isEqualTo("ls");
            assertThat(c.argvLost()).isFalse();
            assertThat(c.exitCode()).isEqualTo(1);
        });
        assertThat(run.step().exitCode()).isEqualTo(1);
    }

    @Test
    void cachedStepsHaveNoProcesses() throws Exception {
        BuildOutputParser out = BuildOutputParserTest.parse(BuildOutputParser.detecting(), "buildkit-cached.txt");
        BuildProfile p = BuildProfileAssembler.assemble(out.builder(), out.steps(), analysis, List.of("docker"),
                Instant.EPOCH, 0, 100_000_000, 0);
        assertThat(p.steps()).hasSize(4);
        assertThat(p.steps().subList(1, 4)).allMatch(s -> s.step().cached() && s.processes().isEmpty()
                && s.attribution() == Attribution.NONE);
    }

    @Test
    void unrecognisedOutputStillProfilesEachContainerAndLostArgvIsSaid() {
        ev.existing(3327, 1, "dockerd", "/");
        BuildOutputParser out = BuildOutputParser.detecting();
        out.accept(at(0), "[+] Building 1.0s (5/5) FINISHED");
        buildKitExecutor(10, 100, 101, BK_CG, "true");
        ev.fork(541, 101, 102);
        ev.exec(542, 102, ExecEvent.ArgvSource.GONE, "/bin/true");
        ev.exit(543, 102, 0);
        ev.exit(544, 101, 0);

        BuildProfile p = assemble(out, analysis, 600, 0);
        assertThat(p.builder()).isEqualTo(Builder.UNKNOWN);
        assertThat(p.steps()).hasSize(1);
        assertThat(p.steps().getFirst().attribution()).isEqualTo(Attribution.UNNAMED);
        assertThat(p.steps().getFirst().step().instruction()).as("named from the RUN line the runtime exec'd")
                .isEqualTo("RUN true");
        CommandNode lost = p.steps().getFirst().processes().getFirst().children().getFirst();
        assertThat(lost.argvLost()).isTrue();
        assertThat(lost.comm()).isEqualTo("true");
        assertThat(p.notices()).hasSize(2);
        assertThat(p.notices().get(0)).contains("names no steps");
        assertThat(p.notices().get(1)).startsWith("1 command(s) ended before their argv could be read");
    }

    @Test
    void aStepKnownOnlyByItsContainerIsNamedFromItsFirstProgram() {
        assertThat(BuildProfileAssembler.instructionOf(List.of("/bin/sh", "-c", "make -j2 && echo \"done\"")))
                .isEqualTo("RUN make -j2 && echo \"done\"");
        assertThat(BuildProfileAssembler.instructionOf(List.of("/usr/bin/make", "a \"b\"")))
                .isEqualTo("RUN [\"/usr/bin/make\", \"a \\\"b\\\"\"]");
        assertThat(BuildProfileAssembler.instructionOf(List.of())).isNull();
    }
}
