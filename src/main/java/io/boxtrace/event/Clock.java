package io.boxtrace.event;

import java.time.Instant;

/**
 * Converts the kernel's CLOCK_MONOTONIC nanoseconds into wall time. The offset is measured once at
 * start by sampling both clocks back to back (the JVM's {@link System#nanoTime()} is
 * CLOCK_MONOTONIC on Linux), so conversions are cheap and consistent within a run.
 *
 * <p>Immutable and thread-safe.
 */
public final class Clock {

    private final long wallMinusMonoNs;
    private final long bootMinusMonoNs;

    public Clock(long wallMinusMonoNs, long bootMinusMonoNs) {
        this.wallMinusMonoNs = wallMinusMonoNs;
        this.bootMinusMonoNs = bootMinusMonoNs;
    }

    /** Samples the clocks of this machine. bootMinusMonoNs is time spent suspended (boottime - monotonic). */
    public static Clock system(long bootMinusMonoNs) {
        long best = Long.MAX_VALUE;
        long offset = 0;
        // Take the sample with the tightest bracket so the offset error stays in microseconds.
        for (int i = 0; i < 5; i++) {
            long m1 = System.nanoTime();
            Instant now = Instant.now();
            long m2 = System.nanoTime();
            long wall = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            if (m2 - m1 < best) {
                best = m2 - m1;
                offset = wall - (m1 + (m2 - m1) / 2);
            }
        }
        return new Clock(offset, bootMinusMonoNs);
    }

    /** Wall-clock nanoseconds since the epoch for a CLOCK_MONOTONIC stamp. */
    public long toEpochNs(long monoNs) {
        return monoNs + wallMinusMonoNs;
    }

    public Instant toInstant(long monoNs) {
        long epochNs = toEpochNs(monoNs);
        return Instant.ofEpochSecond(Math.floorDiv(epochNs, 1_000_000_000L), Math.floorMod(epochNs, 1_000_000_000L));
    }

    /** Converts a CLOCK_BOOTTIME stamp (e.g. /proc start times) to CLOCK_MONOTONIC. */
    public long bootToMono(long bootNs) {
        return bootNs - bootMinusMonoNs;
    }

    /** CLOCK_MONOTONIC now. */
    public long nowMono() {
        return System.nanoTime();
    }
}
