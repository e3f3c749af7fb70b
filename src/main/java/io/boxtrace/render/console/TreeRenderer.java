package io.boxtrace.render.console;

import io.boxtrace.analysis.tree.ProcessTree;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.render.Escape;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import java.util.function.Predicate;

/**
 * Prints processes as a tree, like {@code pstree -alp}: one line per process with its name, host
 * pid, (inside a container) its pid there, user and full command line, children indented under
 * their parent in pid order. Immutable; render from any thread.
 */
public final class TreeRenderer {

    private final Style style;
    private final IntFunction<String> userName;
    private final IntToLongFunction insideUid;
    private final boolean showNsPid;
    private final Predicate<ProcessInfo> debugSession;

    /**
     * @param userName  uid → name (falls back to the number)
     * @param showNsPid also print the pid inside the innermost pid namespace
     */
    public TreeRenderer(Style style, IntFunction<String> userName, boolean showNsPid) {
        this(style, userName, showNsPid, null, p -> false);
    }

    private TreeRenderer(Style style, IntFunction<String> userName, boolean showNsPid, IntToLongFunction insideUid,
                         Predicate<ProcessInfo> debugSession) {
        this.style = style;
        this.userName = userName;
        this.showNsPid = showNsPid;
        this.insideUid = insideUid;
        this.debugSession = debugSession;
    }

    /** The same renderer, marking the processes that start a {@code boxtrace debug} session. */
    public TreeRenderer markingDebugSessions(Predicate<ProcessInfo> isSession) {
        return new TreeRenderer(style, userName, showNsPid, insideUid, isSession);
    }

    /**
     * The same renderer for a container in a user namespace: each user is followed by the uid the
     * process has inside, e.g. {@code alice(0 inside)}; -1 from the mapping shows as unmapped.
     */
    public TreeRenderer withInsideUids(IntToLongFunction insideUid) {
        return new TreeRenderer(style, userName, showNsPid, insideUid, debugSession);
    }

    /** Prints each tree: its root at indent, descendants below it with tree branches. */
    public void render(PrintWriter out, List<ProcessTree.Node> trees, String indent) {
        for (ProcessTree.Node root : trees) {
            out.println(indent + line(root.process()));
            renderChildren(out, root, indent);
        }
    }

    private void renderChildren(PrintWriter out, ProcessTree.Node parent, String prefix) {
        List<ProcessTree.Node> kids = parent.children();
        for (int i = 0; i < kids.size(); i++) {
            boolean last = i == kids.size() - 1;
            ProcessTree.Node k = kids.get(i);
            out.println(prefix + style.dim(last ? "└─" : "├─") + line(k.process()));
            renderChildren(out, k, prefix + style.dim(last ? "  " : "│ "));
        }
    }

    /** {@code sh,1234 (1) root sh -c 'sleep 1'}: name,pid (pid in the container) user command line. */
    public String line(ProcessInfo p) {
        StringBuilder sb = new StringBuilder();
        if (debugSession.test(p)) {
            sb.append(style.magenta("[debug session] "));
        }
        sb.append(style.bold(p.comm() == null ? "?" : Escape.text(p.comm()))).append(',').append(p.pid());
        if (showNsPid && p.nsPids().size() > 1) {
            sb.append(style.cyan(" (" + p.innermostPid() + ")"));
        }
        if (p.uid() >= 0) {
            sb.append(" ").append(style.yellow(Escape.text(userName.apply(p.uid()))));
            if (insideUid != null) {
                long in = insideUid.applyAsLong(p.uid());
                sb.append(style.dim(in < 0 ? "(unmapped inside)" : "(" + in + " inside)"));
            }
        }
        if (p.kernelThread()) {
            sb.append(style.dim(" [kernel thread]"));
        } else if (!p.args().isEmpty()) {
            sb.append(' ').append(ArgvFormat.join(p.args()));
        }
        return sb.toString();
    }
}
