package io.boxtrace.source.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code key=value} fields of one record, in order. Values are kept raw: a quoted string
 * ({@code "x"}), a hex-encoded untrusted string ({@code 2F62696E}), a number, or {@code (null)}.
 * Keys may repeat in principle, so lookups take the first. A lookup by key scans the text for
 * that key alone (no value holds a space: the kernel hex-encodes any that would); walking the
 * fields in order splits the whole text once.
 *
 * <p>Not thread-safe (splits lazily); one record is read by one thread.
 */
public final class AuditFields {

    private final String body;
    private List<String> keys;
    private List<String> values;

    private AuditFields(String body) {
        this.body = body;
    }

    public static AuditFields parse(String body) {
        return new AuditFields(body);
    }

    private void split() {
        if (keys != null) {
            return;
        }
        keys = new ArrayList<>();
        values = new ArrayList<>();
        split(body, keys, values);
    }

    private static void split(String body, List<String> keys, List<String> values) {
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
    }

    public int size() {
        split();
        return keys.size();
    }

    public String key(int i) {
        split();
        return keys.get(i);
    }

    public String raw(int i) {
        split();
        return values.get(i);
    }

    /** The raw value of the first field named key, or null. */
    public String raw(String key) {
        int from = 0;
        while (true) {
            int at = body.indexOf(key, from);
            if (at < 0) {
                return null;
            }
            int eq = at + key.length();
            if ((at == 0 || body.charAt(at - 1) == ' ') && eq < body.length() && body.charAt(eq) == '=') {
                int end = body.indexOf(' ', eq + 1);
                return body.substring(eq + 1, end < 0 ? body.length() : end);
            }
            from = at + 1;
        }
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
