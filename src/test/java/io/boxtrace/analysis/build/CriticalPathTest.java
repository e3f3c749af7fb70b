package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The critical path through overlapping steps, as BuildKit's parallel stages produce them. */
class CriticalPathTest {

    private static final long MS = 1_000_000L;

    static StepProfile step(int index, long startMs, long endMs, boolean cached) {
        BuildStep b = new BuildStep(index, null, "RUN step" + index, cached, startMs * MS, endMs * MS, null, null, null, -1,
                null, -1);
        return new StepProfile(b, startMs * MS, endMs * MS, 0, 0, null, StepProfile.Attribution.NONE, List.of());
    }

    @Test
    void theLongerOfTwoParallelStagesIsOnThePathAndTheShorterIsNot() {
        // stage a: 1 (0-1000); stage b: 2 (0-3000); final: 3 (3000-4000) after both; 4 cached.
        StepProfile a = step(1, 0, 1000, false);
        StepProfile b = step(2, 0, 3000, false);
        StepProfile fin = step(3, 3000, 4000, false);
        CriticalPath cp = CriticalPath.of(List.of(a, b, fin, step(4, 0, 0, true)));
        assertThat(cp.steps()).containsExactly(b, fin);
        assertThat(cp.totalNs()).isEqualTo(4000 * MS);
        // Without b, the final step could have started when a ended: 2 s sooner, not b's 3 s.
        assertThat(cp.savings()).first().satisfies(s -> {
            assertThat(s.step()).isSameAs(b);
            assertThat(s.soonerNs()).isEqualTo(2000 * MS);
        });
        assertThat(cp.savings().get(1).step()).isSameAs(fin);
        assertThat(cp.savings().get(1).soonerNs()).isEqualTo(1000 * MS);
    }

    @Test
    void aSequentialBuildIsAllOnePath() {
        List<StepProfile> steps = List.of(step(1, 0, 100, false), step(2, 110, 500, false), step(3, 520, 600, false));
        assertThat(CriticalPath.of(steps).steps()).containsExactlyElementsOf(steps);
    }

    static CommandNode cmd(int pid, String arg, long startMs, long endMs, CommandNode... children) {
        return new CommandNode(pid, List.of("sh", arg), false, "sh", startMs * MS, endMs * MS, 0, 0, false, List.of(children));
    }

    static StepProfile stepWith(CommandNode... roots) {
        BuildStep b = new BuildStep(1, "1/1", "RUN x", false, 0, 5000 * MS, null, null, null, -1, null, -1);
        return new StepProfile(b, 0, 5000 * MS, 0, 0, "c", StepProfile.Attribution.CONTAINER_ID, List.of(roots));
    }

    @Test
    void insideAStepTheChainFollowsTheChildEachCommandWaitedFor() {
        CommandNode fast = cmd(11, "fast", 100, 1000);
        CommandNode slowest = cmd(13, "slowest", 200, 2900);
        CommandNode slow = cmd(12, "slow", 150, 2950, slowest);
        CommandNode shell = cmd(10, "shell", 50, 2990, fast, slow);
        assertThat(CriticalPath.commandChain(stepWith(shell))).containsExactly(shell, slow, slowest);
    }

    @Test
    void aCommandThatWorkedOnAfterItsChildrenEndsTheChain() {
        CommandNode child = cmd(21, "child", 100, 1000);
        CommandNode busy = cmd(20, "busy", 50, 3000, child); // 2 s of its own after the child ended
        CommandNode earlier = cmd(30, "earlier", 10, 500);
        assertThat(CriticalPath.commandChain(stepWith(earlier, busy))).containsExactly(busy);
        CriticalPath cp = CriticalPath.of(List.of(stepWith(earlier, busy)));
        assertThat(cp.containsCommand(busy)).isTrue();
        assertThat(cp.containsCommand(child)).isFalse();
    }
}
