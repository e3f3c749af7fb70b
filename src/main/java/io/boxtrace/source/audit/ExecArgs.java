package io.boxtrace.source.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds an exec's argument vector from its EXECVE records (kernel/auditsc.c,
 * audit_log_execve_info). The first record starts with {@code argc=N}; short arguments come as
 * {@code aI="text"} or {@code aI=HEX}; an argument too long for one record comes as {@code aI_len=L}
 * followed by chunks {@code aI[0]=..}, {@code aI[1]=..}, which may continue in later records. The
 * kernel copies argv in full, so only the limits given here cut it (marked truncated).
 *
 * @param args      argv, argv[0] first; bytes that are not UTF-8 become U+FFFD
 * @param truncated true when maxArgs or maxBytes cut it, or records were missing
 */
public record ExecArgs(List<String> args, boolean truncated) {

    public ExecArgs {
        args = List.copyOf(args);
    }

    /**
     * @param records  the event's EXECVE records in arrival order
     * @param incomplete true when the assembler dropped or missed records of this event
     */
    public static ExecArgs of(List<AuditRecord> records, int maxArgs, int maxBytes, boolean incomplete) {
        long argc = -1;
        List<ByteArrayOutputStream> parts = new ArrayList<>();
        boolean truncated = incomplete;
        long total = 0;
        for (AuditRecord r : records) {
            AuditFields f = r.fields();
            for (int i = 0; i < f.size(); i++) {
                String key = f.key(i);
                if (key.equals("argc")) {
                    argc = parseLong(f.raw(i));
                    continue;
                }
                int index = argIndex(key);
                if (index < 0 || key.endsWith("_len")) {
                    continue; // aI_len only announces chunks; unknown keys are skipped
                }
                if (index >= maxArgs) {
                    truncated = true;
                    continue;
                }
                while (parts.size() <= index) {
                    parts.add(new ByteArrayOutputStream());
                }
                byte[] bytes = AuditFields.untrusted(f.raw(i));
                if (bytes == null) {
                    truncated = true; // the kernel could not read this argument
                    continue;
                }
                int room = (int) Math.max(0, Math.min(bytes.length, maxBytes - total));
                if (room < bytes.length) {
                    truncated = true;
                }
                parts.get(index).write(bytes, 0, room);
                total += room;
            }
        }
        if (argc >= 0 && parts.size() < Math.min(argc, maxArgs)) {
            truncated = true; // records of this event are missing
        }
        if (argc > maxArgs) {
            truncated = true;
        }
        List<String> args = new ArrayList<>(parts.size());
        for (ByteArrayOutputStream p : parts) {
            args.add(p.toString(StandardCharsets.UTF_8));
        }
        return new ExecArgs(args, truncated);
    }

    /** I from "aI", "aI[J]" or "aI_len"; -1 for any other key. */
    static int argIndex(String key) {
        if (key.length() < 2 || key.charAt(0) != 'a') {
            return -1;
        }
        int i = 1;
        int n = 0;
        while (i < key.length() && Character.isDigit(key.charAt(i))) {
            n = n * 10 + (key.charAt(i) - '0');
            if (n > 10_000_000) {
                return -1;
            }
            i++;
        }
        if (i == 1) {
            return -1;
        }
        if (i == key.length() || key.charAt(i) == '[' || key.startsWith("_len", i)) {
            return n;
        }
        return -1;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
