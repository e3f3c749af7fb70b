package io.boxtrace.source.procfs;

import io.boxtrace.event.ProcessResources;
import java.util.Optional;

/**
 * A just-exited process's resource figures from /proc, for sources that learn of an exit from a
 * notification rather than in the kernel (the proc connector). The process must still be a zombie
 * (state Z): then the pid cannot have been reused, and /proc/PID/stat gives the whole group's
 * user and system time (ticks, getrusage-adjusted), /proc/PID/io its storage I/O. Context switches
 * and run-queue delay (/proc/PID/status, /proc/PID/schedstat) are the group leader's own, which for
 * a single-threaded process is all of it. The peak RSS is gone with the memory map (exit_mm runs
 * before the notification), so it is left unknown. Once the parent has reaped it, nothing is left:
 * empty.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ProcResources {

    private static final long NS_PER_TICK = 1_000_000_000L / ProcStat.TICKS_PER_SECOND;
    private final ProcReader proc;

    public ProcResources(ProcReader proc) {
        this.proc = proc;
    }

    public Optional<ProcessResources> ofZombie(int pid) {
        Optional<String> stat = proc.read(pid, "stat");
        if (stat.isEmpty()) {
            return Optional.empty();
        }
        String line = stat.get();
        int close = line.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] rest = line.substring(close + 1).trim().split(" ");
        // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
        if (rest.length < 13 || !rest[0].equals("Z")) {
            return Optional.empty();
        }
        long user;
        long sys;
        try {
            user = Long.parseLong(rest[11]) * NS_PER_TICK;
            sys = Long.parseLong(rest[12]) * NS_PER_TICK;
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String io = proc.read(pid, "io").orElse("");
        String status = proc.read(pid, "status").orElse("");
        long runDelay = ProcessResources.UNKNOWN;
        String[] sched = proc.read(pid, "schedstat").orElse("").trim().split(" ");
        if (sched.length == 3) {
            runDelay = parse(sched[1]);
        }
        return Optional.of(new ProcessResources(user, sys, ProcessResources.UNKNOWN,
                field(io, "read_bytes:"), field(io, "write_bytes:"),
                field(status, "voluntary_ctxt_switches:"), field(status, "nonvoluntary_ctxt_switches:"),
                runDelay, ProcessResources.Source.PROC));
    }

    /** The number after {@code key} at the start of a line, or unknown. */
    static long field(String text, String key) {
        int at = text.startsWith(key) ? 0 : text.indexOf("\n" + key);
        if (at < 0) {
            return ProcessResources.UNKNOWN;
        }
        int start = at + (at == 0 ? 0 : 1) + key.length();
        int end = text.indexOf('\n', start);
        return parse(text.substring(start, end < 0 ? text.length() : end).trim());
    }

    private static long parse(String s) {
        try {
            long v = Long.parseLong(s);
            return v >= 0 ? v : ProcessResources.UNKNOWN;
        } catch (NumberFormatException e) {
            return ProcessResources.UNKNOWN;
        }
    }
}
