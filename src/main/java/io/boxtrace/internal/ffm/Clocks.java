package io.boxtrace.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** CLOCK_MONOTONIC and CLOCK_BOOTTIME, read back to back, to convert /proc start times. */
public final class Clocks {

    private static final int CLOCK_MONOTONIC = 1;
    private static final int CLOCK_BOOTTIME = 7;

    private Clocks() {
    }

    /**
     * CLOCK_BOOTTIME minus CLOCK_MONOTONIC in ns: the time the machine spent suspended. /proc start
     * times count from boot including suspend; kernel event stamps do not.
     */
    public static long bootMinusMonoNs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            MemorySegment ts = arena.allocate(16, 8);
            long best = Long.MAX_VALUE;
            long offset = 0;
            for (int i = 0; i < 3; i++) {
                long m1 = read(cap, CLOCK_MONOTONIC, ts);
                long b = read(cap, CLOCK_BOOTTIME, ts);
                long m2 = read(cap, CLOCK_MONOTONIC, ts);
                if (m2 - m1 < best) {
                    best = m2 - m1;
                    offset = b - (m1 + (m2 - m1) / 2);
                }
            }
            return offset;
        }
    }

    private static long read(MemorySegment cap, int clock, MemorySegment ts) {
        if (Libc.clockGettime(cap, clock, ts) != 0) {
            throw new IllegalStateException("clock_gettime(" + clock + ") failed: " + Errno.describe(Libc.errno(cap)));
        }
        return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
    }
}
