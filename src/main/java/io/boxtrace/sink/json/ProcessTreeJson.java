package io.boxtrace.sink.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.event.Clock;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.sink.console.TreeRenderer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The process tree as JSON: {@code {"processes":[{"pid","nspid","ppid","comm","user","uid","args",
 * "start","children":[...]}]}} (README "JSON output"). Stateless.
 */
public final class ProcessTreeJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ProcessTreeJson() {
    }

    public static String write(List<ProcessInfo> roots, List<ProcessInfo> all, IntFunction<String> users, Clock clock) {
        ObjectNode top = MAPPER.createObjectNode();
        top.set("processes", array(roots, all, users, clock));
        return top.toString();
    }

    /** The trees rooted at roots as a JSON array (children found among all by ppid). */
    public static ArrayNode array(List<ProcessInfo> roots, List<ProcessInfo> all, IntFunction<String> users, Clock clock) {
        Map<Integer, List<ProcessInfo>> children = TreeRenderer.childrenByParent(all);
        ArrayNode arr = MAPPER.createArrayNode();
        TimeFormat time = new TimeFormat();
        Set<Integer> seen = new HashSet<>();
        for (ProcessInfo r : roots.stream().sorted(java.util.Comparator.comparingInt(ProcessInfo::pid)).toList()) {
            arr.add(node(r, children, users, clock, time, seen));
        }
        return arr;
    }

    private static ObjectNode node(ProcessInfo p, Map<Integer, List<ProcessInfo>> children, IntFunction<String> users,
                                   Clock clock, TimeFormat time, Set<Integer> seen) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("pid", p.pid());
        n.put("nspid", p.innermostPid());
        n.put("ppid", p.ppid());
        n.put("comm", p.comm());
        if (p.uid() >= 0) {
            n.put("user", users.apply(p.uid()));
            n.put("uid", p.uid());
        }
        ArrayNode args = n.putArray("args");
        p.args().forEach(args::add);
        if (p.startNs() > 0) {
            n.put("start", time.rfc3339(clock.toEpochNs(p.startNs())));
        }
        ArrayNode kids = n.putArray("children");
        if (seen.add(p.pid())) {
            for (ProcessInfo c : children.getOrDefault(p.pid(), List.of())) {
                kids.add(node(c, children, users, clock, time, seen));
            }
        }
        return n;
    }
}
