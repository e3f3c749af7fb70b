package io.boxtrace.render.console;

import io.boxtrace.analysis.tree.ContainerTree;
import io.boxtrace.container.KubernetesIdentity;
import io.boxtrace.container.UidMap;
import io.boxtrace.render.Escape;
import io.boxtrace.analysis.tree.ProcessTree;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessInfo;
import java.io.PrintWriter;
import java.util.List;

/**
 * The container pstree as text: a header line per container (name, short id, image, runtime, and
 * a Kubernetes container's pod),
 * its runtime processes with {@code --with-runtime}, its process trees, and the host's trees with
 * {@code --all}. Immutable; render from any thread.
 */
public final class ContainerTreeText {

    private final Style style;
    private final TreeRenderer renderer;

    public ContainerTreeText(Style style, TreeRenderer renderer) {
        this.style = style;
        this.renderer = renderer;
    }

    /**
     * @param tree        the containers to show and the host's processes
     * @param filters     the user's --container filters (only for the "nothing matches" line)
     */
    public void render(PrintWriter out, ContainerTree.Result tree, boolean withRuntime, boolean withHost,
                       List<String> filters) {
        for (ContainerTree.Group g : tree.containers()) {
            ContainerInfo info = g.container();
            out.println(style.bold(style.cyan(Escape.text(info.displayName()))) + "  " + style.dim(Escape.text(info.shortId())) + "  "
                    + (info.image() == null ? style.dim("(image unknown)") : Escape.text(info.image())) + "  "
                    + style.dim(Escape.text(info.runtime()))
                    + KubernetesIdentity.podText(info).map(pod -> "  pod " + Escape.text(pod)).orElse("")
                    + (info.parent() != null ? style.dim("  in " + Escape.text(info.parent().displayName())) : ""));
            if (withRuntime) {
                for (ProcessInfo s : g.scaffolding()) {
                    out.println("  " + style.dim("runtime: ") + renderer.line(s));
                }
            }
            TreeRenderer inside = UidMap.parse(info.labels().get(UidMap.LABEL))
                    .map(m -> renderer.withInsideUids(m::inside)).orElse(renderer);
            inside.markingDebugSessions(p -> g.roots().contains(p) && g.isDebugSession(p))
                    .render(out, ProcessTree.forest(g.roots(), g.members()), "  ");
            out.println();
        }
        if (tree.containers().isEmpty() && !withHost) {
            out.println(filters.isEmpty() ? "no containers are running (--all shows the host's processes)"
                    : "no running container matches " + Escape.text(String.join(", ", filters)));
        }
        if (withHost) {
            out.println(style.bold("host"));
            renderer.render(out, ProcessTree.forest(tree.host()), "  ");
        }
    }
}
