package io.boxtrace.analysis.builddiff;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.analysis.builddiff.BuildDiffReport.Change;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching and classification rules of build diff on small profiles. */
class BuildDiffTest {

    static ProfileDocument.Step step(String instruction, boolean cached, double ms, ProfileDocument.Command... cmds) {
        return new ProfileDocument.Step(instruction, cached, ms, null, null, List.of(cmds));
    }

    static ProfileDocument.Command cmd(double ms, String... args) {
        return new ProfileDocument.Command(List.of(args), ms, null, null);
    }

    @Test
    void argvDifferingOnlyInTempPathsHashesAndPidsIsTheSameCommand() {
        assertThat(ArgvNormaliser.key(List.of("cp", "/tmp/tmp.Xa81kQ/out", "/proc/123/fd", "sha256:0123456789abcdef0123")))
                .isEqualTo(ArgvNormaliser.key(List.of("cp", "/tmp/tmp.Zz00pp/out", "/proc/99/fd", "sha256:fedcba9876543210fedc")));
        assertThat(ArgvNormaliser.key(List.of("dd", "count=50000"))).isNotEqualTo(ArgvNormaliser.key(List.of("dd", "count=40000")));
    }

    @Test
    void stepsAreMatchedByInstructionAndClassified() {
        ProfileDocument before = new ProfileDocument("classic", 3000, List.of(
                step("FROM busybox", false, 10),
                step("RUN make", false, 1000, cmd(900, "make"), cmd(100, "cc", "-c", "a.c")),
                step("RUN npm ci", true, 5),
                step("RUN   old step", false, 200)));
        ProfileDocument after = new ProfileDocument("classic", 4500, List.of(
                step("FROM busybox", false, 12),
                step("RUN make", false, 2000, cmd(1800, "make"), cmd(100, "cc", "-c", "a.c"), cmd(100, "cc", "-c", "b.c")),
                step("RUN npm ci", false, 1500),
                step("RUN new step", false, 300)));
        BuildDiffReport r = BuildDiff.compare("a.json", before, "b.json", after);
        assertThat(r.slowerPercent()).isEqualTo(50.0);
        assertThat(r.steps()).extracting(BuildDiffReport.StepDiff::change)
                .containsExactly(Change.SAME, Change.SLOWER, Change.CACHE_LOST, Change.ADDED, Change.REMOVED);
        BuildDiffReport.StepDiff make = r.steps().get(1);
        assertThat(make.commands()).extracting(BuildDiffReport.CommandDiff::change)
                .containsExactly(Change.SLOWER, Change.SAME, Change.ADDED);
        assertThat(make.commands().get(2).wallMs().oldValue()).isNull();
        assertThat(r.notices()).isEmpty();
    }

    @Test
    void smallChangesAreTheSameAndOtherBuildersAreStated() {
        assertThat(BuildDiff.timing(1000, 1080)).isEqualTo(Change.SAME);
        assertThat(BuildDiff.timing(100, 140)).as("under 50 ms").isEqualTo(Change.SAME);
        assertThat(BuildDiff.timing(1000, 800)).isEqualTo(Change.FASTER);
        BuildDiffReport r = BuildDiff.compare("a", new ProfileDocument("classic", 1, List.of()), "b",
                new ProfileDocument("buildkit", 1, List.of()));
        assertThat(r.notices()).anyMatch(n -> n.contains("different builders (classic, buildkit)"));
    }
}
