package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ProcessResources;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Step totals and the verdict rules of docs/build.md on commands with known figures. */
class StepResourcesTest {

    private static final long MS = 1_000_000L;

    static ProcessResources res(long cpuMs, long rssKb, long read, long write, long runqMs) {
        return new ProcessResources(cpuMs * MS, 0, rssKb, read, write, 1, 1, runqMs * MS, ProcessResources.Source.KERNEL);
    }

    static CommandNode cmd(int pid, long startMs, long endMs, ProcessResources r, CommandNode... kids) {
        return new CommandNode(pid, List.of("x"), false, "x", startMs * MS, endMs * MS, 0, 0, false, List.of(kids), false, r);
    }

    @Test
    void aStepThatComputedIsCpuBoundAndCarriesItsSums() {
        CommandNode child = cmd(2, 10, 1000, res(900, 2048, 0, 4096, 30));
        CommandNode sh = cmd(1, 0, 1010, res(5, 1024, 8192, 0, 1), child);
        StepResources r = StepResources.of(sh.flatten().toList(), null);
        assertThat(r.cpuNs()).isEqualTo(905 * MS);
        assertThat(r.readBytes()).isEqualTo(8192);
        assertThat(r.writeBytes()).isEqualTo(4096);
        assertThat(r.peakMemoryBytes()).as("both alive at once").isEqualTo(3072L * 1024);
        assertThat(r.busyNs()).isEqualTo(1010 * MS);
        assertThat(r.verdict()).isEqualTo(StepResources.Verdict.CPU);
        assertThat(sh.childrenCpuNs()).isEqualTo(900 * MS);
    }

    @Test
    void waitingIoAndMemoryByTheirRules() {
        CommandNode sleep = cmd(1, 0, 1000, res(2, 500, 0, 0, 0));
        assertThat(StepResources.of(List.of(sleep), null).verdict()).isEqualTo(StepResources.Verdict.WAITING);
        CommandNode dd = cmd(1, 0, 1000, res(100, 1500, 0, 64L << 20, 0));
        assertThat(StepResources.of(List.of(dd), null).verdict()).isEqualTo(StepResources.Verdict.IO);
        StepResources.Pressure stalled = new StepResources.Pressure(0, 300 * MS, 0);
        assertThat(StepResources.of(List.of(dd), stalled).verdict()).isEqualTo(StepResources.Verdict.MEMORY);
        // Waiting for a CPU on a busy host counts as wanting CPU.
        CommandNode starved = cmd(1, 0, 1000, res(200, 500, 0, 0, 400));
        assertThat(StepResources.of(List.of(starved), null).verdict()).isEqualTo(StepResources.Verdict.CPU);
    }

    @Test
    void processesOneAfterTheOtherDoNotAddTheirPeaks() {
        CommandNode a = cmd(1, 0, 100, res(1, 1000, 0, 0, 0));
        CommandNode b = cmd(2, 100, 200, res(1, 3000, 0, 0, 0));
        assertThat(StepResources.of(List.of(a, b), null).peakMemoryBytes()).isEqualTo(3000L * 1024);
    }

    @Test
    void withoutFiguresNothingIsClaimed() {
        CommandNode unknown = cmd(1, 0, 1000, null);
        StepResources r = StepResources.of(List.of(unknown), null);
        assertThat(r.cpuNs()).isEqualTo(ProcessResources.UNKNOWN);
        assertThat(r.peakMemoryBytes()).isEqualTo(ProcessResources.UNKNOWN);
        assertThat(r.verdict()).isNull();
        assertThat(unknown.childrenCpuNs()).isEqualTo(ProcessResources.UNKNOWN);
    }
}
