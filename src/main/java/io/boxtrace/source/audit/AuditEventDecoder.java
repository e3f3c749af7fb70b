package io.boxtrace.source.audit;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.Task;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * Turns one audit event (the records of one serial) into boxtrace events. Pure: records in, events
 * out, tested on records captured from the kernel.
 *
 * <ul>
 * <li>execve/execveat: an {@link ExecEvent} with argv from the EXECVE records, cwd from CWD, the
 *     path as passed from PATH item 0; a failed exec carries its errno (the kernel logs no EXECVE
 *     record then, so no argv).</li>
 * <li>fork/vfork/clone/clone3: a {@link CloneRecord} (threads, CLONE_THREAD, are dropped), for the
 *     {@link ForkLinker} to turn into a fork once the child is known by its host pid.</li>
 * <li>exit_group: an {@link ExitEvent} with the status passed to it (audit logs the syscall at
 *     do_exit, since it never returns). Processes killed by a signal make no record.</li>
 * <li>unshare, setns, pivot_root, chroot: a {@link NamespaceEvent} with the syscall's result.</li>
 * </ul>
 * Tasks carry pid, ppid, uid and comm from the SYSCALL record; audit has no thread id (tid = pid).
 *
 * <p>Not thread-safe (counters); one per reader thread.
 */
public final class AuditEventDecoder {

    static final long SIGCHLD = 17;
    static final long CLONE_VM = 0x100;
    static final long CLONE_VFORK = 0x4000;
    static final long CLONE_THREAD = 0x10000;

    private final LongUnaryOperator epochNsToMono;
    private final int maxArgs;
    private final int maxArgBytes;
    private long malformed;
    private long incomplete;

    /** @param epochNsToMono converts the records' wall-clock stamps to CLOCK_MONOTONIC nanoseconds */
    public AuditEventDecoder(LongUnaryOperator epochNsToMono, int maxArgs, int maxArgBytes) {
        this.epochNsToMono = epochNsToMono;
        this.maxArgs = maxArgs;
        this.maxArgBytes = maxArgBytes;
    }

    public void decode(AuditRecordGroup g, Consumer<Event> events, Consumer<CloneRecord> clones) {
        AuditRecord sys = g.first(AuditMessages.SYSCALL);
        if (sys == null) {
            if (!g.complete()) {
                incomplete++; // its SYSCALL record never came: nothing to say about it
            }
            return;
        }
        AuditFields f = sys.fields();
        AuditSyscalls.Kind kind = AuditSyscalls.kind(f.hex("arch", 0), (int) f.number("syscall", -1));
        if (kind == null) {
            return; // another rule's syscall (auditd's own rules are multicast to us too)
        }
        long time = epochNsToMono.applyAsLong(g.epochMs() * 1_000_000L);
        int pid = (int) f.number("pid", -1);
        if (pid <= 0) {
            malformed++;
            return;
        }
        Task task = new Task(pid, pid, (int) f.number("ppid", Task.UNKNOWN), (int) f.number("uid", Task.UNKNOWN),
                f.text("comm"), 0, 0, Task.UNKNOWN);
        boolean success = !"no".equals(f.raw("success"));
        long exit = f.number("exit", 0);
        switch (kind) {
            case EXEC -> events.accept(exec(g, f, time, task, success, exit));
            case FORK, VFORK, CLONE, CLONE3 -> {
                if (!success || exit <= 0) {
                    return;
                }
                long flags = switch (kind) {
                    case FORK -> SIGCHLD;
                    case VFORK -> CLONE_VM | CLONE_VFORK | SIGCHLD;
                    case CLONE -> f.hex("a0", 0);
                    default -> 0;
                };
                if ((flags & CLONE_THREAD) != 0) {
                    return;
                }
                clones.accept(new CloneRecord(time, task, (int) exit, flags, kind != AuditSyscalls.Kind.CLONE3));
            }
            case EXIT_GROUP -> events.accept(new ExitEvent(time, task, (int) (f.hex("a0", 0) & 0xff), 0, false));
            case UNSHARE -> {
                long flags = f.hex("a0", 0);
                events.accept(new NamespaceEvent(time, task, NamespaceEvent.Op.UNSHARE, Namespace.fromCloneFlags(flags),
                        null, null, 0, flags, (int) exit));
            }
            case SETNS -> {
                long nstype = f.hex("a1", 0);
                events.accept(new NamespaceEvent(time, task, NamespaceEvent.Op.SETNS, Namespace.fromCloneFlags(nstype),
                        null, null, 0, nstype, (int) exit));
            }
            case PIVOT_ROOT -> events.accept(new NamespaceEvent(time, task, NamespaceEvent.Op.PIVOT_ROOT, List.of(),
                    pathName(g, 0), pathName(g, 1), 0, 0, (int) exit));
            case CHROOT -> events.accept(new NamespaceEvent(time, task, NamespaceEvent.Op.CHROOT, List.of(),
                    pathName(g, 0), null, 0, 0, (int) exit));
        }
    }

    private ExecEvent exec(AuditRecordGroup g, AuditFields f, long time, Task task, boolean success, long exit) {
        List<AuditRecord> execve = g.all(AuditMessages.EXECVE);
        ExecArgs args = execve.isEmpty() ? new ExecArgs(List.of(), false)
                : ExecArgs.of(execve, maxArgs, maxArgBytes, g.overflowed() || !g.complete());
        String filename = pathName(g, 0);
        if (filename == null) {
            filename = f.text("exe");
        }
        AuditRecord cwd = g.first(AuditMessages.CWD);
        int errno = success ? 0 : (int) Math.max(1, -exit);
        return new ExecEvent(time, task, filename, args.args(), args.truncated(),
                cwd == null ? null : cwd.fields().text("cwd"), errno, ExecEvent.ArgvSource.KERNEL);
    }

    /** The name of PATH item index (as passed to the syscall), or null. */
    private static String pathName(AuditRecordGroup g, int index) {
        for (AuditRecord r : g.all(AuditMessages.PATH)) {
            AuditFields pf = r.fields();
            if (pf.number("item", -1) == index) {
                return pf.text("name");
            }
        }
        return null;
    }

    /** SYSCALL records that could not be read (no pid). */
    public long malformed() {
        return malformed;
    }

    /** Events closed without their SYSCALL record. */
    public long incomplete() {
        return incomplete;
    }
}
