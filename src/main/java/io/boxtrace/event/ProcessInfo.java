package io.boxtrace.event;

import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of what is known about one process. The process table hands these out;
 * the /proc scanner makes them for {@link SnapshotEvent}s.
 *
 * @param key        identity (pid, start time)
 * @param ppid       parent pid (after re-parenting, the current parent)
 * @param uid        real uid, {@link Task#UNKNOWN} if unknown
 * @param comm       kernel task name
 * @param exe        the executable path (/proc/PID/exe or the exec filename), or null
 * @param args       the command line; empty for kernel threads or when unknown
 * @param cwd        working directory or null
 * @param cgroup     the cgroup path (v2 path, or the most telling v1 path on hybrid hosts), or null
 * @param cgroupId   cgroup v2 id, 0 if unknown
 * @param nsPids     the NSpid chain from /proc/PID/status: host pid first, innermost last
 * @param namespaces namespace inodes by kind name ({@code "pid"}, {@code "mnt"}, ...), where known
 * @param exitNs     CLOCK_MONOTONIC exit time, or 0 while running
 * @param exitCode   exit status, {@link Task#UNKNOWN} while running or when killed
 * @param exitSignal the signal that killed it, 0 otherwise
 * @param kernelThread true for kernel threads (children of kthreadd, no mm)
 */
public record ProcessInfo(ProcessKey key, int ppid, int uid, String comm, String exe, List<String> args,
                          String cwd, String cgroup, long cgroupId, List<Integer> nsPids,
                          Map<String, Long> namespaces, long exitNs, int exitCode, int exitSignal,
                          boolean kernelThread) {

    public ProcessInfo {
        args = args == null ? List.of() : List.copyOf(args);
        nsPids = nsPids == null ? List.of() : List.copyOf(nsPids);
        namespaces = namespaces == null ? Map.of() : Map.copyOf(namespaces);
    }

    public int pid() {
        return key.pid();
    }

    public long startNs() {
        return key.startNs();
    }

    /** The pid inside the innermost pid namespace (the last NSpid), or the host pid when unknown. */
    public int innermostPid() {
        return nsPids.isEmpty() ? key.pid() : nsPids.getLast();
    }

    public boolean exited() {
        return exitNs != 0;
    }

    /** The pid-namespace inode, 0 if unknown. */
    public long pidNamespace() {
        return namespaces.getOrDefault("pid", 0L);
    }
}
