package io.boxtrace.sink.console;

import io.boxtrace.event.ProcessInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Prints processes as a tree, like {@code pstree -alp}: one line per process with its name, host
 * pid, (inside a container) its pid there, user and full command line, children indented under
 * their parent in pid order. Immutable; render from any thread.
 */
public final class TreeRenderer {

    private final Style style;
    private final IntFunction<String> userName;
    private final boolean showNsPid;
    private final java.util.function.Predicate<ProcessInfo> debugSession;

    /**
     * @param userName  uid → name (falls back to the number)
     * @param showNsPid also print the pid inside the innermost pid namespace
     */
    public TreeRenderer(Style style, IntFunction<String> userName, boolean showNsPid) {
        this(style, userName, showNsPid, p -> false);
    }

    private TreeRenderer(Style style, IntFunction<String> userName, boolean showNsPid,
                         java.util.function.Predicate<ProcessInfo> debugSession) {
        this.style = style;
        this.userName = userName;
        this.showNsPid = showNsPid;
        this.debugSession = debugSession;
    }

    /** The same renderer, marking the processes that start a {@code boxtrace debug} session. */
    public TreeRenderer markingDebugSessions(java.util.function.Predicate<ProcessInfo> isSession) {
        return new TreeRenderer(style, userName, showNsPid, isSession);
    }

    /** Prints the trees rooted at roots, where children are found among all by ppid. */
    public void render(PrintWriter out, List<ProcessInfo> roots, List<ProcessInfo> all, String indent) {
        Map<Integer, List<ProcessInfo>> children = childrenByParent(all);
        List<ProcessInfo> sorted = new ArrayList<>(roots);
        sorted.sort(Comparator.comparingInt(ProcessInfo::pid));
        for (ProcessInfo root : sorted) {
            out.println(indent + line(root));
            renderChildren(out, root, children, indent, new java.util.HashSet<>());
        }
    }

    public static Map<Integer, List<ProcessInfo>> childrenByParent(List<ProcessInfo> all) {
        Map<Integer, List<ProcessInfo>> children = new HashMap<>();
        for (ProcessInfo p : all) {
            if (p.ppid() != p.pid()) {
                children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
            }
        }
        children.values().forEach(l -> l.sort(Comparator.comparingInt(ProcessInfo::pid)));
        return children;
    }

    private void renderChildren(PrintWriter out, ProcessInfo parent, Map<Integer, List<ProcessInfo>> children,
                                String prefix, java.util.Set<Integer> seen) {
        if (!seen.add(parent.pid())) {
            return; // a cycle can only come from inconsistent input; never loop on it
        }
        List<ProcessInfo> kids = children.getOrDefault(parent.pid(), List.of());
        for (int i = 0; i < kids.size(); i++) {
            boolean last = i == kids.size() - 1;
            ProcessInfo k = kids.get(i);
            out.println(prefix + style.dim(last ? "└─" : "├─") + line(k));
            renderChildren(out, k, children, prefix + style.dim(last ? "  " : "│ "), seen);
        }
    }

    /** {@code sh,1234 (1) root sh -c 'sleep 1'}: name,pid (pid in the container) user command line. */
    public String line(ProcessInfo p) {
        StringBuilder sb = new StringBuilder();
        if (debugSession.test(p)) {
            sb.append(style.magenta("[debug session] "));
        }
        sb.append(style.bold(p.comm() == null ? "?" : p.comm())).append(',').append(p.pid());
        if (showNsPid && p.nsPids().size() > 1) {
            sb.append(style.cyan(" (" + p.innermostPid() + ")"));
        }
        if (p.uid() >= 0) {
            sb.append(' ').append(style.yellow(userName.apply(p.uid())));
        }
        if (p.kernelThread()) {
            sb.append(style.dim(" [kernel thread]"));
        } else if (!p.args().isEmpty()) {
            sb.append(' ').append(ArgvFormat.join(p.args()));
        }
        return sb.toString();
    }
}
