package io.boxtrace.pipeline;

import io.boxtrace.event.CommEvent;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.IdChangeEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.SnapshotEvent;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import io.boxtrace.event.TracedEvent;

/**
 * Leaves boxtrace itself out of what it reports: the JVM's own process and threads (a host-wide
 * trace would otherwise show every thread the JVM starts and ends, and the JVM in the initial
 * state), and the launch of a child between the JVM's fork and the exec of the command: the JDK
 * searches PATH by trying {@code execve} in each directory (one failed exec per miss) and may go
 * through {@code jspawnhelper} first. The fork itself stays: it is the command's process being
 * born, and what comes after its first real exec is the command's own.
 *
 * <p>Not thread-safe: used as the pipeline's filter, on the pipeline thread, in event order.
 */
public final class SelfFilter implements Predicate<TracedEvent> {

    private final int selfPid;
    /** Children of boxtrace that have not yet exec'd their command. */
    private final Set<Integer> launching = new HashSet<>();

    public SelfFilter(int selfPid) {
        this.selfPid = selfPid;
    }

    /** For this JVM. */
    public static SelfFilter current() {
        return new SelfFilter((int) ProcessHandle.current().pid());
    }

    @Override
    public boolean test(TracedEvent t) {
        return switch (t.event()) {
            case ForkEvent f -> {
                if (f.parent().pid() != selfPid) {
                    yield true;
                }
                if (f.isThread()) {
                    yield false;
                }
                launching.add(f.childPid());
                yield true;
            }
            case ExecEvent x -> {
                int pid = x.task().pid();
                if (pid == selfPid) {
                    yield false;
                }
                if (launching.isEmpty() || !launching.contains(pid)) { // no boxed pid per exec when idle
                    yield true;
                }
                if (x.failed() || isSpawnHelper(x.filename())) {
                    yield false; // the JDK's PATH search or its spawn helper, not the command
                }
                launching.remove(pid);
                yield true;
            }
            case ExitEvent x -> {
                if (x.task().pid() == selfPid) {
                    yield false;
                }
                if (!x.task().isThread() && !launching.isEmpty()) {
                    launching.remove(x.task().pid());
                }
                yield true;
            }
            case CommEvent c -> c.task().pid() != selfPid && !launching.contains(c.task().pid());
            case IdChangeEvent i -> i.task().pid() != selfPid;
            case NamespaceEvent n -> n.task().pid() != selfPid;
            case SnapshotEvent s -> s.process().pid() != selfPid;
            default -> true;
        };
    }

    private static boolean isSpawnHelper(String filename) {
        return filename != null && filename.endsWith("/jspawnhelper");
    }
}
