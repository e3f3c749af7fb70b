package io.boxtrace.render.console;

/** Human durations: 850 µs, 12.3 ms, 1.503 s, 2m03s. */
public final class Durations {

    private Durations() {
    }

    public static String human(long ns) {
        if (ns < 1_000_000) {
            return (ns / 1000) + " µs";
        }
        if (ns < 1_000_000_000L) {
            return String.format("%.1f ms", ns / 1e6);
        }
        if (ns < 60_000_000_000L) {
            return String.format("%.3f s", ns / 1e9);
        }
        long s = ns / 1_000_000_000L;
        return String.format("%dm%02ds", s / 60, s % 60);
    }
}
