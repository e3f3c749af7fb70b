package io.boxtrace.cli;

/**
 * A full collection every interval while a trace runs, so a long run's heap comes back to its live set.
 * The serial collector (chosen for its small footprint, see the launcher) grows the old generation
 * rather than collecting it while it may still grow, so a recorder under churn crept towards its heap
 * cap over minutes although its live set stayed near 9 MiB (bench/soak.sh, docs/performance.md); after
 * a full collection it gives the free part back. One collection of that heap costs milliseconds.
 * This is what {@code -XX:G1PeriodicGCInterval} does for G1, which costs more memory of its own.
 *
 * <p>Thread-safe: start and stop from the session's thread.
 */
final class HeapTrim implements AutoCloseable {

    static final long INTERVAL_MS = 30_000;

    private final Thread thread;

    private HeapTrim(long intervalMs) {
        thread = Thread.ofPlatform().name("boxtrace-heap-trim").daemon(true).start(() -> {
            try {
                while (true) {
                    Thread.sleep(intervalMs);
                    System.gc();
                }
            } catch (InterruptedException e) {
                // stopped with the session
            }
        });
    }

    /** Started unless BOXTRACE_NO_HEAP_TRIM is set (to measure without it). */
    static HeapTrim start() {
        return System.getenv("BOXTRACE_NO_HEAP_TRIM") != null ? null : new HeapTrim(INTERVAL_MS);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
