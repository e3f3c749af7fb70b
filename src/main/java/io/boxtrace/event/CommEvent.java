package io.boxtrace.event;

/** A task changed its name (prctl PR_SET_NAME or a write to /proc/PID/comm). */
public record CommEvent(long timeNs, Task task, String comm) implements Event {
    @Override
    public String type() {
        return "comm";
    }
}
