package io.boxtrace.render.console;

import io.boxtrace.analysis.startup.StartupReport;
import io.boxtrace.render.Escape;
import io.boxtrace.render.json.Signals;
import java.io.PrintWriter;

/**
 * The start-up report for people: header, phases, the process trees with offsets, durations and
 * exits, the namespace operations; aligned, coloured on a terminal. Every string from the traced
 * world goes through {@link Escape}. Stateless.
 */
public final class StartupReportText {

    private StartupReportText() {
    }

    public static void text(StartupReport r, PrintWriter out, Style style) {
        out.println();
        // a container the engine could not name (a failed start) is shown by its id once
        String container = r.container() == null ? "(no container seen)" : r.container().name() == null
                ? Escape.text(r.container().shortId()) : Escape.text(r.container().name()) + " " + style.dim(r.container().shortId());
        out.println(style.bold("start-up of " + container + "  runtime " + Escape.text(r.runtime())
                + "  total " + Durations.human(r.endNs() - r.startNs())));
        out.println(style.bold("phases"));
        for (StartupReport.Phase p : r.phases()) {
            out.printf("  %-24s %+10.1f ms  %10s%n", p.name(), (p.startNs() - r.startNs()) / 1e6,
                    Durations.human(p.endNs() - p.startNs()));
        }
        out.println(style.bold("processes") + style.dim("  (start offset, run time of its program, exit)"));
        for (StartupReport.Proc p : r.processes()) {
            proc(out, p, false, r.startNs(), "  ", style);
        }
        out.println(style.bold("namespace operations"));
        if (r.namespaceOps().isEmpty()) {
            out.println("  " + style.dim("none seen"));
        }
        for (StartupReport.NsOp n : r.namespaceOps()) {
            out.printf("  %+10.1f ms  %-8s %-16s %-10s %s%s%s%n", (n.timeNs() - r.startNs()) / 1e6, n.pid(), Escape.text(n.comm()),
                    style.magenta(n.op()), String.join(",", n.namespaces()), n.path() == null ? "" : " " + Escape.text(n.path()),
                    (n.inode() != 0 ? " inode " + n.inode() : "") + (n.result() != 0 ? style.red(" = " + n.result()) : ""));
        }
        if (r.stoppedAt() != null) {
            out.println(style.red("start-up stopped: " + Escape.text(r.stoppedAt())));
        }
        if (r.missing() != null) {
            out.println(style.yellow("note: " + Escape.text(r.missing())));
        }
        out.flush();
    }

    /**
     * One program per line. A program is timed from its exec (a container's first program from the
     * exec that ends the runtime's set-up of its process, shown beside it, not from runc's fork); a
     * program that replaced another by exec is marked {@code exec} under it.
     */
    private static void proc(PrintWriter out, StartupReport.Proc p, boolean parentInside, long t0, String indent, Style style) {
        String exit = p.replaced() ? style.dim("replaced by exec") : p.endNs() == 0 ? style.dim("running")
                : p.signal() != 0 ? style.red(Signals.name(p.signal()))
                : p.exitCode() == 0 ? "exit 0" : style.yellow("exit " + p.exitCode());
        String dur = p.endNs() == 0 || p.startNs() == 0 ? "" : Durations.human(p.runNs() >= 0 ? p.runNs() : p.endNs() - p.startNs());
        if (p.inContainer() && !parentInside && !p.replacedParent() && p.setupNs() >= 0) {
            dur = "set-up " + Durations.human(p.setupNs()) + ", " + (dur.isEmpty() ? "running" : "ran " + dur);
        }
        String known = io.boxtrace.event.ProcessName.of(p.comm(), p.args());
        String comm = known == null ? "?" : Escape.text(known); // the proc connector lost a short-lived one's name
        String name = p.inContainer() ? style.cyan(comm + "," + p.pid() + " (" + p.nspid() + ")") : comm + "," + p.pid();
        out.printf("%s%s%s %s  %s  %s  %s%n", indent, p.replacedParent() ? style.dim("exec ") : "", name,
                ArgvFormat.join(p.args()), style.dim(String.format("%+.1f ms", (p.startNs() - t0) / 1e6)), dur, exit);
        for (StartupReport.Proc c : p.children()) {
            proc(out, c, p.inContainer(), t0, indent + "  ", style);
        }
    }
}
