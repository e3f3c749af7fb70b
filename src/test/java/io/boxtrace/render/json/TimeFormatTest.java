package io.boxtrace.render.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
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

    @Test
    void agreesWithTheJdksFormatterOverTheWholeRangeOfALongOfNanoseconds() {
        DateTimeFormatter jdk = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
        TimeFormat f = new TimeFormat();
        SplittableRandom r = new SplittableRandom(15);
        long t = 1_795_392_000_000_000_000L;
        for (int i = 0; i < 20_000; i++) {
            // mostly close neighbours (the cache's case), sometimes anywhere, before 1970 too
            t = i % 10 == 0 ? r.nextLong() : t + r.nextLong(2_000_000_000L);
            Instant at = Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000_000L), Math.floorMod(t, 1_000_000_000L));
            String expected = jdk.format(at);
            assertThat(f.rfc3339(t)).as("%d", t).isEqualTo(expected);
            int n = f.rfc3339Chars(t);
            assertThat(new String(f.chars(), 0, n)).isEqualTo(expected);
        }
    }
}
