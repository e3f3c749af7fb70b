package io.boxtrace.render.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.container.UidMap;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.analysis.tree.ContainerTree;
import io.boxtrace.analysis.tree.ProcessTree;
import io.boxtrace.event.Clock;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessInfo;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The container pstree as JSON: {@code {"containers":[{"id","name","image","runtime","labels",
 * "parent_container","processes":[...],"runtime_processes":[...]}],"host":[...]}} where processes
 * are nested as in {@link ProcessTreeJson}; {@code runtime_processes} only with --with-runtime and
 * {@code host} only with --all. Stateless.
 */
public final class ContainerTreeJson {

    private static final ObjectMapper MAPPER = JsonOutput.MAPPER;

    private ContainerTreeJson() {
    }

    public static String write(ContainerTree.Result tree, List<ProcessInfo> all, boolean withRuntime, boolean withHost,
                               IntFunction<String> users, Clock clock) {
        ObjectNode top = MAPPER.createObjectNode();
        var arr = top.putArray("containers");
        for (ContainerTree.Group g : tree.containers()) {
            ObjectNode c = container(g.container());
            var uidMap = UidMap.parse(g.container().labels().get(UidMap.LABEL));
            var processes = ProcessTreeJson.array(ProcessTree.forest(g.roots(), g.members()), users, clock,
                    uidMap.<java.util.function.IntToLongFunction>map(m -> m::inside).orElse(null));
            // A boxtrace debug session's init is marked; other processes carry no such field.
            for (var node : processes) {
                int pid = node.path("pid").asInt();
                if (node instanceof ObjectNode o && g.roots().stream().anyMatch(r -> r.pid() == pid && g.isDebugSession(r))) {
                    o.put("debug_session", true);
                }
            }
            c.set("processes", processes);
            if (withRuntime) {
                c.set("runtime_processes", ProcessTreeJson.array(ProcessTree.forest(g.scaffolding(), List.of()), users, clock));
            }
            arr.add(c);
        }
        if (withHost) {
            top.set("host", ProcessTreeJson.array(ProcessTree.forest(tree.host()), users, clock));
        }
        return JsonOutput.write(top);
    }

    static ObjectNode container(ContainerInfo c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", c.id());
        if (c.name() != null) { // absent fields are omitted, never null (README)
            n.put("name", c.name());
        }
        if (c.image() != null) {
            n.put("image", c.image());
        }
        n.put("runtime", c.runtime());
        ObjectNode labels = n.putObject("labels");
        new java.util.TreeMap<>(c.labels()).forEach(labels::put);
        if (c.parent() != null) {
            n.set("parent_container", container(c.parent()));
        }
        return n;
    }
}
