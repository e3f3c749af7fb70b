package io.boxtrace.analysis.tree;

import io.boxtrace.event.ProcessInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The process tree model that every tree output renders (text and JSON): built once from a list of
 * live processes, children in pid order. Immutable; pure.
 */
public final class ProcessTree {

    /** One process and the processes whose parent it is, in pid order. */
    public record Node(ProcessInfo process, List<Node> children) {
        public Node {
            children = List.copyOf(children);
        }
    }

    private ProcessTree() {
    }

    /**
     * The trees rooted at roots (in pid order), children found among all by ppid. A process reached
     * twice (only possible with inconsistent input) appears again without children, so a cycle never loops.
     */
    public static List<Node> forest(List<ProcessInfo> roots, List<ProcessInfo> all) {
        Map<Integer, List<ProcessInfo>> children = childrenByParent(all);
        List<Node> out = new ArrayList<>();
        for (ProcessInfo r : roots.stream().sorted(Comparator.comparingInt(ProcessInfo::pid)).toList()) {
            out.add(node(r, children, new HashSet<>()));
        }
        return out;
    }

    /** The trees of the processes among all whose parent is not among them. */
    public static List<Node> forest(List<ProcessInfo> all) {
        Set<Integer> pids = new HashSet<>();
        all.forEach(p -> pids.add(p.pid()));
        return forest(all.stream().filter(p -> !pids.contains(p.ppid())).toList(), all);
    }

    private static Node node(ProcessInfo p, Map<Integer, List<ProcessInfo>> children, Set<Integer> seen) {
        if (!seen.add(p.pid())) {
            return new Node(p, List.of());
        }
        List<Node> kids = new ArrayList<>();
        for (ProcessInfo c : children.getOrDefault(p.pid(), List.of())) {
            kids.add(node(c, children, seen));
        }
        return new Node(p, kids);
    }

    private static Map<Integer, List<ProcessInfo>> childrenByParent(List<ProcessInfo> all) {
        Map<Integer, List<ProcessInfo>> children = new HashMap<>();
        for (ProcessInfo p : all) {
            if (p.ppid() != p.pid()) {
                children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
            }
        }
        children.values().forEach(l -> l.sort(Comparator.comparingInt(ProcessInfo::pid)));
        return children;
    }
}
