package io.boxtrace.source;

/**
 * A stream of kernel events. Every source (proc connector, eBPF, /proc polling) plugs in the same
 * way: {@link #start} opens the kernel interface and begins delivering decoded events to the sink
 * from a dedicated platform thread of the source's own; {@link #close} stops the thread and
 * releases the kernel resources.
 *
 * <p>Ordering: events are delivered in the order the source read them, from one thread. Sources
 * never block on their consumer for long (the consumer is a bounded queue); what the kernel drops
 * meanwhile is reported as a {@link io.boxtrace.event.LostEvent}.
 */
public interface EventSource extends AutoCloseable {

    /** The source's stable name: {@code ebpf}, {@code audit}, {@code netlink} or {@code procfs}. */
    String name();

    /**
     * Opens the kernel interface and starts the reader thread. Throws {@link SourceUnavailableException}
     * naming what is missing (privilege, kernel feature) when it cannot open.
     */
    void start(SourceSink sink) throws SourceUnavailableException;

    /**
     * Begins the slow part of opening (loading a program into the kernel) in the background, so that
     * it overlaps the work a run does before {@link #start} (the /proc snapshot); {@link #start} then
     * waits for it and reports its failure. Optional: sources with nothing slow to open ignore it.
     */
    default void prepare() {
    }

    /**
     * Restricts capture to this process and its descendants from now on (following forks, however
     * they are re-parented). Sources that can filter in the kernel do; the others ignore it and the
     * pipeline filters. Safe to call from any thread, before or after {@link #start}.
     */
    default void follow(int pid) {
    }

    /**
     * Restricts capture to tasks in these cgroup v2 ids (the inode numbers of their cgroup
     * directories) from now on. Sources that cannot filter in the kernel ignore it.
     */
    default void restrictToCgroups(java.util.Set<Long> cgroupIds) {
    }

    /**
     * Tells {@code listener} of cgroups made and removed from now on, for sources that see them
     * ({@link CgroupListener}). The others ignore it. Call before {@link #start}.
     */
    default void onCgroupChanges(CgroupListener listener) {
    }

    /** Counters so far; safe to call from any thread. */
    SourceStats stats();

    /** Stops reading and releases kernel resources. Idempotent. */
    @Override
    void close();
}
