package io.boxtrace.render.json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * RFC 3339 UTC timestamps with nanoseconds, e.g. {@code 2026-11-23T01:02:03.123456789Z}. Caches the
 * date-and-second prefix because consecutive events mostly share it. Not thread-safe.
 */
public final class TimeFormat {

    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix;

    public String rfc3339(long epochNs) {
        long second = Math.floorDiv(epochNs, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNs, 1_000_000_000L);
        if (second != cachedSecond) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            cachedPrefix = String.format("%04d-%02d-%02dT%02d:%02d:%02d.", t.getYear(), t.getMonthValue(),
                    t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
            cachedSecond = second;
        }
        StringBuilder sb = new StringBuilder(30).append(cachedPrefix);
        String n = Integer.toString(nanos);
        sb.append("000000000", 0, 9 - n.length()).append(n).append('Z');
        return sb.toString();
    }

    /** Local wall time of day with milliseconds, for human output: {@code 01:02:03.123}. */
    public static String timeOfDay(Instant instant, java.time.ZoneId zone) {
        var t = LocalDateTime.ofInstant(instant, zone);
        return String.format("%02d:%02d:%02d.%03d", t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1_000_000);
    }
}
