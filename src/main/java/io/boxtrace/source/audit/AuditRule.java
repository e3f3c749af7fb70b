package io.boxtrace.source.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * struct audit_rule_data (include/uapi/linux/audit.h), as boxtrace writes its rules and reads the
 * kernel's rule list: flags (the filter list), action, field_count, mask[64] (syscall bitmap),
 * fields[64], values[64], fieldflags[64] (operators), buflen, buf (string values, e.g. the key).
 */
public final class AuditRule {

    static final int MAX_FIELDS = 64;
    static final int BITMASK_WORDS = 64;
    static final int OFF_MASK = 12;
    static final int OFF_FIELDS = OFF_MASK + 4 * BITMASK_WORDS;
    static final int OFF_VALUES = OFF_FIELDS + 4 * MAX_FIELDS;
    static final int OFF_FIELDFLAGS = OFF_VALUES + 4 * MAX_FIELDS;
    static final int OFF_BUFLEN = OFF_FIELDFLAGS + 4 * MAX_FIELDS;
    static final int HEADER_SIZE = OFF_BUFLEN + 4;

    static final int FILTER_EXIT = 0x04;
    static final int ACTION_ALWAYS = 2;
    static final int FIELD_PID = 0;
    static final int FIELD_ARCH = 11;
    static final int FIELD_FILTERKEY = 210;
    static final int OP_EQUAL = 0x40000000;
    static final int OP_NOT_EQUAL = 0x30000000;

    private AuditRule() {
    }

    /**
     * An always,exit rule for these syscalls of arch, tagged with key, that ignores the syscalls of
     * excludePid (boxtrace itself: its JVM threads would otherwise feed back into the stream).
     */
    public static byte[] exitRule(long arch, int[] syscalls, String key, int excludePid) {
        byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + k.length).order(ByteOrder.nativeOrder());
        b.putInt(0, FILTER_EXIT).putInt(4, ACTION_ALWAYS);
        for (int nr : syscalls) {
            int word = OFF_MASK + 4 * (nr / 32);
            b.putInt(word, b.getInt(word) | (1 << (nr % 32)));
        }
        int n = 0;
        n = field(b, n, FIELD_ARCH, OP_EQUAL, (int) arch);
        n = field(b, n, FIELD_PID, OP_NOT_EQUAL, excludePid);
        n = field(b, n, FIELD_FILTERKEY, OP_EQUAL, k.length);
        b.putInt(8, n);
        b.putInt(OFF_BUFLEN, k.length);
        b.put(HEADER_SIZE, k);
        return b.array();
    }

    private static int field(ByteBuffer b, int n, int field, int op, int value) {
        b.putInt(OFF_FIELDS + 4 * n, field).putInt(OFF_VALUES + 4 * n, value).putInt(OFF_FIELDFLAGS + 4 * n, op);
        return n + 1;
    }

    /**
     * The key of a rule as the kernel lists it (AUDIT_LIST_RULES payload), or null when it has none.
     * String values sit in buf in field order, each as long as its value says.
     */
    public static String key(ByteBuffer payload) {
        ByteBuffer b = payload.slice().order(ByteOrder.nativeOrder());
        if (b.remaining() < HEADER_SIZE) {
            return null;
        }
        int count = Math.min(b.getInt(8), MAX_FIELDS);
        int buflen = b.getInt(OFF_BUFLEN);
        int offset = 0;
        for (int i = 0; i < count; i++) {
            int field = b.getInt(OFF_FIELDS + 4 * i);
            if (!hasString(field)) {
                continue;
            }
            int len = b.getInt(OFF_VALUES + 4 * i);
            if (len < 0 || offset + len > buflen || HEADER_SIZE + offset + len > b.remaining()) {
                return null;
            }
            if (field == FIELD_FILTERKEY) {
                byte[] s = new byte[len];
                b.get(HEADER_SIZE + offset, s);
                return new String(s, StandardCharsets.ISO_8859_1);
            }
            offset += len;
        }
        return null;
    }

    /** Fields whose value is a length into buf (kernel/auditfilter.c, audit_data_to_entry). */
    private static boolean hasString(int field) {
        return switch (field) {
            case 13, 14, 15, 16, 17, // AUDIT_SUBJ_USER .. AUDIT_SUBJ_CLR (LSM labels)
                 19, 20, 21, 22, 23, // AUDIT_OBJ_USER .. AUDIT_OBJ_LEV_HIGH
                 105, 107, 112, 210 -> true; // AUDIT_WATCH, AUDIT_DIR, AUDIT_EXE, AUDIT_FILTERKEY
            default -> false;
        };
    }
}
