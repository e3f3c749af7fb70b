package io.boxtrace.source.procfs;

import java.util.Optional;

/**
 * The fields boxtrace uses from /proc/PID/stat (proc(5)).
 *
 * @param pid        field 1
 * @param comm       field 2, without the parentheses (it may itself contain spaces and ')')
 * @param state      field 3
 * @param ppid       field 4
 * @param flags      field 9 (PF_KTHREAD = 0x00200000 marks kernel threads)
 * @param startTicks field 22: start time in clock ticks after boot (CLOCK_BOOTTIME, USER_HZ)
 */
public record ProcStat(int pid, String comm, char state, int ppid, long flags, long startTicks) {

    /** USER_HZ: the unit of /proc start times; 100 on every Linux architecture boxtrace runs on. */
    public static final long TICKS_PER_SECOND = 100;
    private static final long PF_KTHREAD = 0x00200000L;

    /** Start time as CLOCK_BOOTTIME nanoseconds. */
    public long startBootNs() {
        return startTicks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    public boolean kernelThread() {
        return (flags & PF_KTHREAD) != 0;
    }

    static Optional<ProcStat> parse(String line) {
        // comm is in parentheses and may contain anything, so split around the *last* ')'.
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            return Optional.empty();
        }
        try {
            int pid = Integer.parseInt(line.substring(0, open).trim());
            String comm = line.substring(open + 1, close);
            String[] rest = line.substring(close + 1).trim().split(" ");
            // rest[0] is field 3 (state); field N is rest[N - 3].
            char state = rest[0].charAt(0);
            int ppid = Integer.parseInt(rest[1]);
            long flags = Long.parseLong(rest[6]);
            long start = Long.parseLong(rest[19]);
            return Optional.of(new ProcStat(pid, comm, state, ppid, flags, start));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
