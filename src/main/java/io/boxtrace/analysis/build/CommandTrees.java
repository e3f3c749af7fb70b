package io.boxtrace.analysis.build;

import io.boxtrace.event.ProcessKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the processes of one container into command trees. A process that exec'd several programs
 * (busybox/dash run the last command of {@code a && b && c} in the shell's own process) becomes a
 * chain: the first program holds the fork-to-exit lifetime, each later program is a child node
 * flagged {@code replacedParent} from its exec to the exit. Children forked while a program ran
 * hang under that program. Stateless.
 */
final class CommandTrees {

    private CommandTrees() {
    }

    static List<CommandNode> build(List<TracedProcess> processes) {
        Map<ProcessKey, TracedProcess> byKey = new HashMap<>();
        Map<Integer, List<TracedProcess>> byPid = new HashMap<>();
        for (TracedProcess p : processes) {
            byKey.put(p.key, p);
            byPid.computeIfAbsent(p.key.pid(), k -> new ArrayList<>()).add(p);
        }
        Map<TracedProcess, List<TracedProcess>> children = new HashMap<>();
        List<TracedProcess> roots = new ArrayList<>();
        for (TracedProcess p : processes) {
            TracedProcess parent = p.forkedInside ? parentOf(p, byKey, byPid) : null;
            if (parent == null) {
                roots.add(p);
            } else {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(p);
            }
        }
        // A root that exec'd nothing of its own (runc's init, whose images are left out) is not a
        // command: its children stand in its place.
        List<TracedProcess> shown = new ArrayList<>();
        java.util.ArrayDeque<TracedProcess> todo = new java.util.ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            TracedProcess p = todo.poll();
            if (p.images.isEmpty()) {
                todo.addAll(children.getOrDefault(p, List.of()));
            } else {
                shown.add(p);
            }
        }
        return shown.stream().sorted(Comparator.comparingLong(TracedProcess::startNs))
                .map(p -> node(p, children)).toList();
    }

    private static TracedProcess parentOf(TracedProcess p, Map<ProcessKey, TracedProcess> byKey,
                                          Map<Integer, List<TracedProcess>> byPid) {
        if (p.parentKey != null && byKey.containsKey(p.parentKey)) {
            return byKey.get(p.parentKey);
        }
        // Parent known by pid only: the one alive at the child's fork.
        return byPid.getOrDefault(p.parentPid, List.of()).stream()
                .filter(c -> c.key.startNs() <= p.key.startNs() && (c.exitNs == 0 || c.exitNs >= p.key.startNs()))
                .findFirst().orElse(null);
    }

    private static CommandNode node(TracedProcess p, Map<TracedProcess, List<TracedProcess>> children) {
        List<TracedProcess> kids = new ArrayList<>(children.getOrDefault(p, List.of()));
        kids.sort(Comparator.comparingLong(k -> k.key.startNs()));
        List<TracedProcess.Image> images = p.images.isEmpty()
                ? List.of(new TracedProcess.Image(p.startNs(), List.of(), false, p.lastComm, false)) : p.images;
        return image(p, images, 0, p.startNs(), kids, children);
    }

    /** The node for images[i] and, below it, the programs the same process exec'd after it. */
    private static CommandNode image(TracedProcess p, List<TracedProcess.Image> images, int i, long startNs,
                                     List<TracedProcess> kids, Map<TracedProcess, List<TracedProcess>> children) {
        TracedProcess.Image img = images.get(i);
        long until = i + 1 < images.size() ? images.get(i + 1).timeNs() : Long.MAX_VALUE;
        List<CommandNode> mine = new ArrayList<>();
        for (TracedProcess k : kids) {
            if (k.key.startNs() < until) {
                mine.add(node(k, children));
            }
        }
        if (i + 1 < images.size()) {
            List<TracedProcess> later = kids.stream().filter(k -> k.key.startNs() >= until).toList();
            mine.add(image(p, images, i + 1, images.get(i + 1).timeNs(), later, children));
        }
        return new CommandNode(p.key.pid(), img.args(), img.argvLost(), img.comm(), startNs, p.exitNs,
                p.exitNs == 0 ? -1 : p.exitCode, p.signal, i > 0, mine, false,
                i == images.size() - 1 ? p.resources : null);
    }
}
