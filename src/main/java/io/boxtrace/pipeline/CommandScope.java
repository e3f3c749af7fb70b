package io.boxtrace.pipeline;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.TracedEvent;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keeps only the events of the processes that boxtrace itself started, and their descendants,
 * however they are later re-parented: membership is decided at fork time from the forking
 * process, not from the current parent, so a daemonised grandchild re-parented to init stays in.
 * boxtrace's own process (the JVM and its threads) is left out, and so is the JDK's
 * {@code jspawnhelper} step between the JVM's fork and the command's exec.
 *
 * <p>Not thread-safe: used as the pipeline's filter, on the pipeline thread.
 */
public final class CommandScope implements Predicate<TracedEvent> {

    private final int selfPid;
    private final Set<Integer> followed = new HashSet<>();

    public CommandScope(int selfPid) {
        this.selfPid = selfPid;
    }

    @Override
    public boolean test(TracedEvent t) {
        switch (t.event()) {
            case ForkEvent f -> {
                int parent = f.parent().pid();
                if (f.isThread()) {
                    return followed.contains(parent);
                }
                if (parent == selfPid || followed.contains(parent)) {
                    followed.add(f.childPid());
                    return true;
                }
                return false;
            }
            case ExecEvent x -> {
                if (x.task().pid() == selfPid) {
                    return false;
                }
                boolean in = isFollowed(x.task().pid(), t.process());
                // The JDK starts children through jspawnhelper, which then execs the real command.
                return in && !(x.filename() != null && x.filename().endsWith("/jspawnhelper"));
            }
            case ExitEvent x -> {
                boolean in = isFollowed(x.task().pid(), t.process());
                if (in && !x.task().isThread()) {
                    followed.remove(x.task().pid());
                }
                return in;
            }
            case LostEvent l -> {
                return true;
            }
            default -> {
                return t.process() != null && isFollowed(t.process().pid(), t.process());
            }
        }
    }

    /** Followed by membership, or — after a loss hid the fork — by a followed parent in the process table. */
    private boolean isFollowed(int pid, ProcessInfo p) {
        if (pid == selfPid) {
            return false;
        }
        if (followed.contains(pid)) {
            return true;
        }
        if (p != null && p.pid() == pid && (followed.contains(p.ppid()) || p.ppid() == selfPid)) {
            followed.add(pid);
            return true;
        }
        return false;
    }

    /** Pids currently followed (for tests and progress output). */
    public int size() {
        return followed.size();
    }
}
