package io.boxtrace.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-place consumer against rings laid out as the kernel lays them out (kernel/bpf/ringbuf.c):
 * headers with BUSY and DISCARD bits, 8-byte alignment, positions that only grow, and the data area
 * mapped twice so a record crossing the end reads contiguously (here: written to both copies).
 */
class RingBufferReaderTest {

    private static final int SIZE = 64;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment consumer = arena.allocate(8, 8);
    private final MemorySegment producer = arena.allocate(8, 8);
    private final MemorySegment data = arena.allocate(2 * SIZE, 8);
    private long producerPos;

    private RingBufferReader reader() {
        return new RingBufferReader(Arena.ofShared(), -1, consumer, producer, data, SIZE, false);
    }

    /** Writes a record at the producer position, as bpf_ringbuf_submit leaves it, into both copies. */
    private void produce(String payload, int flags) {
        byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
        byte[] rec = new byte[8 + bytes.length];
        ByteBuffer.wrap(rec).order(java.nio.ByteOrder.nativeOrder()).putInt(bytes.length | flags);
        System.arraycopy(bytes, 0, rec, 8, bytes.length);
        for (int i = 0; i < rec.length; i++) {
            long at = (producerPos + i) % SIZE;
            data.set(ValueLayout.JAVA_BYTE, at, rec[i]);
            data.set(ValueLayout.JAVA_BYTE, at + SIZE, rec[i]);
        }
        producerPos += (rec.length + 7) & ~7;
        producer.set(ValueLayout.JAVA_LONG, 0, producerPos);
    }

    private static List<String> drain(RingBufferReader r) {
        List<String> got = new ArrayList<>();
        r.consume(b -> {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            got.add(new String(bytes, StandardCharsets.US_ASCII));
        });
        return got;
    }

    @Test
    void readsCommittedRecordsInOrderAndGivesTheirSpaceBack() {
        RingBufferReader r = reader();
        produce("fork", 0);
        produce("exec /bin/true", 0);
        assertEquals(List.of("fork", "exec /bin/true"), drain(r));
        assertEquals(producerPos, consumer.get(ValueLayout.JAVA_LONG, 0));
        assertEquals(List.of(), drain(r));
    }

    @Test
    void stopsAtARecordStillBeingWrittenAndResumesThereOnceCommitted() {
        RingBufferReader r = reader();
        produce("one", 0);
        long busyAt = producerPos;
        produce("two", BUSY);
        produce("three", 0);
        assertEquals(List.of("one"), drain(r));
        assertEquals(busyAt, consumer.get(ValueLayout.JAVA_LONG, 0));
        int header = data.get(ValueLayout.JAVA_INT, busyAt % SIZE);
        data.set(ValueLayout.JAVA_INT, busyAt % SIZE, header & ~BUSY);
        assertEquals(List.of("two", "three"), drain(r));
    }

    @Test
    void skipsDiscardedRecordsButMovesPastThem() {
        RingBufferReader r = reader();
        produce("kept", 0);
        produce("dropped", DISCARD);
        produce("kept too", 0);
        assertEquals(List.of("kept", "kept too"), drain(r));
        assertEquals(producerPos, consumer.get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void aRecordCrossingTheEndOfTheAreaIsReadWhole() {
        RingBufferReader r = reader();
        for (int round = 0; round < 5; round++) {
            produce("0123456789abcdef-" + round, 0); // 8 + 18 bytes → 32 per record, the ring is 64
            produce("x" + round, 0);
            assertEquals(List.of("0123456789abcdef-" + round, "x" + round), drain(r));
        }
        assertEquals(producerPos, consumer.get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void aLengthLargerThanTheRingIsRefusedRatherThanReadPastTheMapping() {
        RingBufferReader r = reader();
        data.set(ValueLayout.JAVA_INT, 0, SIZE * 4);
        producer.set(ValueLayout.JAVA_LONG, 0, 8);
        assertThrows(IllegalStateException.class, () -> drain(r));
    }

    @Test
    void aConsumerThatThrowsDoesNotStopTheReader() {
        RingBufferReader r = reader();
        produce("bad", 0);
        produce("good", 0);
        List<String> got = new ArrayList<>();
        r.consume(b -> {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            String s = new String(bytes, StandardCharsets.US_ASCII);
            if (s.equals("bad")) {
                throw new IllegalArgumentException("cannot decode");
            }
            got.add(s);
        });
        assertEquals(List.of("good"), got);
    }

    @Test
    void wakeEndsAWaitAtOnceSoALongPollTimeoutDoesNotDelayAStop() throws Exception {
        Arena shared = Arena.ofShared(); // the poll runs on another thread
        RingBufferReader r = new RingBufferReader(shared, -1, shared.allocate(8, 8), shared.allocate(8, 8),
                shared.allocate(2 * SIZE, 8), SIZE, false); // fd -1: poll(2) ignores it; only the wake-up fd ends the wait
        var waiting = new java.util.concurrent.CountDownLatch(1);
        var returned = new java.util.concurrent.CountDownLatch(1);
        Thread t = Thread.ofPlatform().daemon(true).start(() -> {
            waiting.countDown();
            r.poll(600_000, b -> { });
            returned.countDown();
        });
        waiting.await();
        Thread.sleep(50); // let it enter poll(2)
        assertEquals(1, returned.getCount(), "nothing to read: the poll waits");
        r.wake();
        assertEquals(true, returned.await(30, java.util.concurrent.TimeUnit.SECONDS), "woken, the poll returned");
        t.join();
        r.close();
    }
}
