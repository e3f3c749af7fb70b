package io.boxtrace.event;

/**
 * A process that already existed when tracing began (or that a heal found in /proc), fed
 * through the same pipeline as live events. The /proc scan emits these parents first.
 */
public record SnapshotEvent(long timeNs, ProcessInfo process) implements Event {
    @Override
    public String type() {
        return "snapshot";
    }
}
