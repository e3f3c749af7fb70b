package io.boxtrace.event;

/**
 * What one process (its whole thread group) cost, as its parent's getrusage(RUSAGE_CHILDREN) would
 * count it: read by the eBPF source at the exit of the group's last thread, or from /proc/PID/stat
 * and /proc/PID/io by the proc connector source while the process is still a zombie. Every figure
 * is {@link #UNKNOWN} when the source could not give it; sinks leave unknown figures out, never
 * writing them as zero.
 *
 * @param cpuUserNs      user CPU time, ns
 * @param cpuSysNs       system CPU time, ns
 * @param maxRssKb       peak resident set size, KiB (ru_maxrss)
 * @param readBytes      bytes the process caused to be read from storage (/proc/PID/io read_bytes)
 * @param writeBytes     bytes the process caused to be written to storage (write_bytes)
 * @param ctxVoluntary   voluntary context switches (blocked: I/O, locks, sleeps)
 * @param ctxInvoluntary involuntary context switches (preempted)
 * @param runqDelayNs    time spent runnable, waiting for a CPU, ns
 * @param source         where the figures came from
 */
public record ProcessResources(long cpuUserNs, long cpuSysNs, long maxRssKb, long readBytes, long writeBytes,
                               long ctxVoluntary, long ctxInvoluntary, long runqDelayNs, Source source) {

    public static final long UNKNOWN = -1;

    /** Where the figures were read. */
    public enum Source {
        /** task_struct and signal_struct, in the kernel, at the exit. */
        KERNEL,
        /** /proc/PID/stat and /proc/PID/io, after the exit event, while still readable. */
        PROC
    }

    public static boolean known(long v) {
        return v >= 0;
    }

    /** User plus system CPU, ns, or {@link #UNKNOWN} when either is unknown. */
    public long cpuNs() {
        return known(cpuUserNs) && known(cpuSysNs) ? cpuUserNs + cpuSysNs : UNKNOWN;
    }
}
