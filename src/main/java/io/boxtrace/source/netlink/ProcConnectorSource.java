package io.boxtrace.source.netlink;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.internal.ffm.Errno;
import io.boxtrace.internal.ffm.NativeException;
import io.boxtrace.internal.ffm.NetlinkSocket;
import io.boxtrace.source.EventSource;
import io.boxtrace.source.SourceSink;
import io.boxtrace.source.SourceStats;
import io.boxtrace.source.SourceUnavailableException;
import io.boxtrace.source.procfs.ProcReader;
import io.boxtrace.source.procfs.ProcResources;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process events from the kernel's proc connector (NETLINK_CONNECTOR, CN_IDX_PROC): fork, exec,
 * exit, comm and uid/gid changes for the whole host. Needs CAP_NET_ADMIN.
 *
 * <p>A dedicated platform thread receives, decodes and, for execs, reads /proc at once. Kernel
 * drops (ENOBUFS, sequence gaps) become {@link LostEvent}s. {@link #follow} is ignored: the
 * connector cannot filter by process, the pipeline does.
 *
 * <p>Lifetime: {@link #start} once, {@link #close} from any thread; the reader unsubscribes and
 * frees the socket within {@value #RECEIVE_TIMEOUT_MS} ms.
 */
public final class ProcConnectorSource implements EventSource {

    /** Effective receive buffer asked for: each message costs ~832 bytes of it (KERNEL-NOTES), so ~40,000 events. */
    static final int RECEIVE_BUFFER_BYTES = 16 << 20;
    private static final int RECEIVE_TIMEOUT_MS = 200;
    private static final int MAX_DATAGRAM = 64 * 1024;

    private final ProcReader proc;
    private final ProcResources resources;
    private final java.util.function.LongUnaryOperator bootToMono;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong argvMissed = new AtomicLong();
    private final AtomicLong decodeErrors = new AtomicLong();
    private volatile NetlinkSocket socket;
    private volatile int receiveBuffer;
    private Thread thread;

    /** @param bootToMono converts /proc start times to CLOCK_MONOTONIC (Clock::bootToMono) */
    public ProcConnectorSource(ProcReader proc, java.util.function.LongUnaryOperator bootToMono) {
        this.proc = proc;
        this.resources = new ProcResources(proc);
        this.bootToMono = bootToMono;
    }

    @Override
    public String name() {
        return "netlink";
    }

    @Override
    public void start(SourceSink sink) throws SourceUnavailableException {
        NetlinkSocket s;
        try {
            s = NetlinkSocket.open(ProcConnector.NETLINK_CONNECTOR, ProcConnector.CN_IDX_PROC, MAX_DATAGRAM);
        } catch (NativeException e) {
            throw unavailable(e);
        }
        try {
            // The kernel doubles what is set; ask for half so the effective size is RECEIVE_BUFFER_BYTES.
            receiveBuffer = s.setReceiveBuffer(RECEIVE_BUFFER_BYTES / 2);
            s.setReceiveTimeout(RECEIVE_TIMEOUT_MS);
            s.send(ProcConnector.subscription(ProcConnector.PROC_CN_MCAST_LISTEN, (int) ProcessHandle.current().pid()));
        } catch (NativeException e) {
            s.release();
            throw unavailable(e);
        }
        socket = s;
        thread = Thread.ofPlatform().name("boxtrace-netlink").daemon(true).start(() -> readLoop(s, sink));
    }

    private static SourceUnavailableException unavailable(NativeException e) {
        String what = switch (e.errno()) {
            case Errno.EPERM, Errno.EACCES -> "the proc connector needs root or CAP_NET_ADMIN";
            case Errno.EPROTONOSUPPORT, Errno.EAFNOSUPPORT, Errno.ENOENT ->
                    "this kernel has no proc connector (CONFIG_PROC_EVENTS)";
            default -> "cannot open the proc connector: " + e.getMessage();
        };
        return new SourceUnavailableException(what, e);
    }

    /** Datagrams to wait, after an ENOBUFS, for the sequence gap that tells how many were lost. */
    private static final int OVERFLOW_PATIENCE = 64;
    private int overflowPending;

    private void readLoop(NetlinkSocket s, SourceSink sink) {
        ProcConnectorDecoder decoder = new ProcConnectorDecoder();
        ExecCompleter completer = new ExecCompleter(proc, bootToMono);
        try {
            while (!s.isClosed()) {
                ByteBuffer datagram = s.receive();
                if (datagram == null) {
                    int errno = s.lastErrno();
                    if (errno == Errno.ENOBUFS) {
                        // The socket overflowed. How many were dropped shows as sequence gaps in the
                        // next messages; if none shows within a while, at least one is reported.
                        overflowPending = OVERFLOW_PATIENCE;
                    } else if (errno != Errno.EAGAIN && errno != Errno.EINTR) {
                        throw new IllegalStateException("recv(netlink) failed: " + Errno.describe(errno));
                    }
                    continue;
                }
                long malformedBefore = decoder.malformed();
                long gap = decoder.decode(datagram, e -> deliver(sink, completer, e));
                decodeErrors.addAndGet(decoder.malformed() - malformedBefore);
                if (gap > 0) {
                    emitLost(sink, gap, overflowPending > 0 ? "ENOBUFS: receive buffer overflowed"
                            : "kernel dropped messages (sequence gap)");
                    overflowPending = 0;
                } else if (overflowPending > 0 && --overflowPending == 0) {
                    emitLost(sink, 1, "ENOBUFS: receive buffer overflowed (count unknown)");
                }
            }
        } catch (RuntimeException e) {
            sink.failed(e);
        } finally {
            try {
                s.send(ProcConnector.subscription(ProcConnector.PROC_CN_MCAST_IGNORE, (int) ProcessHandle.current().pid()));
            } catch (NativeException ignored) {
                // Closing the socket unsubscribes as well; IGNORE only lets the kernel stop early.
            }
            s.release();
        }
    }

    private void deliver(SourceSink sink, ExecCompleter completer, Event e) {
        if (e instanceof ExecEvent raw) {
            e = completer.complete(raw);
            if (((ExecEvent) e).detail() == ExecEvent.ArgvSource.GONE) {
                argvMissed.incrementAndGet();
            }
        } else if (e instanceof ExitEvent x && !x.task().isThread()) {
            // Read at once: the parent may reap it any moment, and then nothing is left.
            e = resources.ofZombie(x.task().pid()).map(x::withResources).orElse(x);
        }
        events.incrementAndGet();
        sink.accept(e);
    }

    private void emitLost(SourceSink sink, long count, String reason) {
        lost.addAndGet(count);
        sink.accept(new LostEvent(System.nanoTime(), name(), count, reason));
    }

    /** The effective receive buffer the kernel granted, in bytes (0 before start). */
    public int receiveBufferBytes() {
        return receiveBuffer;
    }

    @Override
    public SourceStats stats() {
        return new SourceStats(events.get(), lost.get(), argvMissed.get(), decodeErrors.get());
    }

    @Override
    public void close() {
        NetlinkSocket s = socket;
        if (s != null) {
            s.close();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2 * RECEIVE_TIMEOUT_MS + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
