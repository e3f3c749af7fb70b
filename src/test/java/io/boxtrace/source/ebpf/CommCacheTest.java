package io.boxtrace.source.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CommCacheTest {

    private static ByteBuffer record(ByteOrder order, int offset, byte[] comm, byte padding) {
        ByteBuffer b = ByteBuffer.allocate(offset + 16).order(order);
        for (int i = 0; i < 16; i++) {
            b.put(offset + i, i < comm.length ? comm[i] : padding);
        }
        if (comm.length < 16) {
            b.put(offset + comm.length, (byte) 0);
        }
        return b;
    }

    @Test
    void givesTheSameStringForTheSameNameWhateverFollowsItsNul() {
        CommCache c = new CommCache(16);
        String a = c.get(record(ByteOrder.LITTLE_ENDIAN, 8, "bash".getBytes(StandardCharsets.UTF_8), (byte) 0), 8);
        String b = c.get(record(ByteOrder.LITTLE_ENDIAN, 8, "bash".getBytes(StandardCharsets.UTF_8), (byte) 'x'), 8);
        assertThat(a).isEqualTo("bash").isSameAs(b);
        assertThat(c.get(record(ByteOrder.LITTLE_ENDIAN, 8, "bas".getBytes(StandardCharsets.UTF_8), (byte) 'h'), 8))
                .isEqualTo("bas");
    }

    @Test
    void everyNameDecodesAsTheBytesSayInBothByteOrdersAndUnderEviction() {
        SplittableRandom r = new SplittableRandom(16);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            CommCache c = new CommCache(16);
            for (int i = 0; i < 50_000; i++) {
                // few distinct names (hits) mixed with random bytes of every length (misses, evictions)
                byte[] name = new byte[r.nextInt(17)];
                if (i % 3 == 0) {
                    r.nextBytes(name);
                    for (int k = 0; k < name.length; k++) {
                        name[k] = name[k] == 0 ? 1 : name[k];
                    }
                } else {
                    name = ("w" + r.nextInt(40)).getBytes(StandardCharsets.UTF_8);
                }
                ByteBuffer b = record(order, 4, name, (byte) r.nextInt(256));
                assertThat(c.get(b, 4)).isEqualTo(new String(name, StandardCharsets.UTF_8));
                assertThat(b.order()).isEqualTo(order);
            }
        }
    }

    @Test
    void aRecordTooShortForTheKeyIsStillDecoded() {
        CommCache c = new CommCache(16);
        ByteBuffer b = ByteBuffer.wrap("sh\0".getBytes(StandardCharsets.UTF_8));
        assertThat(c.get(b, 0)).isEqualTo("sh");
    }
}
