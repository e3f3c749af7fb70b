package io.boxtrace.render.json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * RFC 3339 UTC timestamps with nanoseconds, e.g. {@code 2026-11-23T01:02:03.123456789Z}. Caches the
 * date-and-second prefix because consecutive events mostly share it. Not thread-safe.
 */
public final class TimeFormat {

    /** Length of every timestamp this writes: {@code yyyy-MM-ddTHH:mm:ss.} (20) + 9 digits + {@code Z}. */
    public static final int LENGTH = 30;
    private static final int PREFIX = 20;

    private long cachedSecond = Long.MIN_VALUE;
    private final char[] buffer = new char[LENGTH];

    public String rfc3339(long epochNs) {
        return new String(buffer, 0, rfc3339Chars(epochNs));
    }

    /**
     * Formats into a buffer this object owns and reuses (valid until the next call), and returns its
     * length: the per-event JSON writer hands it to the generator without making a String. A long
     * of nanoseconds spans the years 1677-2262, so the length is always {@link #LENGTH}.
     */
    public int rfc3339Chars(long epochNs) {
        long second = Math.floorDiv(epochNs, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNs, 1_000_000_000L);
        if (second != cachedSecond) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            String prefix = String.format("%04d-%02d-%02dT%02d:%02d:%02d.", t.getYear(), t.getMonthValue(),
                    t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
            prefix.getChars(0, PREFIX, buffer, 0);
            cachedSecond = second;
        }
        for (int i = PREFIX + 8; i >= PREFIX; i--) {
            buffer[i] = (char) ('0' + nanos % 10);
            nanos /= 10;
        }
        buffer[LENGTH - 1] = 'Z';
        return LENGTH;
    }

    /** The buffer {@link #rfc3339Chars} writes into. */
    public char[] chars() {
        return buffer;
    }

    /** Local wall time of day with milliseconds, for human output: {@code 01:02:03.123}. */
    public static String timeOfDay(Instant instant, java.time.ZoneId zone) {
        var t = LocalDateTime.ofInstant(instant, zone);
        return String.format("%02d:%02d:%02d.%03d", t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1_000_000);
    }
}
