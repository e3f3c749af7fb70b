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

    /** The field that follows {@code skip} spaces from {@code at}. */
    private static String field(String line, int at, int skip) {
        int from = at;
        for (int i = 0; i < skip; i++) {
            from = line.indexOf(' ', from) + 1;
            if (from == 0) {
                throw new IllegalArgumentException("short stat line");
            }
        }
        int to = line.indexOf(' ', from);
        return line.substring(from, to < 0 ? line.length() : to).trim();
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
            // Fields after the comm, space-separated; field N starts after N - 3 spaces (field 3 is first).
            // Only four are taken, without splitting all fifty: a scan parses one stat per process.
            int at = close + 2;
            char state = line.charAt(at);
            int ppid = Integer.parseInt(field(line, at, 4 - 3));
            long flags = Long.parseLong(field(line, at, 9 - 3));
            long start = Long.parseLong(field(line, at, 22 - 3));
            return Optional.of(new ProcStat(pid, comm, state, ppid, flags, start));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
