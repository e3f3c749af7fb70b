package io.boxtrace.source.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Groups audit records into events by serial and hands events out in serial (kernel) order.
 *
 * <p>The kernel writes the records of one event back to back, but events logged on different CPUs
 * interleave, and a later serial can complete before an earlier one has fully arrived. An event is
 * complete at its EOE record; one whose EOE never comes is closed {@link #timeoutNs} after its first
 * record. A completed event is held {@link #reorderNs} so that a smaller serial still in flight
 * can overtake it; events are released strictly in serial order, so an unfinished event holds back
 * the later ones until it completes or times out.
 *
 * <p>Memory is bounded: at most {@link #maxPending} open events (past that the oldest is forced
 * out, counted) and {@link #maxEventBytes} of EXECVE text per event (past that the event is marked
 * overflowed and its argv truncated).
 *
 * <p>Not thread-safe: one reader thread feeds and drains it. Times are the caller's monotonic clock.
 */
public final class AuditEventAssembler {

    private final long timeoutNs;
    private final long reorderNs;
    private final int maxPending;
    private final long maxEventBytes;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private long released = -1;
    private long timedOut;
    private long forced;
    private long late;

    private static final class Pending {
        final long serial;
        final long epochMs;
        final long firstNs;
        final List<AuditRecord> records = new ArrayList<>(8);
        long bytes;
        long completedNs = -1;
        boolean overflowed;

        Pending(long serial, long epochMs, long firstNs) {
            this.serial = serial;
            this.epochMs = epochMs;
            this.firstNs = firstNs;
        }

        AuditRecordGroup group(boolean complete) {
            return new AuditRecordGroup(serial, epochMs, records, complete, overflowed);
        }
    }

    public AuditEventAssembler(long timeoutNs, long reorderNs, int maxPending, long maxEventBytes) {
        this.timeoutNs = timeoutNs;
        this.reorderNs = reorderNs;
        this.maxPending = maxPending;
        this.maxEventBytes = maxEventBytes;
    }

    /** Defaults for a live source: 100 ms for a missing EOE, 5 ms of reordering, 65,536 open events, 8 MiB each. */
    public static AuditEventAssembler live() {
        return new AuditEventAssembler(100_000_000L, 5_000_000L, 65_536, 8L << 20);
    }

    /** Adds a record that arrived at nowNs. Records of types boxtrace does not decode are ignored. */
    public void accept(AuditRecord r, long nowNs, Consumer<AuditRecordGroup> out) {
        if (!AuditMessages.isSyscallEventPart(r.type())) {
            return;
        }
        if (r.serial() <= released && !pending.containsKey(r.serial())) {
            late++; // its event was already released (timed out): too late to join it
            return;
        }
        Pending p = pending.get(r.serial());
        if (p == null) {
            if (pending.size() >= maxPending) {
                forced++;
                releaseFirst(out, false);
            }
            p = new Pending(r.serial(), r.epochMs(), nowNs);
            pending.put(r.serial(), p);
        }
        if (r.type() == AuditMessages.EOE) {
            p.completedNs = nowNs;
            return;
        }
        if (r.type() == AuditMessages.EXECVE) {
            p.bytes += r.body().length();
            if (p.bytes > maxEventBytes) {
                p.overflowed = true;
                return;
            }
        }
        p.records.add(r);
    }

    /** Releases, in serial order, the events that are due at nowNs. */
    public void drain(long nowNs, Consumer<AuditRecordGroup> out) {
        while (!pending.isEmpty()) {
            Pending p = pending.firstEntry().getValue();
            if (p.completedNs >= 0 && nowNs - p.completedNs >= reorderNs) {
                releaseFirst(out, true);
            } else if (nowNs - p.firstNs >= timeoutNs) {
                if (p.completedNs < 0) {
                    timedOut++;
                }
                releaseFirst(out, p.completedNs >= 0);
            } else {
                return;
            }
        }
    }

    /** Releases everything still open, in serial order (at the end of a run). */
    public void flush(Consumer<AuditRecordGroup> out) {
        while (!pending.isEmpty()) {
            Pending p = pending.firstEntry().getValue();
            if (p.completedNs < 0) {
                timedOut++;
            }
            releaseFirst(out, p.completedNs >= 0);
        }
    }

    private void releaseFirst(Consumer<AuditRecordGroup> out, boolean complete) {
        Map.Entry<Long, Pending> e = pending.pollFirstEntry();
        released = Math.max(released, e.getKey());
        out.accept(e.getValue().group(complete));
    }

    /** Open events. */
    public int pendingCount() {
        return pending.size();
    }

    /** Events closed without their EOE. */
    public long timedOut() {
        return timedOut;
    }

    /** Events forced out because too many were open. */
    public long forced() {
        return forced;
    }

    /** Records that arrived after their event had been released. */
    public long late() {
        return late;
    }
}
