package io.boxtrace.render.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.event.Clock;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.analysis.tree.ProcessTree;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * The process tree as JSON: {@code {"processes":[{"pid","nspid","ppid","comm","user","uid","args",
 * "start","children":[...]}]}} (README "JSON output"). Stateless.
 */
public final class ProcessTreeJson {

    private static final ObjectMapper MAPPER = JsonOutput.MAPPER;

    private ProcessTreeJson() {
    }

    public static String write(List<ProcessTree.Node> trees, IntFunction<String> users, Clock clock) {
        ObjectNode top = MAPPER.createObjectNode();
        top.set("processes", array(trees, users, clock));
        return JsonOutput.write(top);
    }

    /** The trees as a JSON array. */
    public static ArrayNode array(List<ProcessTree.Node> trees, IntFunction<String> users, Clock clock) {
        return array(trees, users, clock, null);
    }

    /** @param insideUid host uid → uid inside the container's user namespace (-1: unmapped), or null */
    public static ArrayNode array(List<ProcessTree.Node> trees, IntFunction<String> users, Clock clock,
                                  IntToLongFunction insideUid) {
        ArrayNode arr = MAPPER.createArrayNode();
        TimeFormat time = new TimeFormat();
        for (ProcessTree.Node r : trees) {
            arr.add(node(r, users, clock, time, insideUid));
        }
        return arr;
    }

    private static ObjectNode node(ProcessTree.Node node, IntFunction<String> users, Clock clock, TimeFormat time,
                                   IntToLongFunction insideUid) {
        ProcessInfo p = node.process();
        ObjectNode n = MAPPER.createObjectNode();
        n.put("pid", p.pid());
        n.put("nspid", p.innermostPid());
        n.put("ppid", p.ppid());
        n.put("comm", p.comm());
        if (p.uid() >= 0) {
            n.put("user", users.apply(p.uid()));
            n.put("uid", p.uid());
            if (insideUid != null && insideUid.applyAsLong(p.uid()) >= 0) {
                n.put("uid_in_container", insideUid.applyAsLong(p.uid()));
            }
        }
        ArrayNode args = n.putArray("args");
        p.args().forEach(args::add);
        if (p.startNs() > 0) {
            n.put("start", time.rfc3339(clock.toEpochNs(p.startNs())));
        }
        ArrayNode kids = n.putArray("children");
        for (ProcessTree.Node c : node.children()) {
            kids.add(node(c, users, clock, time, insideUid));
        }
        return n;
    }
}
