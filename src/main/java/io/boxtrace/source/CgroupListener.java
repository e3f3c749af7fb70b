package io.boxtrace.source;

/**
 * Told by a source that sees the kernel make and remove cgroups of the unified hierarchy (eBPF), so
 * that the id its events carry can be named even after the cgroup is gone. Called on the source's
 * reader thread, before any event read after the change is delivered: implementations must be
 * thread-safe and quick.
 */
public interface CgroupListener {

    /** A cgroup was made: {@code id} is its kernfs id, {@code path} its path from the root ({@code /docker/ID}). */
    void cgroupCreated(long id, String path);

    /** A cgroup was removed. Events about its tasks may still be on their way. */
    void cgroupRemoved(long id);

    /** A process in this cgroup exited (its last moment there: the cgroup may go soon after). */
    default void taskExited(long cgroupId) {
    }

    /** Both listeners, in this order. */
    static CgroupListener both(CgroupListener a, CgroupListener b) {
        return new CgroupListener() {
            @Override
            public void cgroupCreated(long id, String path) {
                a.cgroupCreated(id, path);
                b.cgroupCreated(id, path);
            }

            @Override
            public void cgroupRemoved(long id) {
                a.cgroupRemoved(id);
                b.cgroupRemoved(id);
            }

            @Override
            public void taskExited(long cgroupId) {
                a.taskExited(cgroupId);
                b.taskExited(cgroupId);
            }
        };
    }
}
