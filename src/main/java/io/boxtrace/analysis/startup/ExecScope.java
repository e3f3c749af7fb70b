package io.boxtrace.analysis.startup;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.TracedEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For an exec into a running container: which of the runtime invocations that named the container
 * served this exec. Every {@code runc exec} into the container names its id, so an exec that runs
 * while the engine runs another (a HEALTHCHECK, someone else's {@code docker exec}) would hold both.
 * The runtime invocations are grouped by their topmost involved ancestor outside the client's own
 * subtree; a group is this exec's when it hangs from the client (podman's conmon) or ran the program
 * the client asked for (its argv ends the client's command line). When at least one group is known to
 * be this exec's, the others are dropped; when none is (the proc connector lost every argv), all stay.
 * Stateless.
 */
final class ExecScope {

    private ExecScope() {
    }

    static Set<Integer> narrow(List<TracedEvent> events, Set<Integer> involved, Set<Integer> clientTree, List<String> command) {
        Map<Integer, Integer> parent = new HashMap<>();
        Map<Integer, Boolean> ranCommand = new HashMap<>();
        for (TracedEvent t : events) {
            if (t.event() instanceof ForkEvent f && !f.isThread() && involved.contains(f.childPid())) {
                parent.putIfAbsent(f.childPid(), f.parent().pid());
            } else if (t.event() instanceof ExecEvent x && !x.failed() && involved.contains(x.task().pid())
                    && !clientTree.contains(x.task().pid()) && !x.args().isEmpty() && endsWith(command, x.args())) {
                ranCommand.put(x.task().pid(), true);
            }
        }
        Map<Integer, Integer> groupOf = new HashMap<>();
        Set<Integer> ours = new HashSet<>();
        for (int pid : involved) {
            if (clientTree.contains(pid)) {
                continue;
            }
            int top = pid;
            boolean fromClient = false;
            for (int hops = 0; hops < 64; hops++) {
                Integer up = parent.get(top);
                if (up == null || !involved.contains(up) || up == top) {
                    break;
                }
                if (clientTree.contains(up)) {
                    fromClient = true;
                    break;
                }
                top = up;
            }
            groupOf.put(pid, top);
            if (fromClient || ranCommand.containsKey(pid)) {
                ours.add(top);
            }
        }
        if (ours.isEmpty()) {
            return involved;
        }
        Set<Integer> out = new HashSet<>();
        for (int pid : involved) {
            Integer group = groupOf.get(pid);
            if (group == null || ours.contains(group)) {
                out.add(pid);
            }
        }
        return out;
    }

    private static boolean endsWith(List<String> command, List<String> tail) {
        return tail.size() <= command.size() && command.subList(command.size() - tail.size(), command.size()).equals(tail);
    }
}
