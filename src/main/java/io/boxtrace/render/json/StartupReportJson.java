package io.boxtrace.render.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.analysis.startup.StartupReport;
import io.boxtrace.event.Clock;
import io.boxtrace.event.ProcessResources;
import io.boxtrace.recording.ResourceJson;
import java.util.List;

/** The start-up report as one JSON document (fields in README.md, "boxtrace run"). Stateless. */
public final class StartupReportJson {

    private static final ObjectMapper MAPPER = JsonOutput.MAPPER;

    private StartupReportJson() {
    }

    public static String json(StartupReport r, Clock clock) {
        return json(r, clock, null);
    }

    /** @param interrupted the signal that stopped the run ({@code SIGINT}, {@code SIGTERM}), or null */
    public static String json(StartupReport r, Clock clock, String interrupted) {
        TimeFormat tf = new TimeFormat();
        ObjectNode top = MAPPER.createObjectNode();
        top.put("runtime", r.runtime());
        ObjectNode c = top.putObject("container");
        if (r.container() != null) {
            c.put("id", r.container().id());
            c.put("name", r.container().name());
            c.put("image", r.container().image());
        }
        top.put("start", tf.rfc3339(clock.toEpochNs(r.startNs())));
        top.put("duration_ms", (r.endNs() - r.startNs()) / 1e6);
        top.set("processes", procs(r.processes(), clock, tf));
        ArrayNode ops = top.putArray("namespace_ops");
        for (StartupReport.NsOp n : r.namespaceOps()) {
            ObjectNode o = ops.addObject();
            o.put("time", tf.rfc3339(clock.toEpochNs(n.timeNs())));
            o.put("offset_ms", (n.timeNs() - r.startNs()) / 1e6);
            o.put("pid", n.pid());
            o.put("comm", n.comm());
            o.put("op", n.op());
            ArrayNode ns = o.putArray("namespaces");
            n.namespaces().forEach(ns::add);
            o.put("path", n.path()); // absent (null: left out) for an unshare
            if (n.inode() != 0) {
                o.put("inode", n.inode());
            }
            o.put("result", n.result());
        }
        ArrayNode phases = top.putArray("phases");
        for (StartupReport.Phase p : r.phases()) {
            ObjectNode o = phases.addObject();
            o.put("name", p.name());
            o.put("start", tf.rfc3339(clock.toEpochNs(p.startNs())));
            o.put("offset_ms", (p.startNs() - r.startNs()) / 1e6);
            o.put("duration_ms", p.durationMs());
        }
        if (r.missing() != null) {
            top.put("missing", r.missing());
        }
        if (r.stoppedAt() != null) {
            top.put("stopped_at", r.stoppedAt());
        }
        if (r.failed() != null) {
            ObjectNode f = top.putObject("failed_process");
            f.put("pid", r.failed().pid());
            f.put("comm", r.failed().comm());
            if (r.failed().signal() != 0) {
                f.put("signal", r.failed().signal());
            } else {
                f.put("exit_code", r.failed().exitCode());
            }
        }
        if (interrupted != null) {
            top.put("interrupted", interrupted);
        }
        return JsonOutput.write(top);
    }

    private static ArrayNode procs(List<StartupReport.Proc> ps, Clock clock, TimeFormat tf) {
        ArrayNode arr = MAPPER.createArrayNode();
        for (StartupReport.Proc p : ps) {
            ObjectNode o = arr.addObject();
            o.put("pid", p.pid());
            o.put("nspid", p.nspid());
            o.put("comm", p.comm());
            ArrayNode args = o.putArray("args");
            p.args().forEach(args::add);
            if (p.startNs() != 0) {
                o.put("start", tf.rfc3339(clock.toEpochNs(p.startNs())));
            }
            if (p.execNs() != 0) {
                o.put("exec", tf.rfc3339(clock.toEpochNs(p.execNs())));
            }
            if (p.setupNs() >= 0) {
                o.put("setup_ms", p.setupNs() / 1e6);
            }
            if (p.endNs() != 0) {
                o.put("end", tf.rfc3339(clock.toEpochNs(p.endNs())));
                o.put("duration_ms", p.startNs() == 0 ? 0 : (p.endNs() - p.startNs()) / 1e6);
                if (p.runNs() >= 0) {
                    o.put("run_ms", p.runNs() / 1e6);
                }
                if (p.replaced()) {
                    // no exit of its own: the child with replaced_parent took over the process
                } else if (p.signal() != 0) {
                    o.put("signal", p.signal());
                } else {
                    o.put("exit_code", p.exitCode());
                }
            }
            if (p.replacedParent()) {
                o.put("replaced_parent", true);
            }
            o.put("in_container", p.inContainer());
            ResourceJson.put(o, p.resources());
            if (ProcessResources.known(p.childrenCpuNs())) {
                o.put("children_cpu_ms", p.childrenCpuNs() / 1e6);
            }
            o.set("children", procs(p.children(), clock, tf));
        }
        return arr;
    }
}
