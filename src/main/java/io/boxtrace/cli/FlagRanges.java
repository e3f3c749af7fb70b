package io.boxtrace.cli;

/**
 * The one check of a numeric flag's documented range (and of the same setting in the agent's config
 * file): outside it is a usage error (exit 2) naming the flag, the range and the value given, so a
 * 0, a negative number or an overflowed one never turns into a silent default, a port the JDK
 * refuses with a stack trace, or a run that never stops. Stateless.
 */
final class FlagRanges {

    private FlagRanges() {
    }

    static int between(String flag, int value, int lo, int hi) {
        if (value < lo || value > hi) {
            throw BoxtraceException.usage(flag + " must be " + range(lo, hi) + ", not " + value);
        }
        return value;
    }

    /** A finite number of at least lo (NaN and infinities are not percentages). */
    static double finiteAtLeast(String flag, double value, double lo) {
        if (!Double.isFinite(value) || value < lo) {
            throw BoxtraceException.usage(flag + " must be a number of at least " + (long) lo + ", not " + value);
        }
        return value;
    }

    private static String range(int lo, int hi) {
        return hi == Integer.MAX_VALUE ? "at least " + lo : "between " + lo + " and " + hi;
    }
}
