package io.boxtrace.event;

import java.util.ArrayList;
import java.util.List;

/**
 * Linux namespace kinds with their CLONE_NEW* flag bits (include/uapi/linux/sched.h; keep in sync
 * with src/main/bpf/boxtrace.h) and the names /proc/PID/ns uses.
 */
public enum Namespace {
    MNT(0x00020000L, "mnt"),
    UTS(0x04000000L, "uts"),
    IPC(0x08000000L, "ipc"),
    USER(0x10000000L, "user"),
    PID(0x20000000L, "pid"),
    NET(0x40000000L, "net"),
    CGROUP(0x02000000L, "cgroup"),
    TIME(0x00000080L, "time");

    private final long cloneFlag;
    private static final Namespace[] ALL = values();
    private static final long ANY_FLAG = java.util.Arrays.stream(ALL).mapToLong(Namespace::cloneFlag).reduce(0, (a, b) -> a | b);
    private final String procName;

    Namespace(long cloneFlag, String procName) {
        this.cloneFlag = cloneFlag;
        this.procName = procName;
    }

    public long cloneFlag() {
        return cloneFlag;
    }

    /** The name as in /proc/PID/ns/NAME, used in JSON. */
    public String procName() {
        return procName;
    }

    /** Every namespace whose CLONE_NEW* bit is set in flags, in declaration order. */
    public static List<Namespace> fromCloneFlags(long flags) {
        if ((flags & ANY_FLAG) == 0) {
            return List.of(); // almost every fork: no namespace, nothing allocated
        }
        List<Namespace> out = new ArrayList<>();
        for (Namespace ns : ALL) {
            if ((flags & ns.cloneFlag) != 0) {
                out.add(ns);
            }
        }
        return out;
    }
}
