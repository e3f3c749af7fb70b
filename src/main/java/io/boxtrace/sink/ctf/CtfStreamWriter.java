package io.boxtrace.sink.ctf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Writes one CTF stream file as a sequence of self-contained packets (header, context, events;
 * layout in {@link CtfMetadata}). A packet is written whenever it reaches {@link #PACKET_BYTES} or
 * on {@link #flushPacket}, so a trace cut off by a crash holds every packet written before it.
 * Timestamps must not decrease within a CTF stream; an event stamped earlier than the one before
 * it (sources may deliver a few microseconds out of order) is written at the previous stamp.
 *
 * <p>Not thread-safe.
 */
final class CtfStreamWriter {

    static final int PACKET_BYTES = 1 << 16;
    private static final int HEADER_BYTES = 4 + 16 + 4 + 8;
    private static final int CONTEXT_BYTES = 8 * 6 + 4;

    private final FileChannel file;
    private final byte[] uuid = new byte[16];
    private final ByteBuffer events = ByteBuffer.allocate(PACKET_BYTES + 8192).order(ByteOrder.LITTLE_ENDIAN);
    private long firstTs = -1;
    private long lastTs;
    private long seq;
    private long discarded;
    private long written;

    CtfStreamWriter(FileChannel file, UUID id) {
        this.file = file;
        ByteBuffer.wrap(uuid).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }

    /** Starts an event: header with its id and timestamp; the caller then writes the fields. */
    ByteBuffer event(int id, long timeNs) throws IOException {
        if (events.position() > PACKET_BYTES) {
            flushPacket();
        }
        long ts = Math.max(timeNs, lastTs);
        if (firstTs < 0) {
            firstTs = ts;
        }
        lastTs = ts;
        written++;
        return events.putInt(id).putLong(ts);
    }

    static void putComm(ByteBuffer b, String comm) {
        byte[] s = comm == null ? new byte[0] : comm.getBytes(StandardCharsets.UTF_8);
        byte[] fixed = new byte[16];
        System.arraycopy(s, 0, fixed, 0, Math.min(s.length, 15));
        b.put(fixed);
    }

    static void putString(ByteBuffer b, String s) {
        byte[] bytes = (s == null ? "" : s).replace('\0', '?').getBytes(StandardCharsets.UTF_8);
        b.put(bytes, 0, Math.min(bytes.length, 4095)).put((byte) 0);
    }

    /** Counts events the source lost: CTF readers report the increase as discarded events. */
    void discarded(long count) {
        discarded += count;
    }

    long eventsWritten() {
        return written;
    }

    void flushPacket() throws IOException {
        if (events.position() == 0) {
            return;
        }
        int size = HEADER_BYTES + CONTEXT_BYTES + events.position();
        ByteBuffer p = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        p.putInt(CtfMetadata.MAGIC).put(uuid).putInt(0).putLong(0);
        p.putLong(firstTs).putLong(lastTs).putLong(size * 8L).putLong(size * 8L).putLong(seq++).putLong(discarded)
                .putInt(0);
        p.put(events.flip());
        p.flip();
        while (p.hasRemaining()) {
            file.write(p);
        }
        events.clear();
        firstTs = -1;
    }
}
