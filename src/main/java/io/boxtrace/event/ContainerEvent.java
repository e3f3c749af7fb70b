package io.boxtrace.event;

/** A container appeared (its first process was seen, or the runtime announced it) or went away. */
public record ContainerEvent(long timeNs, Kind kind, ContainerInfo container) implements Event {

    public enum Kind { START, STOP }

    @Override
    public String type() {
        return kind == Kind.START ? "container_start" : "container_stop";
    }
}
