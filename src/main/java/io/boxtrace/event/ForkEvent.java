package io.boxtrace.event;

/**
 * A task created a new process or thread.
 *
 * @param parent      the task that called fork/clone
 * @param childPid    the new task's thread-group id
 * @param childTid    the new task's own id
 * @param cloneFlags  the clone flags when the source knows them ({@code CLONE_NEW*} tell which
 *                    namespaces were created), else 0
 */
public record ForkEvent(long timeNs, Task parent, int childPid, int childTid, long cloneFlags)
        implements Event {

    public boolean isThread() {
        return childPid != childTid;
    }

    @Override
    public String type() {
        return "fork";
    }
}
