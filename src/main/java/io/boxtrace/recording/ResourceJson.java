package io.boxtrace.recording;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.event.ProcessResources;
import java.io.IOException;
import java.util.Locale;

/**
 * The per-process resource fields (README "JSON output"): {@code cpu_user_ms}, {@code cpu_sys_ms},
 * {@code max_rss_kb}, {@code read_bytes}, {@code write_bytes}, {@code ctx_voluntary},
 * {@code ctx_involuntary}, {@code runq_delay_ms} and {@code resources_source} ({@code kernel} or
 * {@code proc}). Unknown figures are left out, never written as zero; {@link #read} turns the
 * fields back into the record (exactly: ms are written unrounded). Stateless.
 */
public final class ResourceJson {

    private ResourceJson() {
    }

    public static void write(JsonGenerator g, ProcessResources r) throws IOException {
        if (r == null) {
            return;
        }
        char[] text = new char[MS_CHARS]; // one buffer for the three ms fields
        ms(g, "cpu_user_ms", r.cpuUserNs(), text);
        ms(g, "cpu_sys_ms", r.cpuSysNs(), text);
        count(g, "max_rss_kb", r.maxRssKb());
        count(g, "read_bytes", r.readBytes());
        count(g, "write_bytes", r.writeBytes());
        count(g, "ctx_voluntary", r.ctxVoluntary());
        count(g, "ctx_involuntary", r.ctxInvoluntary());
        ms(g, "runq_delay_ms", r.runqDelayNs(), text);
        g.writeStringField("resources_source", r.source() == ProcessResources.Source.KERNEL ? "kernel" : "proc");
    }

    /** The same fields into a tree node (for writers that build one). */
    public static void put(ObjectNode o, ProcessResources r) {
        if (r == null) {
            return;
        }
        putMs(o, "cpu_user_ms", r.cpuUserNs());
        putMs(o, "cpu_sys_ms", r.cpuSysNs());
        putCount(o, "max_rss_kb", r.maxRssKb());
        putCount(o, "read_bytes", r.readBytes());
        putCount(o, "write_bytes", r.writeBytes());
        putCount(o, "ctx_voluntary", r.ctxVoluntary());
        putCount(o, "ctx_involuntary", r.ctxInvoluntary());
        putMs(o, "runq_delay_ms", r.runqDelayNs());
        o.put("resources_source", r.source().name().toLowerCase(Locale.ROOT));
    }

    private static void putMs(ObjectNode o, String name, long ns) {
        if (ProcessResources.known(ns)) {
            o.put(name, ns / 1e6);
        }
    }

    private static void putCount(ObjectNode o, String name, long v) {
        if (ProcessResources.known(v)) {
            o.put(name, v);
        }
    }

    /** The record written by {@link #write} from an object holding those fields, or null when absent. */
    public static ProcessResources read(JsonNode n) {
        JsonNode src = n.get("resources_source");
        if (src == null || !src.isTextual()) {
            return null;
        }
        ProcessResources.Source source = src.asText().equals("proc")
                ? ProcessResources.Source.PROC : ProcessResources.Source.KERNEL;
        return new ProcessResources(ns(n, "cpu_user_ms"), ns(n, "cpu_sys_ms"), num(n, "max_rss_kb"),
                num(n, "read_bytes"), num(n, "write_bytes"), num(n, "ctx_voluntary"), num(n, "ctx_involuntary"),
                ns(n, "runq_delay_ms"), source);
    }

    /** ns / 1e6 unrounded, as duration_ms: a recording read back gives the same ns. */
    static void ms(JsonGenerator g, String name, long ns, char[] text) throws IOException {
        if (ProcessResources.known(ns)) {
            g.writeFieldName(name);
            g.writeNumber(text, 0, msChars(ns, text));
        }
    }

    /** Enough for any long: sign, 13 digits of ms, point, 6 digits. */
    static final int MS_CHARS = 24;

    /**
     * ns as milliseconds in plain decimal, exactly ({@code 8002.222664}, {@code 0.0005}, {@code 1.0}):
     * parsed, it gives the same double as {@code ns / 1e6} (both are the double nearest to the exact
     * quotient), without the cost of formatting a double per field per event.
     * Written into text (at least {@link #MS_CHARS} long); returns the length.
     */
    public static int msChars(long ns, char[] text) {
        if (ns == Long.MIN_VALUE) {
            String s = Double.toString(ns / 1e6);
            s.getChars(0, s.length(), text, 0);
            return s.length();
        }
        long abs = Math.abs(ns);
        long whole = abs / 1_000_000;
        int frac = (int) (abs % 1_000_000);
        int fracDigits = 6;
        while (fracDigits > 1 && frac % 10 == 0) {
            frac /= 10;
            fracDigits--;
        }
        int wholeDigits = 1;
        for (long w = whole; w >= 10; w /= 10) {
            wholeDigits++;
        }
        int at = 0;
        if (ns < 0) {
            text[at++] = '-';
        }
        int end = at + wholeDigits;
        for (int i = end - 1; i >= at; i--, whole /= 10) {
            text[i] = (char) ('0' + whole % 10);
        }
        text[end] = '.';
        int last = end + fracDigits;
        for (int i = last; i > end; i--, frac /= 10) {
            text[i] = (char) ('0' + frac % 10);
        }
        return last + 1;
    }


    private static void count(JsonGenerator g, String name, long v) throws IOException {
        if (ProcessResources.known(v)) {
            g.writeNumberField(name, v);
        }
    }

    private static long ns(JsonNode n, String name) {
        JsonNode v = n.get(name);
        return v != null && v.isNumber() ? Math.round(v.asDouble() * 1e6) : ProcessResources.UNKNOWN;
    }

    private static long num(JsonNode n, String name) {
        JsonNode v = n.get(name);
        return v != null && v.canConvertToLong() ? v.asLong() : ProcessResources.UNKNOWN;
    }
}
