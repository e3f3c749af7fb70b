package io.boxtrace.analysis.build;

import io.boxtrace.event.ProcessResources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What one build step's commands cost, summed over its processes, and what that says about where
 * its time went. Figures are {@link ProcessResources#UNKNOWN} when no process of the step had one.
 * Immutable.
 *
 * @param cpuNs           user + system CPU of every process of the step
 * @param peakMemoryBytes the largest sum of peak RSS over processes alive at the same moment: an
 *                        upper bound of the step's resident memory (each process counted at its own peak)
 * @param readBytes       storage bytes read, summed
 * @param writeBytes      storage bytes written, summed
 * @param runqDelayNs     time the step's processes were runnable but waited for a CPU, summed
 * @param busyNs          wall time from the first command's start to the last command's end: the
 *                        time the step's own work took, without container set-up and tear-down
 * @param pressure        the step cgroup's pressure stall times, or null when not read
 * @param verdict         where the time went, or null when nothing ran or no figure is known
 */
public record StepResources(long cpuNs, long peakMemoryBytes, long readBytes, long writeBytes, long runqDelayNs,
                            long busyNs, Pressure pressure, Verdict verdict) {

    /** Pressure stall information of a cgroup (some-stall totals), ns. */
    public record Pressure(long cpuNs, long memoryNs, long ioNs) {
    }

    /**
     * Where a step's time went (docs/build.md, "Verdicts"), for steps whose commands ran at least
     * 100 ms, decided in this order:
     * <ol>
     * <li>{@code memory}: memory pressure stalls took at least 20 % of the busy time;</li>
     * <li>{@code cpu}: CPU time plus run-queue delay is at least half the busy time (the step
     * computed, or wanted to and waited for a CPU);</li>
     * <li>{@code io}: I/O pressure stalls took at least 20 % of the busy time, or the step moved at
     * least 10 MiB of storage I/O per second of busy time;</li>
     * <li>{@code waiting}: anything else: the processes were mostly blocked (network, locks, sleeps,
     * other processes).</li>
     * </ol>
     */
    public enum Verdict {
        CPU, WAITING, IO, MEMORY;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final double CPU_SHARE = 0.5;
    static final double PRESSURE_SHARE = 0.2;
    static final long IO_BYTES_PER_SECOND = 10L << 20;
    /**
     * Steps whose commands ran shorter than this get no verdict: a build container's first process
     * was runc's init before it exec'd the step's command, and its figures (read at exit, for the
     * whole process) carry that start-up's ~30 ms of CPU, which would call every short step CPU-bound.
     */
    static final long MIN_BUSY_NS = 100_000_000L;

    /** The figures of a step's commands; {@code pressure} from the step's cgroup when read, else null. */
    public static StepResources of(List<CommandNode> commands, Pressure pressure) {
        long cpu = ProcessResources.UNKNOWN;
        long read = ProcessResources.UNKNOWN;
        long write = ProcessResources.UNKNOWN;
        long runq = ProcessResources.UNKNOWN;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        List<long[]> rss = new ArrayList<>(); // {time, +/- KiB}
        for (CommandNode c : commands) {
            first = Math.min(first, c.startNs());
            last = Math.max(last, c.endNs() == 0 ? c.startNs() : c.endNs());
            ProcessResources r = c.resources();
            if (r == null) {
                continue;
            }
            cpu = add(cpu, r.cpuNs());
            read = add(read, r.readBytes());
            write = add(write, r.writeBytes());
            runq = add(runq, r.runqDelayNs());
            if (ProcessResources.known(r.maxRssKb()) && c.endNs() != 0) {
                // The process's start, not this node's: a program exec'd in place shares its process's memory.
                rss.add(new long[] {processStart(c, commands), r.maxRssKb()});
                rss.add(new long[] {c.endNs(), -r.maxRssKb()});
            }
        }
        long busy = first == Long.MAX_VALUE ? 0 : Math.max(0, last - first);
        long peak = peakKb(rss);
        StepResources base = new StepResources(cpu, peak < 0 ? ProcessResources.UNKNOWN : peak * 1024, read, write,
                runq, busy, pressure, null);
        return new StepResources(cpu, base.peakMemoryBytes, read, write, runq, busy, pressure, base.classify());
    }

    /** The verdict by the rules of {@link Verdict}, or null when nothing is known. */
    Verdict classify() {
        if (busyNs < MIN_BUSY_NS || !ProcessResources.known(cpuNs)) {
            return null;
        }
        if (pressure != null && pressure.memoryNs() >= PRESSURE_SHARE * busyNs) {
            return Verdict.MEMORY;
        }
        long wanted = cpuNs + Math.max(0, runqDelayNs);
        if (wanted >= CPU_SHARE * busyNs) {
            return Verdict.CPU;
        }
        long bytes = Math.max(0, readBytes) + Math.max(0, writeBytes);
        if ((pressure != null && pressure.ioNs() >= PRESSURE_SHARE * busyNs)
                || bytes >= IO_BYTES_PER_SECOND * (busyNs / 1e9)) {
            return Verdict.IO;
        }
        return Verdict.WAITING;
    }

    private static long processStart(CommandNode c, List<CommandNode> all) {
        return all.stream().filter(o -> o.pid() == c.pid() && o.endNs() == c.endNs())
                .mapToLong(CommandNode::startNs).min().orElse(c.startNs());
    }

    private static long peakKb(List<long[]> deltas) {
        if (deltas.isEmpty()) {
            return ProcessResources.UNKNOWN;
        }
        // Ends before starts at the same instant: a process replaced by its successor is not counted twice.
        deltas.sort(Comparator.<long[]>comparingLong(d -> d[0]).thenComparingLong(d -> d[1]));
        long now = 0;
        long peak = 0;
        for (long[] d : deltas) {
            now += d[1];
            peak = Math.max(peak, now);
        }
        return peak;
    }

    private static long add(long sum, long v) {
        return ProcessResources.known(v) ? Math.max(sum, 0) + v : sum;
    }
}
