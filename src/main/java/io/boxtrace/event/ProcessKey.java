package io.boxtrace.event;

/**
 * Process identity: pids are reused (pid_max is 32768 on many hosts and a build wraps it), so a
 * process is its pid together with its start time.
 *
 * @param pid     thread-group id
 * @param startNs CLOCK_MONOTONIC nanoseconds of the fork, or the /proc start time converted to
 *                that clock (10 ms resolution) for processes found in the snapshot
 */
public record ProcessKey(int pid, long startNs) {
    @Override
    public String toString() {
        return pid + "@" + startNs;
    }
}
