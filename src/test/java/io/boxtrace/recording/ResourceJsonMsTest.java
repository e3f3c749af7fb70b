package io.boxtrace.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResourceJsonMsTest {

    @Test
    void writesPlainDecimalsWithoutTrailingZeros() {
        assertThat(msText(0)).isEqualTo("0.0");
        assertThat(msText(500)).isEqualTo("0.0005");
        assertThat(msText(1_000_000)).isEqualTo("1.0");
        assertThat(msText(8_002_222_664L)).isEqualTo("8002.222664");
        assertThat(msText(-1_500_000)).isEqualTo("-1.5");
        assertThat(msText(36_000_000_000_000L)).isEqualTo("36000000.0");
    }

    @Test
    void everyTextReadsBackAsTheDoubleADivisionGives() {
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < 100_000; i++) {
            long ns = switch (i % 3) {
                case 0 -> r.nextLong(1_000_000L);
                case 1 -> r.nextLong(1L << 40);
                default -> r.nextLong(1L << 53) - (1L << 52);
            };
            assertThat(Double.parseDouble(msText(ns))).as("%d", ns).isEqualTo(ns / 1e6);
        }
    }

    private static String msText(long ns) {
        char[] text = new char[ResourceJson.MS_CHARS];
        return new String(text, 0, ResourceJson.msChars(ns, text));
    }
}
