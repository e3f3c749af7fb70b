package io.boxtrace.debug;

/**
 * The running container a debug session enters, resolved on the host before anything is mounted.
 *
 * @param id          the container's full id
 * @param displayName its name (or short id), made safe for a terminal and a shell prompt
 * @param runtime     {@code docker}, {@code podman}, {@code runc}, ...
 * @param pid         host pid of the container's main process, whose namespaces and root are entered
 * @param startTicks  that process's start time (/proc/PID/stat field 22), so a reused pid is noticed
 */
public record DebugTarget(String id, String displayName, String runtime, int pid, long startTicks) {
}
