package io.boxtrace.source.ebpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The task names (comm, at most 16 bytes, NUL-padded) of ring-buffer records as Strings, one String
 * per distinct name: a storm's records repeat a handful of names, and decoding each again made a
 * byte array and a String per record. Keyed by the name's bytes themselves (two longs, bytes after
 * the NUL cleared), so a hit is exactly the same bytes; direct-mapped and bounded (a hostile flood
 * of names only evicts). The reader thread only.
 */
final class CommCache {

    private static final int SLOTS = 256;
    private final int maxLength;
    private final long[] low = new long[SLOTS];
    private final long[] high = new long[SLOTS];
    private final String[] names = new String[SLOTS];

    CommCache(int maxLength) {
        if (maxLength > 16) {
            throw new IllegalArgumentException("a comm is at most 16 bytes");
        }
        this.maxLength = maxLength;
    }

    /** The NUL-terminated name at offset (at most maxLength bytes), decoded as UTF-8. */
    String get(ByteBuffer b, int offset) {
        if (offset + 16 > b.limit()) {
            return decode(b, offset, length(b, offset)); // a short record: no key to read
        }
        int n = length(b, offset);
        long lo = b.getLong(offset);
        long hi = b.getLong(offset + 8);
        // keep only the name's own bytes: what follows the NUL is padding, not part of the key
        boolean little = b.order() == ByteOrder.LITTLE_ENDIAN;
        if (n < 8) {
            lo &= firstBytes(n, little);
            hi = 0;
        } else if (n < 16) {
            hi &= firstBytes(n - 8, little);
        }
        int slot = (int) mix(lo, hi) & (SLOTS - 1);
        String cached = names[slot];
        if (cached != null && low[slot] == lo && high[slot] == hi) {
            return cached;
        }
        String name = decode(b, offset, n);
        low[slot] = lo;
        high[slot] = hi;
        names[slot] = name;
        return name;
    }

    /** A mask of the first k bytes of a long read in that order (0 for none). */
    private static long firstBytes(int k, boolean little) {
        if (k == 0) {
            return 0;
        }
        return little ? -1L >>> (64 - 8 * k) : -1L << (64 - 8 * k);
    }

    private int length(ByteBuffer b, int offset) {
        int n = 0;
        while (n < maxLength && offset + n < b.limit() && b.get(offset + n) != 0) {
            n++;
        }
        return n;
    }

    private static String decode(ByteBuffer b, int offset, int n) {
        if (b.hasArray()) {
            return new String(b.array(), b.arrayOffset() + offset, n, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[n];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long mix(long lo, long hi) {
        long h = lo * 0x9E3779B97F4A7C15L + hi;
        return h ^ (h >>> 29) ^ (h >>> 47);
    }
}
