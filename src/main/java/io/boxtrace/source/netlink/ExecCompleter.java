package io.boxtrace.source.netlink;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.Task;
import io.boxtrace.source.procfs.ProcReader;
import io.boxtrace.source.procfs.ProcStatus;
import java.util.List;
import java.util.Optional;

/**
 * Fills an exec event from /proc/PID the moment it arrives: the proc connector says only that a
 * pid exec'd. cmdline is read first because short-lived processes vanish within a millisecond;
 * when it is gone the event says so (GONE) and never falls back to a command line remembered from
 * before the exec, which would be the parent's (forkstat does that for ~5% of its execs).
 *
 * <p>Stateless apart from the reader; used on the source's reader thread.
 */
final class ExecCompleter {

    /** Tolerance for comparing /proc's 10 ms start-time ticks with the event's nanoseconds. */
    private static final long START_SLACK_NS = 20_000_000L;
    private final ProcReader proc;
    private final java.util.function.LongUnaryOperator bootToMono;

    /** @param bootToMono converts /proc start times (CLOCK_BOOTTIME) to the events' clock */
    ExecCompleter(ProcReader proc, java.util.function.LongUnaryOperator bootToMono) {
        this.proc = proc;
        this.bootToMono = bootToMono;
    }

    /** The value a process tearing down or setting up its memory shows: a lone "/". */
    static boolean isBogus(List<String> cmdline) {
        return cmdline.size() == 1 && cmdline.getFirst().equals("/");
    }

    ExecEvent complete(ExecEvent raw) {
        int pid = raw.task().pid();
        Optional<List<String>> cmdline = proc.cmdline(pid);
        // An empty cmdline is a zombie (exited, not yet reaped): as gone as a missing directory. A
        // live process always has an argv[0], if only "" (the kernel supplies one since 5.18).
        if (cmdline.isEmpty() || cmdline.get().isEmpty()) {
            return raw;
        }
        // Measured here: a process tearing down its memory can yield a bogus cmdline ("/"). Its exe
        // link goes with the same mm, so an exe still readable *after* the cmdline read proves the
        // cmdline came from the live image; without it the argv is not trusted.
        Optional<String> exe = proc.exe(pid);
        if (exe.isEmpty()) {
            return raw;
        }
        // The same bogus "/" also came with the exe still readable (a classic-builder step's shell, between
        // its exec and the next): no program is run as argv ["/"]; and a cmdline that changed between two
        // reads around the exe read belongs to no one moment of the process.
        if (isBogus(cmdline.get()) || !cmdline.equals(proc.cmdline(pid))) {
            return raw;
        }
        Optional<ProcStatus> status = proc.status(pid);
        Optional<String> cwd = proc.cwd(pid);
        if (status.isEmpty()) {
            // Exited between the reads: the cmdline we got is still this process's own.
            return new ExecEvent(raw.timeNs(), raw.task(), exe.get(), cmdline.get(), false, cwd.orElse(null), 0,
                    ExecEvent.ArgvSource.PROC);
        }
        // The pid may already belong to a process started after this exec (pids wrap under storms):
        // a start time later than the event means what was read is someone else's.
        Optional<io.boxtrace.source.procfs.ProcStat> stat = proc.stat(pid);
        if (stat.isPresent() && bootToMono.applyAsLong(stat.get().startBootNs()) > raw.timeNs() + START_SLACK_NS) {
            return raw;
        }
        ProcStatus s = status.get();
        int nsPid = s.nsPids().isEmpty() ? Task.UNKNOWN : s.nsPids().getLast();
        Task t = new Task(pid, raw.task().tid(), s.ppid(), s.uid(), s.name(), 0, 0, nsPid);
        return new ExecEvent(raw.timeNs(), t, exe.get(), cmdline.get(), false, cwd.orElse(null), 0,
                ExecEvent.ArgvSource.PROC);
    }
}
