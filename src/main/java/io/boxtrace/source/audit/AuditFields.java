package io.boxtrace.source.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code key=value} fields of one record, in order. Values are kept raw: a quoted string
 * ({@code "x"}), a hex-encoded untrusted string ({@code 2F62696E}), a number, or {@code (null)}.
 * Keys may repeat in principle, so lookups take the first.
 *
 * <p>Immutable; not thread-safe to build.
 */
public final class AuditFields {

    private final List<String> keys;
    private final List<String> values;

    private AuditFields(List<String> keys, List<String> values) {
        this.keys = keys;
        this.values = values;
    }

    public static AuditFields parse(String body) {
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        int i = 0;
        int n = body.length();
        while (i < n) {
            while (i < n && body.charAt(i) == ' ') {
                i++;
            }
            int eq = body.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = body.substring(i, eq);
            int v = eq + 1;
            int end;
            if (v < n && (body.charAt(v) == '"' || body.charAt(v) == '\'')) {
                int close = body.indexOf(body.charAt(v), v + 1);
                end = close < 0 ? n : close + 1;
            } else {
                int space = body.indexOf(' ', v);
                end = space < 0 ? n : space;
            }
            keys.add(key);
            values.add(body.substring(v, end));
            i = end;
        }
        return new AuditFields(keys, values);
    }

    public int size() {
        return keys.size();
    }

    public String key(int i) {
        return keys.get(i);
    }

    public String raw(int i) {
        return values.get(i);
    }

    /** The raw value of the first field named key, or null. */
    public String raw(String key) {
        int i = keys.indexOf(key);
        return i < 0 ? null : values.get(i);
    }

    /** A decimal field ({@code pid=42}, {@code exit=-2}), or def when absent or not a number. */
    public long number(String key, long def) {
        String v = raw(key);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return def;
        }
    }

    /** A hex field as the kernel prints syscall arguments ({@code a0=1200011}), or def. */
    public long hex(String key, long def) {
        String v = raw(key);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseUnsignedLong(v, 16);
        } catch (NumberFormatException e) {
            return def;
        }
    }

    /** An untrusted string field (comm, exe, name, cwd) decoded to text; null when absent or (null). */
    public String text(String key) {
        byte[] b = untrusted(raw(key));
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Decodes an untrusted value the way the kernel encoded it (audit_log_untrustedstring): quoted
     * when it is plain printable ASCII, else hex. Returns null for {@code (null)} or a missing value;
     * a value that is neither quoted nor valid hex is returned as its bytes.
     */
    public static byte[] untrusted(String raw) {
        if (raw == null || raw.equals("(null)")) {
            return null;
        }
        if (raw.length() >= 2 && raw.charAt(0) == '"' && raw.charAt(raw.length() - 1) == '"') {
            return raw.substring(1, raw.length() - 1).getBytes(StandardCharsets.ISO_8859_1);
        }
        byte[] hex = hex(raw);
        return hex != null ? hex : raw.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Hex digits to bytes, or null when the text is not an even run of hex digits. */
    static byte[] hex(String s) {
        if ((s.length() & 1) != 0) {
            return null;
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
