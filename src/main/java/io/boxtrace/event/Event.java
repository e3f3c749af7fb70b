package io.boxtrace.event;

/**
 * One thing the kernel (or a runtime) told us. Every event source produces these records and
 * nothing else; sinks and analyses switch over them exhaustively, so adding a type here breaks
 * compilation where it must be handled rather than silently in production.
 *
 * <p>Times are raw: {@link #timeNs()} is CLOCK_MONOTONIC nanoseconds, the clock both the proc
 * connector ({@code ktime_get_ns()}) and eBPF ({@code bpf_ktime_get_ns()}) stamp with. Only
 * {@link Clock} turns it into wall time, in the sinks.
 *
 * <p>Events are immutable values, safe to hand between threads.
 */
public sealed interface Event
        permits ForkEvent, ExecEvent, ExitEvent, CommEvent, IdChangeEvent, SnapshotEvent,
                NamespaceEvent, LostEvent, ContainerEvent {

    /** CLOCK_MONOTONIC nanoseconds at which the kernel saw the event. */
    long timeNs();

    /** The stable name of this type in JSON output ({@code "fork"}, {@code "exec"}, ...). */
    String type();
}
