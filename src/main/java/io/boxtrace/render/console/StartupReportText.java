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
        out.println(style.bold("start-up of " + (r.container() == null ? "(no container seen)"
                : Escape.text(r.container().displayName()) + " " + style.dim(r.container().shortId())) + "  runtime " + Escape.text(r.runtime())
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

    private static void proc(PrintWriter out, StartupReport.Proc p, long t0, String indent, Style style) {
        String exit = p.endNs() == 0 ? style.dim("running") : p.signal() != 0 ? style.red(Signals.name(p.signal()))
                : p.exitCode() == 0 ? "exit 0" : style.yellow("exit " + p.exitCode());
        String dur = p.endNs() == 0 || p.startNs() == 0 ? "" : Durations.human(p.endNs() - p.startNs());
        String comm = Escape.text(p.comm());
        String name = p.inContainer() ? style.cyan(comm + "," + p.pid() + " (" + p.nspid() + ")") : comm + "," + p.pid();
        out.printf("%s%s %s  %s  %s  %s%n", indent, name, ArgvFormat.join(p.args()),
                style.dim(String.format("%+.1f ms", (p.startNs() - t0) / 1e6)), dur, exit);
        for (StartupReport.Proc c : p.children()) {
            proc(out, c, t0, indent + "  ", style);
        }
    }
}
