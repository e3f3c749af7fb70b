package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UidMapTest {

    @Test
    void rootlessMappingAsTheKernelPrintsItRoundTripsThroughTheLabel() {
        UidMap m = UidMap.parse("         0       1001          1\n         1     100000      65536\n").orElseThrow();
        assertThat(m.inside(1001)).isZero();
        assertThat(m.inside(100041)).isEqualTo(42);
        assertThat(m.inside(165536)).isEqualTo(-1);
        assertThat(UidMap.parse(m.label())).contains(m);
    }

    @Test
    void theHostsIdentityMappingAndGarbageAreNoMapping() {
        assertThat(UidMap.parse("         0          0 4294967295\n")).isEmpty();
        assertThat(UidMap.parse("0 x 1")).isEmpty();
        assertThat(UidMap.parse("")).isEmpty();
        assertThat(UidMap.parse(null)).isEmpty();
    }
}
