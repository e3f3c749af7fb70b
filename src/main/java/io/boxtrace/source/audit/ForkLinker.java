package io.boxtrace.source.audit;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Turns the audit view of process creation into fork events that come before anything the child
 * does, which is what the process table needs.
 *
 * <p>Audit logs a fork at the parent's syscall exit, so the child may exec (and even exit) before
 * the parent's clone record is logged: serial order puts the child first (measured: vfork always,
 * fork often). And the clone's return value is the child's pid in the parent's pid namespace,
 * not the host pid every record carries. So:
 * <ul>
 * <li>A clone record from a parent in the host pid namespace, with flags that say "process", is a
 *     fork of that host pid at once (unless the child already showed up first).</li>
 * <li>Any other clone record waits, keyed by its parent, for the child to show up.</li>
 * <li>A record from a pid not known alive, or from a known pid whose parent has a waiting clone of
 *     exactly that pid (the pid was reused), is a new child: its fork is emitted first, with the
 *     waiting clone's flags and time when there is one, else from the record (flags unknown).</li>
 * <li>exit_group forgets the pid. Processes killed by a signal leave no record; {@link #gone} lets
 *     the source retire them after checking /proc.</li>
 * </ul>
 *
 * <p>Not thread-safe: the source's reader thread owns it. Memory: one entry per live process seen,
 * plus waiting clones, each dropped after {@link #cloneWaitNs}.
 */
public final class ForkLinker {

    private record Known(int ppid, long lastNs, boolean fromChild) {
    }

    private record Waiting(CloneRecord record, long arrivedNs) {
    }

    private final IntPredicate parentInHostPidNs;
    private final long cloneWaitNs;
    private final Map<Integer, Known> known = new HashMap<>();
    /**
     * Children whose fork was emitted from their own record and that already exited: the parent's
     * clone record can come even after that (a child that exec'd and exited while the parent had not
     * yet returned from clone), and must not emit their fork a second time. Bounded, and dropped
     * after the clone wait.
     */
    private final Map<Integer, Known> endedFromChild = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Known> e) {
            return size() > 4096;
        }
    };
    private final Map<Integer, ArrayDeque<Waiting>> waiting = new HashMap<>();
    private int waitingCount;
    private long synthesized;
    private long unmatched;

    /**
     * @param parentInHostPidNs whether a (live) pid sits in the host's pid namespace, so its clone
     *                          return values are host pids; false when it cannot be told
     * @param cloneWaitNs       how long a clone record waits for its child to show up
     */
    public ForkLinker(IntPredicate parentInHostPidNs, long cloneWaitNs) {
        this.parentInHostPidNs = parentInHostPidNs;
        this.cloneWaitNs = cloneWaitNs;
    }

    /** Processes alive before the rules were in place: their records are no news of a fork. */
    public void seed(int pid, int ppid) {
        known.put(pid, new Known(ppid, 0, false));
    }

    public void clone(CloneRecord c, long nowNs, Consumer<Event> out) {
        Known ended = endedFromChild.get(c.childValue());
        if (ended != null && ended.ppid() == c.parent().pid() && !known.containsKey(c.childValue())) {
            // The child showed up, had its fork emitted and exited, all before this record: no second fork.
            endedFromChild.remove(c.childValue());
            namespaces(c.timeNs(), c.parent(), c.childValue(), c.flags(), out);
            return;
        }
        Known child = known.get(c.childValue());
        if (child != null && child.fromChild() && child.ppid() == c.parent().pid()) {
            // The child showed up first and its fork was emitted then, without flags.
            namespaces(c.timeNs(), c.parent(), c.childValue(), c.flags(), out);
            known.put(c.childValue(), new Known(child.ppid(), nowNs, false));
            return;
        }
        if (c.flagsKnown() && parentInHostPidNs.test(c.parent().pid())) {
            fork(c.timeNs(), c.parent(), c.childValue(), c.flags(), nowNs, false, out);
            return;
        }
        waiting.computeIfAbsent(c.parent().pid(), k -> new ArrayDeque<>()).add(new Waiting(c, nowNs));
        waitingCount++;
    }

    public void event(Event e, Task task, long nowNs, Consumer<Event> out) {
        int pid = task.pid();
        Known k = known.get(pid);
        Waiting exact = takeWaiting(task.ppid(), pid, k == null);
        if (k == null || exact != null) {
            if (exact != null) {
                CloneRecord c = exact.record();
                fork(c.timeNs(), c.parent(), pid, c.flags(), nowNs, false, out);
            } else {
                synthesized++;
                Task parent = new Task(task.ppid(), task.ppid(), Task.UNKNOWN, Task.UNKNOWN, null, 0, 0, Task.UNKNOWN);
                fork(e.timeNs(), parent, pid, 0, nowNs, true, out);
            }
        } else {
            known.put(pid, new Known(task.ppid() > 0 ? task.ppid() : k.ppid(), nowNs, k.fromChild()));
        }
        out.accept(e);
        if (e instanceof ExitEvent) {
            Known gone = known.remove(pid);
            if (gone != null && gone.fromChild()) {
                endedFromChild.put(pid, new Known(gone.ppid(), nowNs, true));
            }
            ArrayDeque<Waiting> orphans = waiting.remove(pid);
            if (orphans != null) {
                waitingCount -= orphans.size();
                unmatched += orphans.size();
            }
        }
    }

    private void fork(long time, Task parent, int child, long flags, long nowNs, boolean fromChild,
                      Consumer<Event> out) {
        known.put(child, new Known(parent.pid(), nowNs, fromChild));
        out.accept(new ForkEvent(time, parent, child, child, flags));
        namespaces(time, parent, child, flags, out);
    }

    private static void namespaces(long time, Task parent, int child, long flags, Consumer<Event> out) {
        List<Namespace> created = Namespace.fromCloneFlags(flags);
        if (!created.isEmpty()) {
            Task c = new Task(child, child, parent.pid(), parent.uid(), parent.comm(), 0, 0, Task.UNKNOWN);
            out.accept(new NamespaceEvent(time, c, NamespaceEvent.Op.CLONE, created, null, null, 0, flags, 0));
        }
    }

    /**
     * The waiting clone of parent that made child: the one returning child itself, else (the parent
     * is in a pid namespace and returned the namespaced pid) the newest one, when the child is new: a
     * child shows up right after its fork (its exec), while older waiting clones are threads made by
     * clone3 or children that have not done anything audited yet.
     */
    private Waiting takeWaiting(int parent, int child, boolean childIsNew) {
        ArrayDeque<Waiting> q = waiting.get(parent);
        if (q == null) {
            return null;
        }
        Waiting pick = null;
        for (Waiting w : q) {
            if (w.record().childValue() == child) {
                pick = w;
                break;
            }
        }
        if (pick == null && childIsNew) {
            pick = q.peekLast();
        }
        if (pick != null) {
            q.remove(pick);
            waitingCount--;
            if (q.isEmpty()) {
                waiting.remove(parent);
            }
        }
        return pick;
    }

    /** Drops clone records whose child never showed up within the wait (threads made by clone3, children killed early). */
    public void expire(long nowNs) {
        endedFromChild.values().removeIf(k -> nowNs - k.lastNs() > cloneWaitNs);
        if (waitingCount == 0) {
            return;
        }
        for (Iterator<ArrayDeque<Waiting>> it = waiting.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Waiting> q = it.next();
            while (!q.isEmpty() && nowNs - q.peekFirst().arrivedNs() > cloneWaitNs) {
                q.pollFirst();
                waitingCount--;
                unmatched++;
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Pids that have been silent since before quietSinceNs (candidates for a /proc liveness check). */
    public List<Integer> quietSince(long quietSinceNs) {
        List<Integer> out = new ArrayList<>();
        known.forEach((pid, k) -> {
            if (k.lastNs() < quietSinceNs) {
                out.add(pid);
            }
        });
        return out;
    }

    /** A pid found gone from /proc without an exit record (killed by a signal): forget it. */
    public void gone(int pid) {
        known.remove(pid);
    }

    public boolean isKnown(int pid) {
        return known.containsKey(pid);
    }

    /** Forks emitted from a child's own record because no clone record of its parent was there. */
    public long synthesized() {
        return synthesized;
    }

    /** Clone records that never met their child. */
    public long unmatched() {
        return unmatched;
    }
}
