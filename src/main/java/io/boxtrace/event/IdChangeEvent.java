package io.boxtrace.event;

/** A task changed its real/effective uid or gid (setuid family); -1 where the source does not say. */
public record IdChangeEvent(long timeNs, Task task, Kind kind, int realId, int effectiveId) implements Event {

    public enum Kind { UID, GID }

    @Override
    public String type() {
        return "id_change";
    }
}
