package io.boxtrace.source.audit;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.Task;
import io.boxtrace.internal.ffm.Errno;
import io.boxtrace.internal.ffm.NativeException;
import io.boxtrace.internal.ffm.NetlinkSocket;
import io.boxtrace.source.EventSource;
import io.boxtrace.source.SourceOptions;
import io.boxtrace.source.SourceSink;
import io.boxtrace.source.SourceStats;
import io.boxtrace.source.SourceUnavailableException;
import io.boxtrace.source.procfs.ProcReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * Process events from the kernel's audit subsystem (NETLINK_AUDIT): full argv copied by the kernel
 * at execve, forks, exits with their status, namespace operations. For hosts where eBPF is not
 * allowed.
 *
 * <p>At start it removes what killed earlier runs left, installs its own rules (key
 * {@code boxtrace-PID}, see {@link AuditSetup}) and turns auditing on. When no audit daemon runs it
 * becomes the daemon itself for its lifetime (records come to it alone and do not spill into the
 * kernel log); when auditd runs it reads the read-only multicast group beside it (CAP_AUDIT_READ).
 * {@link #close} removes exactly its rules and restores the status it changed. Ctrl-C and SIGTERM
 * are handled by the command, which closes the source; a JVM shutdown hook stays registered as a
 * safety net for exits that skip close (System.exit on an error path), since leaving rules behind
 * would change the host's auditing after boxtrace is gone.
 *
 * <p>A dedicated platform thread receives records, groups them into events by serial
 * ({@link AuditEventAssembler}), decodes them ({@link AuditEventDecoder}), orders forks before
 * their children ({@link ForkLinker}) and hands batches to the sink. Loss: the kernel's audit
 * {@code lost} counter (backlog overflow) and, beside auditd, receive-buffer overflows (counted
 * from serial gaps) become {@link LostEvent}s. {@link #follow} is ignored: the pipeline filters.
 */
public final class AuditSource implements EventSource {

    static final Path STATE_DIR = Path.of("/run/boxtrace");
    /** A backlog that holds ~0.3 s of an exec storm (about 13 records per fork+exec+exit). */
    static final int MIN_BACKLOG = 8192;
    private static final int RECEIVE_TIMEOUT_MS = 10;
    /** Also the most a record waits before it is read. */
    private static final int POLL_MS = 10;
    private static final int MAX_PER_ROUND = 8192;
    private static final int RECEIVE_BUFFER_BYTES = 32 << 20;
    private static final int MAX_DATAGRAM = 64 * 1024;
    private static final long STATUS_POLL_NS = 100_000_000L;
    private static final long SWEEP_NS = 1_000_000_000L;
    private static final int OVERFLOW_PATIENCE = 256;

    private final ProcReader proc;
    private final LongUnaryOperator epochNsToMono;
    private final SourceOptions options;
    private final int self = (int) ProcessHandle.current().pid();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong decodeErrors = new AtomicLong();
    private final List<Event> batch = new ArrayList<>();
    private final List<ByteBuffer> early = new ArrayList<>();
    private final PidNamespaces pidNs;
    private NetlinkSocket controlSocket;
    private NetlinkSocket eventSocket;
    private AuditControl control;
    private AuditSetup setup;
    private boolean daemon;
    private long lostBaseline;
    private volatile boolean closed;
    private Thread thread;
    private Thread hook;
    private String mode = "";

    /** @param epochNsToMono converts wall-clock nanoseconds (the records' stamps) to CLOCK_MONOTONIC */
    public AuditSource(ProcReader proc, LongUnaryOperator epochNsToMono, SourceOptions options) {
        this.proc = proc;
        this.epochNsToMono = epochNsToMono;
        this.options = options;
        this.pidNs = new PidNamespaces(proc);
    }

    @Override
    public String name() {
        return "audit";
    }

    /** How this run receives records: "daemon" or "multicast beside auditd (pid N)"; empty before start. */
    public String mode() {
        return mode;
    }

    /** The key of this run's rules. */
    public String ruleKey() {
        return AuditSetup.KEY_PREFIX + self;
    }

    @Override
    public synchronized void start(SourceSink sink) throws SourceUnavailableException {
        ForkLinker linker = new ForkLinker(pidNs::inHostNamespace, 2_000_000_000L);
        try {
            controlSocket = NetlinkSocket.open(AuditMessages.NETLINK_AUDIT, 0, MAX_DATAGRAM);
            controlSocket.setReceiveTimeout(200);
            control = new AuditControl(controlSocket);
            AuditStatus status = control.status(null);
            if (status.enabled() == 2) {
                throw new SourceUnavailableException("the audit configuration is locked (auditctl -e 2): "
                        + "rules cannot be added until reboot");
            }
            setup = new AuditSetup(control, STATE_DIR, self, pid -> Files.exists(Path.of("/proc/" + pid)));
            setup.cleanStale();
            for (int pid : proc.pids()) {
                linker.seed(pid, 0);
            }
            hook = Thread.ofPlatform().unstarted(this::close);
            Runtime.getRuntime().addShutdownHook(hook);
            AuditStatus before = setup.install(List.of(
                    AuditRule.exitRule(AuditSyscalls.ARCH_X86_64, AuditSyscalls.numbers(AuditSyscalls.ARCH_X86_64),
                            ruleKey(), self),
                    AuditRule.exitRule(AuditSyscalls.ARCH_I386, AuditSyscalls.numbers(AuditSyscalls.ARCH_I386),
                            ruleKey(), self)), MIN_BACKLOG);
            lostBaseline = before.lost();
            openEvents(before);
        } catch (NativeException e) {
            restoreQuietly();
            throw unavailable(e);
        } catch (java.io.IOException e) {
            restoreQuietly();
            throw new SourceUnavailableException("cannot write the audit state file in " + STATE_DIR + ": "
                    + e.getMessage(), e);
        } catch (SourceUnavailableException | RuntimeException e) {
            restoreQuietly();
            throw e;
        }
        NetlinkSocket events = eventSocket;
        thread = Thread.ofPlatform().name("boxtrace-audit").daemon(true).start(() -> readLoop(events, sink, linker));
    }

    /** Becomes the audit daemon when none runs, else joins the read-only multicast group beside it. */
    private void openEvents(AuditStatus before) throws NativeException {
        if (before.pid() == 0 || !Files.exists(Path.of("/proc/" + before.pid()))) {
            NetlinkSocket s = NetlinkSocket.open(AuditMessages.NETLINK_AUDIT, 0, MAX_DATAGRAM);
            try {
                s.setReceiveBuffer(RECEIVE_BUFFER_BYTES / 2);
                s.setReceiveTimeout(RECEIVE_TIMEOUT_MS);
                new AuditControl(s).set(AuditStatus.set(AuditStatus.MASK_PID, 0, self, 0),
                        "registering as the audit daemon (AUDIT_SET pid)", dg -> early.add(copy(dg)));
                eventSocket = s;
                daemon = true;
                mode = "daemon";
                return;
            } catch (NativeException e) {
                s.release();
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
                // another daemon registered meanwhile: read beside it
            }
        }
        NetlinkSocket s;
        try {
            s = NetlinkSocket.open(AuditMessages.NETLINK_AUDIT, 1 << (AuditMessages.AUDIT_NLGRP_READLOG - 1), MAX_DATAGRAM);
        } catch (NativeException e) {
            if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) {
                throw new NativeException("joining the audit multicast group beside auditd (needs CAP_AUDIT_READ)",
                        e.errno());
            }
            throw e;
        }
        s.setReceiveBuffer(RECEIVE_BUFFER_BYTES / 2);
        s.setReceiveTimeout(RECEIVE_TIMEOUT_MS);
        eventSocket = s;
        mode = "multicast beside the audit daemon (pid " + before.pid() + ")";
    }

    private static SourceUnavailableException unavailable(NativeException e) {
        String what = switch (e.errno()) {
            case Errno.EPERM, Errno.EACCES -> "the audit source needs root (CAP_AUDIT_CONTROL"
                    + (e.call().contains("CAP_AUDIT_READ") ? " and CAP_AUDIT_READ" : "") + "): " + e.call() + " was refused";
            case Errno.EPROTONOSUPPORT, Errno.EAFNOSUPPORT -> "this kernel has no audit support (CONFIG_AUDIT, CONFIG_AUDITSYSCALL)";
            case Errno.ECONNREFUSED -> "kernel audit is disabled (booted with audit=0)";
            default -> "cannot use kernel audit: " + e.getMessage();
        };
        return new SourceUnavailableException(what, e);
    }

    private static ByteBuffer copy(ByteBuffer dg) {
        ByteBuffer c = ByteBuffer.allocate(dg.remaining()).order(dg.order());
        c.put(dg.duplicate()).flip();
        return c;
    }

    private void readLoop(NetlinkSocket s, SourceSink sink, ForkLinker linker) {
        AuditEventAssembler assembler = AuditEventAssembler.live();
        AuditEventDecoder decoder = new AuditEventDecoder(epochNsToMono, options.maxArgs(), options.maxArgBytes());
        LossCounter loss = new LossCounter();
        long nextStatus = 0;
        long nextSweep = System.nanoTime() + SWEEP_NS;
        try {
            java.util.function.Consumer<AuditRecordGroup> onGroup = g -> decoder.decode(g,
                    e -> linker.event(e, taskOf(e), System.nanoTime(), this::emit),
                    c -> linker.clone(c, System.nanoTime(), this::emit));
            for (ByteBuffer dg : early) {
                take(dg, assembler, loss, onGroup);
            }
            early.clear();
            while (!closed) {
                // Drain what is waiting, then sleep: one wake-up per POLL_MS instead of one per
                // record (an exec storm sends ~13 records per exec). The socket buffer holds far
                // more than a poll's worth, and as the daemon a full buffer only makes kauditd wait.
                int got = 0;
                ByteBuffer dg;
                while (got < MAX_PER_ROUND && (dg = s.receiveNow()) != null) {
                    take(dg, assembler, loss, onGroup);
                    got++;
                }
                long now = System.nanoTime();
                int errno = got == MAX_PER_ROUND ? 0 : s.lastErrno();
                if (errno == Errno.ENOBUFS) {
                    loss.overflowed(OVERFLOW_PATIENCE);
                } else if (errno != 0 && errno != Errno.EAGAIN && errno != Errno.EINTR) {
                    throw new IllegalStateException("recv(NETLINK_AUDIT) failed: " + Errno.describe(errno));
                }
                assembler.drain(now, onGroup);
                long gap = loss.takeGap();
                if (gap > 0) {
                    emitLost(gap, "receive buffer overflowed beside auditd (serial gap)");
                }
                if (now >= nextStatus) {
                    nextStatus = now + STATUS_POLL_NS;
                    pollKernelLost();
                    linker.expire(now);
                }
                if (now >= nextSweep) {
                    nextSweep = now + SWEEP_NS;
                    sweep(linker, now);
                }
                flush(sink);
                if (errno == Errno.EAGAIN) {
                    sleep();
                }
            }
            assembler.flush(onGroup);
            flush(sink);
        } catch (RuntimeException e) {
            sink.failed(e);
        } finally {
            // The socket stays open until the rules are gone (close): released now, the kernel
            // would send the records still coming to the kernel log.
            decodeErrors.addAndGet(decoder.malformed() + decoder.incomplete());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void take(ByteBuffer dg, AuditEventAssembler assembler, LossCounter loss,
                      java.util.function.Consumer<AuditRecordGroup> onGroup) {
        AuditRecord r = AuditRecord.parse(dg);
        if (r == null) {
            return; // acknowledgements, or something that is no record
        }
        loss.saw(r.serial());
        assembler.accept(r, System.nanoTime(), onGroup);
    }

    private static Task taskOf(Event e) {
        return switch (e) {
            case ExecEvent x -> x.task();
            case ExitEvent x -> x.task();
            case NamespaceEvent x -> x.task();
            default -> throw new IllegalArgumentException("the audit decoder made a " + e.type());
        };
    }

    private void emit(Event e) {
        if (e instanceof ExitEvent x) {
            pidNs.forget(x.task().pid());
        }
        batch.add(e);
    }

    private void flush(SourceSink sink) {
        if (!batch.isEmpty()) {
            events.addAndGet(batch.size());
            sink.acceptAll(batch);
            batch.clear();
        }
    }

    /** The kernel counts records it dropped (backlog full after backlog_wait_time, or out of memory). */
    private synchronized void pollKernelLost() {
        if (control == null) {
            return;
        }
        try {
            AuditStatus st = control.status(null);
            long delta = st.lost() - lostBaseline;
            if (delta > 0) {
                lostBaseline = st.lost();
                emitLost(delta, "audit backlog overflowed (kernel lost counter; records, not events)");
            }
        } catch (NativeException e) {
            decodeErrors.incrementAndGet();
        }
    }

    /**
     * Processes killed by a signal leave no audit record: a pid silent for a second whose /proc
     * entry is gone is reported as exited (status unknown), as a heal from /proc would.
     */
    private void sweep(ForkLinker linker, long now) {
        for (int pid : linker.quietSince(now - SWEEP_NS)) {
            if (!Files.exists(proc.dir(pid))) {
                linker.gone(pid);
                emit(new ExitEvent(now, Task.ids(pid, pid), Task.UNKNOWN, 0, false));
            }
        }
    }

    private void emitLost(long count, String reason) {
        lost.addAndGet(count);
        batch.add(new LostEvent(System.nanoTime(), name(), count, reason));
    }

    @Override
    public SourceStats stats() {
        return new SourceStats(events.get(), lost.get(), 0, decodeErrors.get());
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        restoreQuietly();
        Thread h = hook;
        if (h != null && h != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(h);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook runs restore, which is idempotent
            }
        }
    }

    /** Removes the rules, restores the status, gives up the daemon role. Idempotent; never throws. */
    private synchronized void restoreQuietly() {
        closed = true;
        if (control == null) {
            return;
        }
        try {
            if (setup != null) {
                setup.restore();
            }
        } catch (NativeException e) {
            System.err.println("boxtrace: could not fully restore the audit configuration: " + e.getMessage());
        }
        if (daemon) {
            daemon = false;
            try {
                control.set(AuditStatus.set(AuditStatus.MASK_PID, 0, 0, 0), "unregistering as the audit daemon", null);
            } catch (NativeException e) {
                // the kernel forgets a daemon whose socket is gone at its next send
            }
        }
        controlSocket.release();
        control = null;
        if (eventSocket != null) {
            eventSocket.release();
        }
    }
}
