package io.boxtrace.recording;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Numbers of a recording line, read strictly. Jackson's {@code asInt()} turns {@code "pid":"x"} into 0
 * and {@code 2^40} into its low 32 bits without a word, so a corrupt or forged line would replay as
 * another process, silently. Here a field that is present must be a whole number that fits, and a
 * time or id that cannot be negative is not; anything else is an {@link IllegalArgumentException}
 * naming the field, which the reader reports with the file and line. Stateless.
 */
public final class JsonFields {

    private JsonFields() {
    }

    /** The int field, absent when missing or null. */
    public static int i(JsonNode n, String field, int absent) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw bad(field, v, "a whole number between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
        }
        return v.intValue();
    }

    /** The long field, absent when missing or null. */
    public static long l(JsonNode n, String field, long absent) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        return l(v, field);
    }

    /** A long value (an array element or a map value), named field in the message. */
    public static long l(JsonNode v, String field) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw bad(field, v, "a whole number of at most 64 bits");
        }
        return v.longValue();
    }

    /** An int value (an array element), named field in the message. */
    public static int i(JsonNode v, String field) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw bad(field, v, "a whole number of at most 32 bits");
        }
        return v.intValue();
    }

    /** A required time or count that cannot be negative (monotonic clock readings, event counts). */
    public static long nonNegative(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("no " + field);
        }
        long x = l(v, field);
        if (x < 0) {
            throw new IllegalArgumentException(field + " is negative (" + x + ")");
        }
        return x;
    }

    private static IllegalArgumentException bad(String field, JsonNode v, String want) {
        String text = v.toString();
        return new IllegalArgumentException(field + " is not " + want + " (" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + ")");
    }
}
