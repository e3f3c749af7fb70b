package io.boxtrace.source.audit;

import java.util.Map;

/**
 * The syscalls boxtrace asks audit for, by architecture: audit reports syscall numbers of the
 * caller's ABI ({@code arch=c000003e} for x86-64, {@code 40000003} for i386 processes), so each
 * has its own rule and its own numbers (arch/x86/entry/syscalls/syscall_64.tbl, syscall_32.tbl).
 */
public final class AuditSyscalls {

    /** AUDIT_ARCH_X86_64 and AUDIT_ARCH_I386 (include/uapi/linux/audit.h). */
    public static final long ARCH_X86_64 = 0xC000003EL;
    public static final long ARCH_I386 = 0x40000003L;

    /** What boxtrace makes of a syscall. */
    public enum Kind { EXEC, FORK, VFORK, CLONE, CLONE3, EXIT_GROUP, UNSHARE, SETNS, PIVOT_ROOT, CHROOT }

    private static final Map<Integer, Kind> X86_64 = Map.ofEntries(
            Map.entry(59, Kind.EXEC), Map.entry(322, Kind.EXEC),
            Map.entry(57, Kind.FORK), Map.entry(58, Kind.VFORK), Map.entry(56, Kind.CLONE), Map.entry(435, Kind.CLONE3),
            Map.entry(231, Kind.EXIT_GROUP), Map.entry(272, Kind.UNSHARE), Map.entry(308, Kind.SETNS),
            Map.entry(155, Kind.PIVOT_ROOT), Map.entry(161, Kind.CHROOT));
    private static final Map<Integer, Kind> I386 = Map.ofEntries(
            Map.entry(11, Kind.EXEC), Map.entry(358, Kind.EXEC),
            Map.entry(2, Kind.FORK), Map.entry(190, Kind.VFORK), Map.entry(120, Kind.CLONE), Map.entry(435, Kind.CLONE3),
            Map.entry(252, Kind.EXIT_GROUP), Map.entry(310, Kind.UNSHARE), Map.entry(346, Kind.SETNS),
            Map.entry(217, Kind.PIVOT_ROOT), Map.entry(61, Kind.CHROOT));

    private AuditSyscalls() {
    }

    /** The kind of syscall nr on arch, or null when boxtrace does not decode it. */
    public static Kind kind(long arch, int nr) {
        if (arch == ARCH_X86_64) {
            return X86_64.get(nr);
        }
        if (arch == ARCH_I386) {
            return I386.get(nr);
        }
        return null;
    }

    /** The syscall numbers a rule for arch must name. */
    public static int[] numbers(long arch) {
        Map<Integer, Kind> m = arch == ARCH_X86_64 ? X86_64 : I386;
        return m.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
