package io.boxtrace.render.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimeFormatTest {
    @Test
    void formatsNanosecondsAndCachesSecondsCorrectly() {
        TimeFormat f = new TimeFormat();
        assertThat(f.rfc3339(0)).isEqualTo("1970-01-01T00:00:00.000000000Z");
        assertThat(f.rfc3339(1_795_392_000_000_000_007L)).isEqualTo("2026-11-23T00:00:00.000000007Z");
        assertThat(f.rfc3339(1_795_392_000_999_999_999L)).isEqualTo("2026-11-23T00:00:00.999999999Z");
        assertThat(f.rfc3339(1_795_392_001_000_000_000L)).isEqualTo("2026-11-23T00:00:01.000000000Z");
    }
}
