package io.boxtrace.cli;

import io.boxtrace.source.procfs.ProcReader;
import io.boxtrace.source.procfs.ProcStatus;

/** The effective capabilities of boxtrace itself (CapEff in /proc/self/status), to name what is missing. */
final class Capabilities {

    static final int CAP_SYS_CHROOT = 18;
    static final int CAP_SYS_PTRACE = 19;
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_PERFMON = 38;
    static final int CAP_BPF = 39;
    static final int CAP_AUDIT_CONTROL = 30;

    private final long effective;

    Capabilities(long effective) {
        this.effective = effective;
    }

    static Capabilities self(ProcReader proc) {
        int self = (int) ProcessHandle.current().pid();
        return new Capabilities(proc.status(self).map(ProcStatus::capEff).orElse(0L));
    }

    boolean has(int cap) {
        return (effective & (1L << cap)) != 0;
    }

    /** What the eBPF source lacks, or null: CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN on its own. */
    String missingForBpf() {
        if (has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON))) {
            return null;
        }
        return !has(CAP_BPF) ? "CAP_BPF (run as root)" : "CAP_PERFMON (run as root)";
    }

    /** What the audit source lacks to install rules (CAP_AUDIT_READ, needed beside auditd, is checked when joining). */
    String missingForAudit() {
        return has(CAP_AUDIT_CONTROL) ? null : "CAP_AUDIT_CONTROL (run as root)";
    }

    String missingForNetlink() {
        return has(CAP_NET_ADMIN) ? null : "CAP_NET_ADMIN (run as root)";
    }
}
