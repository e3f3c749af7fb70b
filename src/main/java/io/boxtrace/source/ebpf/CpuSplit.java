package io.boxtrace.source.ebpf;

/**
 * Splits a thread group's precise CPU time (the scheduler's sum_exec_runtime) into user and system
 * time the way getrusage() does (kernel/sched/cputime.c, cputime_adjust): with tick-based
 * accounting (this kernel: CONFIG_TICK_CPU_ACCOUNTING) utime and stime are sampled at timer ticks,
 * so only their ratio is trusted and the total is the scheduler's. A process that ran less than a
 * tick has neither sample: then, as in the kernel, everything is user time.
 */
final class CpuSplit {

    private CpuSplit() {
    }

    /** @return {user ns, system ns}, summing to {@code runtimeNs} */
    static long[] split(long runtimeNs, long utimeNs, long stimeNs) {
        long total = Math.max(0, runtimeNs);
        if (stimeNs <= 0) {
            return new long[] {total, 0};
        }
        if (utimeNs <= 0) {
            return new long[] {0, total};
        }
        long sys = (long) ((double) total * stimeNs / ((double) utimeNs + stimeNs));
        return new long[] {total - sys, sys};
    }
}
