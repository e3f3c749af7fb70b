package io.boxtrace.sink.otlp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts one signal's records from emission to the collector, so that nothing is dropped silently
 * and the tracing side never waits: records held by the SDK's batch queue are those emitted and not
 * yet taken by the exporter; once that reaches the bound, new records are dropped here (counted)
 * instead of being handed to a queue that would drop them uncounted. A batch the exporter could not
 * deliver after its retries is counted as dropped too. Thread-safe.
 */
final class DeliveryCounter {

    private final int bound;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong droppedFull = new AtomicLong();
    private final AtomicLong droppedFailed = new AtomicLong();

    DeliveryCounter(int bound) {
        this.bound = bound;
    }

    /** True when the record may be emitted (and counts it); false when it was dropped (counted). */
    boolean tryEmit(int n) {
        if (emitted.get() - taken.get() + n > bound) {
            droppedFull.addAndGet(n);
            return false;
        }
        emitted.addAndGet(n);
        return true;
    }

    void taken(int n) {
        taken.addAndGet(n);
    }

    void exported(int n, boolean ok) {
        (ok ? delivered : droppedFailed).addAndGet(n);
    }

    /**
     * At shutdown: what the SDK still held after its bounded flush never reached the collector.
     * Counted as dropped with the full queue's, since both were lost waiting in it.
     */
    void abandonRest() {
        long rest = emitted.get() - taken.get();
        if (rest > 0) {
            droppedFull.addAndGet(rest);
            taken.addAndGet(rest);
        }
    }

    long emitted() {
        return emitted.get();
    }

    long delivered() {
        return delivered.get();
    }

    long dropped() {
        return droppedFull.get() + droppedFailed.get();
    }

    long droppedQueueFull() {
        return droppedFull.get();
    }

    long droppedExportFailed() {
        return droppedFailed.get();
    }
}
