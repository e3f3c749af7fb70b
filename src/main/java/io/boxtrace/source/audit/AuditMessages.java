package io.boxtrace.source.audit;

/**
 * Netlink message types of the audit protocol (include/uapi/linux/audit.h) that boxtrace sends or
 * reads. Records of one syscall event: SYSCALL first, then auxiliary records (EXECVE, CWD, PATH,
 * PROCTITLE, ...), then EOE.
 */
public final class AuditMessages {
    public static final int NETLINK_AUDIT = 9;
    /** The multicast group for read-only listeners beside auditd; joining it needs CAP_AUDIT_READ. */
    public static final int AUDIT_NLGRP_READLOG = 1;

    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int GET = 1000;
    public static final int SET = 1001;
    public static final int ADD_RULE = 1011;
    public static final int DEL_RULE = 1012;
    public static final int LIST_RULES = 1013;

    public static final int SYSCALL = 1300;
    public static final int PATH = 1302;
    public static final int CONFIG_CHANGE = 1305;
    public static final int CWD = 1307;
    public static final int EXECVE = 1309;
    public static final int EOE = 1320;
    public static final int PROCTITLE = 1327;
    public static final int FEATURE_CHANGE = 1328;
    public static final int REPLACE = 1329;

    private AuditMessages() {
    }

    /**
     * The records the decoder reads (SYSCALL, EXECVE, CWD, PATH) and EOE, which ends an event.
     * The others of a syscall event (PROCTITLE, BPRM_FCAPS, ...) are skipped unread.
     */
    public static boolean isDecoded(int type) {
        return type == SYSCALL || type == EXECVE || type == CWD || type == PATH || type == EOE;
    }

    /**
     * Whether records of this type belong to a syscall event that ends with EOE. Records outside the
     * 13xx event range (user messages, daemon messages, AVCs) and the stand-alone configuration
     * records are not part of what boxtrace decodes.
     */
    public static boolean isSyscallEventPart(int type) {
        return type >= 1300 && type < 1400 && type != CONFIG_CHANGE && type != FEATURE_CHANGE && type != REPLACE;
    }
}
