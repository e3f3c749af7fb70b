package io.boxtrace.event;

/**
 * The kernel's facts about the task an event happened in, as far as the source knows them.
 * The proc connector knows only pid and tid; eBPF fills every field. Unknown numbers are
 * {@link #UNKNOWN} (or 0 for namespace inodes and cgroup ids, which the kernel never hands out
 * as 0), an unknown comm is {@code null}. The process table fills gaps later; sources never guess.
 *
 * @param pid       thread-group id (what user space calls the pid)
 * @param tid       the thread's own id; equals pid for the group leader
 * @param ppid      the parent's thread-group id at the time of the event
 * @param uid       real uid
 * @param comm      the kernel's 16-byte task name
 * @param cgroupId  the cgroup v2 id (inode of the cgroup directory), 0 if unknown
 * @param pidNs     inode of the task's pid namespace, 0 if unknown
 * @param nsPid     the pid inside the task's innermost pid namespace, {@link #UNKNOWN} if unknown
 */
public record Task(int pid, int tid, int ppid, int uid, String comm, long cgroupId, long pidNs, int nsPid) {

    public static final int UNKNOWN = -1;

    /** What the proc connector can say: just the ids. */
    public static Task ids(int pid, int tid) {
        return new Task(pid, tid, UNKNOWN, UNKNOWN, null, 0, 0, UNKNOWN);
    }

    public boolean isThread() {
        return pid != tid;
    }
}
