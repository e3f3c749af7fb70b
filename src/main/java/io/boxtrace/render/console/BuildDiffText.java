package io.boxtrace.render.console;

import io.boxtrace.analysis.builddiff.BuildDiffReport;
import io.boxtrace.analysis.builddiff.BuildDiffReport.Change;
import io.boxtrace.analysis.builddiff.BuildDiffReport.CommandDiff;
import io.boxtrace.analysis.builddiff.BuildDiffReport.Pair;
import io.boxtrace.analysis.builddiff.BuildDiffReport.StepDiff;
import io.boxtrace.render.Escape;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Prints a {@link BuildDiffReport} for people (a terminal: aligned, coloured through {@link Style})
 * or as Markdown (a CI job summary or a pull-request comment: one table of the steps that changed,
 * then the commands that changed). Steps and commands that stayed the same are counted, not listed.
 * Argv and instructions come from the traced builds: escaped for the terminal, and for Markdown
 * table cells. Immutable.
 */
public final class BuildDiffText {

    private final Style style;

    public BuildDiffText(Style style) {
        this.style = style;
    }

    public void text(BuildDiffReport r, PrintWriter out) {
        out.println(style.bold("Build diff") + " " + Escape.text(r.oldName()) + " → " + Escape.text(r.newName())
                + ": " + ms(r.wallMs().oldValue()) + " → " + ms(r.wallMs().newValue()) + " (" + signedMs(r.wallMs().delta())
                + ", " + percent(r.wallMs().percent()) + ")");
        long same = 0;
        for (StepDiff s : r.steps()) {
            if (s.change() == Change.SAME && s.commands().stream().allMatch(c -> c.change() == Change.SAME)) {
                same++;
                continue;
            }
            out.println(String.format("  %-13s %s", colour(s.change()), style.bold(instruction(s)))
                    + "  " + figures(s.wallMs(), s.cpuMs()));
            for (CommandDiff c : s.commands()) {
                if (c.change() != Change.SAME) {
                    out.println(String.format("    %-11s %s", colour(c.change()), ArgvFormat.join(c.args()))
                            + "  " + figures(c.wallMs(), c.cpuMs()));
                }
            }
        }
        if (same > 0) {
            out.println(style.dim("  " + same + " step(s) unchanged (within " + "±10 % or ±50 ms)"));
        }
        for (String n : r.notices()) {
            out.println(style.yellow("note: ") + n);
        }
        out.flush();
    }

    public void markdown(BuildDiffReport r, PrintWriter out) {
        out.println("### Build diff: " + ms(r.wallMs().oldValue()) + " → " + ms(r.wallMs().newValue()) + " ("
                + signedMs(r.wallMs().delta()) + ", " + percent(r.wallMs().percent()) + ")");
        out.println();
        List<StepDiff> changed = r.steps().stream().filter(s -> s.change() != Change.SAME
                || s.commands().stream().anyMatch(c -> c.change() != Change.SAME)).toList();
        if (changed.isEmpty()) {
            out.println("No step changed (within ±10 % or ±50 ms).");
        } else {
            out.println("| change | step | wall old | wall new | Δ wall | CPU old | CPU new |");
            out.println("|---|---|---:|---:|---:|---:|---:|");
            for (StepDiff s : changed) {
                out.println("| " + s.change().jsonName() + " | `" + cell(instruction(s)) + "` | " + ms(s.wallMs().oldValue())
                        + " | " + ms(s.wallMs().newValue()) + " | " + signedMs(s.wallMs().delta()) + " | "
                        + ms(s.cpuMs().oldValue()) + " | " + ms(s.cpuMs().newValue()) + " |");
            }
            boolean header = false;
            for (StepDiff s : changed) {
                for (CommandDiff c : s.commands()) {
                    if (c.change() == Change.SAME) {
                        continue;
                    }
                    if (!header) {
                        out.println();
                        out.println("| change | command | wall old | wall new | CPU old | CPU new |");
                        out.println("|---|---|---:|---:|---:|---:|");
                        header = true;
                    }
                    out.println("| " + c.change().jsonName() + " | `" + cell(String.join(" ", c.args())) + "` | "
                            + ms(c.wallMs().oldValue()) + " | " + ms(c.wallMs().newValue()) + " | "
                            + ms(c.cpuMs().oldValue()) + " | " + ms(c.cpuMs().newValue()) + " |");
                }
            }
        }
        for (String n : r.notices()) {
            out.println();
            out.println("> " + cell(n));
        }
        out.flush();
    }

    private String figures(Pair wall, Pair cpu) {
        StringBuilder b = new StringBuilder(ms(wall.oldValue()) + " → " + ms(wall.newValue()));
        if (wall.delta() != null) {
            b.append(" (").append(signedMs(wall.delta())).append(')');
        }
        if (cpu.oldValue() != null || cpu.newValue() != null) {
            b.append(style.dim("  cpu " + ms(cpu.oldValue()) + " → " + ms(cpu.newValue())));
        }
        return b.toString();
    }

    private String colour(Change c) {
        String name = c.jsonName();
        return switch (c) {
            case SLOWER, CACHE_LOST, ADDED -> style.red(name);
            case FASTER, CACHE_GAINED, REMOVED -> style.yellow(name);
            case SAME -> style.dim(name);
        };
    }

    private static String instruction(StepDiff s) {
        return s.instruction() == null ? "(unnamed step)" : Escape.text(s.instruction());
    }

    /** A Markdown table cell inside backticks: no pipe, backtick or line break can end it early. */
    static String cell(String s) {
        return Escape.text(s).replace("|", "\\|").replace("`", "'").replace("\n", " ");
    }

    static String ms(Double v) {
        if (v == null) {
            return "–";
        }
        return v >= 1000 ? String.format(Locale.ROOT, "%.2f s", v / 1000) : String.format(Locale.ROOT, "%.1f ms", v);
    }

    static String signedMs(Double v) {
        return v == null ? "–" : (v >= 0 ? "+" : "−") + ms(Math.abs(v));
    }

    static String percent(Double p) {
        return p == null ? "–" : String.format(Locale.ROOT, "%+.1f %%", p);
    }
}
