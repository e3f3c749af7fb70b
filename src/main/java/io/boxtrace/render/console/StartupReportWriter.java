package io.boxtrace.render.console;

import io.boxtrace.analysis.startup.StartupReport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.event.Clock;
import io.boxtrace.render.console.ArgvFormat;
import io.boxtrace.render.console.Durations;
import io.boxtrace.render.console.Style;
import io.boxtrace.render.json.Signals;
import io.boxtrace.render.json.TimeFormat;
import java.io.PrintWriter;
import java.util.List;

/** The start-up report as text (aligned, coloured on a terminal), JSON (README) and a Chrome trace. Stateless. */
public final class StartupReportWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StartupReportWriter() {
    }

    public static void text(StartupReport r, PrintWriter out, Style style) {
        out.println();
        out.println(style.bold("start-up of " + (r.container() == null ? "(no container seen)"
                : r.container().displayName() + " " + style.dim(r.container().shortId())) + "  runtime " + r.runtime()
                + "  total " + Durations.human(r.endNs() - r.startNs())));
        out.println(style.bold("phases"));
        for (StartupReport.Phase p : r.phases()) {
            out.printf("  %-24s %+10.1f ms  %10s%n", p.name(), (p.startNs() - r.startNs()) / 1e6,
                    Durations.human(p.endNs() - p.startNs()));
        }
        out.println(style.bold("processes") + style.dim("  (start offset, duration, exit)"));
        for (StartupReport.Proc p : r.processes()) {
            proc(out, p, r.startNs(), "  ", style);
        }
        out.println(style.bold("namespace operations"));
        if (r.namespaceOps().isEmpty()) {
            out.println("  " + style.dim("none seen"));
        }
        for (StartupReport.NsOp n : r.namespaceOps()) {
            out.printf("  %+10.1f ms  %-8s %-16s %-10s %s%s%s%n", (n.timeNs() - r.startNs()) / 1e6, n.pid(), n.comm(),
                    style.magenta(n.op()), String.join(",", n.namespaces()), n.path() == null ? "" : " " + n.path(),
                    (n.inode() != 0 ? " inode " + n.inode() : "") + (n.result() != 0 ? style.red(" = " + n.result()) : ""));
        }
        if (r.stoppedAt() != null) {
            out.println(style.red("start-up stopped: " + r.stoppedAt()));
        }
        if (r.missing() != null) {
            out.println(style.yellow("note: " + r.missing()));
        }
        out.flush();
    }

    private static void proc(PrintWriter out, StartupReport.Proc p, long t0, String indent, Style style) {
        String exit = p.endNs() == 0 ? style.dim("running") : p.signal() != 0 ? style.red(Signals.name(p.signal()))
                : p.exitCode() == 0 ? "exit 0" : style.yellow("exit " + p.exitCode());
        String dur = p.endNs() == 0 || p.startNs() == 0 ? "" : Durations.human(p.endNs() - p.startNs());
        String name = p.inContainer() ? style.cyan(p.comm() + "," + p.pid() + " (" + p.nspid() + ")") : p.comm() + "," + p.pid();
        out.printf("%s%s %s  %s  %s  %s%n", indent, name, ArgvFormat.join(p.args()),
                style.dim(String.format("%+.1f ms", (p.startNs() - t0) / 1e6)), dur, exit);
        for (StartupReport.Proc c : p.children()) {
            proc(out, c, t0, indent + "  ", style);
        }
    }

    public static String json(StartupReport r, Clock clock) {
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
            o.put("path", n.path());
            o.put("inode", n.inode());
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
        return top.toString();
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
            if (p.endNs() != 0) {
                o.put("end", tf.rfc3339(clock.toEpochNs(p.endNs())));
                o.put("duration_ms", p.startNs() == 0 ? 0 : (p.endNs() - p.startNs()) / 1e6);
                if (p.signal() != 0) {
                    o.put("signal", p.signal());
                } else {
                    o.put("exit_code", p.exitCode());
                }
            }
            o.put("in_container", p.inContainer());
            o.set("children", procs(p.children(), clock, tf));
        }
        return arr;
    }

    /** Chrome Trace Event JSON: one slice per process (tid = pid), phases on their own track, namespace ops as instants. */
    public static String chromeTrace(StartupReport r) {
        ObjectNode top = MAPPER.createObjectNode();
        ArrayNode ev = top.putArray("traceEvents");
        for (StartupReport.Phase p : r.phases()) {
            ObjectNode o = ev.addObject();
            o.put("name", p.name()).put("ph", "X").put("pid", 1).put("tid", 0)
                    .put("ts", (p.startNs() - r.startNs()) / 1e3).put("dur", (p.endNs() - p.startNs()) / 1e3);
        }
        chromeProcs(ev, r.processes(), r);
        for (StartupReport.NsOp n : r.namespaceOps()) {
            ObjectNode o = ev.addObject();
            o.put("name", n.op() + " " + String.join(",", n.namespaces())).put("ph", "i").put("s", "t").put("pid", 1)
                    .put("tid", n.pid()).put("ts", (n.timeNs() - r.startNs()) / 1e3);
        }
        ObjectNode meta = ev.addObject();
        meta.put("name", "thread_name").put("ph", "M").put("pid", 1).put("tid", 0).putObject("args").put("name", "phases");
        return top.toString();
    }

    private static void chromeProcs(ArrayNode ev, List<StartupReport.Proc> ps, StartupReport r) {
        for (StartupReport.Proc p : ps) {
            if (p.startNs() != 0) {
                long endNs = p.endNs() != 0 ? p.endNs() : r.endNs();
                ObjectNode o = ev.addObject();
                o.put("name", p.comm() + " " + String.join(" ", p.args())).put("ph", "X").put("pid", 1).put("tid", p.pid())
                        .put("ts", (p.startNs() - r.startNs()) / 1e3).put("dur", Math.max(0, endNs - p.startNs()) / 1e3);
                o.putObject("args").put("exit_code", p.exitCode()).put("signal", p.signal());
            }
            chromeProcs(ev, p.children(), r);
        }
    }
}
