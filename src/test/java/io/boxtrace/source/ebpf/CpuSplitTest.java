package io.boxtrace.source.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuSplitTest {

    @Test
    void theSchedulersTotalIsSplitByTheTickSamplesRatio() {
        assertThat(CpuSplit.split(1_000_000_000L, 30_000_000L, 10_000_000L)).containsExactly(750_000_000L, 250_000_000L);
    }

    @Test
    void withoutSamplesOnOneSideTheOtherTakesEverything() {
        assertThat(CpuSplit.split(5_000_000L, 0, 0)).containsExactly(5_000_000L, 0L);
        assertThat(CpuSplit.split(5_000_000L, 0, 4_000_000L)).containsExactly(0L, 5_000_000L);
        assertThat(CpuSplit.split(5_000_000L, 4_000_000L, 0)).containsExactly(5_000_000L, 0L);
    }
}
