package io.boxtrace.render.html;

import io.boxtrace.render.json.BuildProfileJson;
import io.boxtrace.analysis.build.BuildStep;
import io.boxtrace.analysis.build.StepProfile;

import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.CommandNode;

import io.boxtrace.render.console.ArgvFormat;
import io.boxtrace.render.console.Durations;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Optional;

/**
 * Writes a {@link BuildProfile} as one self-contained HTML page (no scripts, no external files):
 * a summary, then every step as a row with a bar on the build's timeline, and under it its
 * command tree with bars of their own (hover for exact times). The JSON profile is embedded in a
 * {@code <script type="application/json" id="profile">} element for tools. Stateless.
 */
public final class BuildHtmlWriter {

    private BuildHtmlWriter() {
    }

    public static void write(BuildProfile p, Writer out) throws IOException {
        long total = Math.max(p.durationNs(), 1);
        out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>boxtrace build profile</title>\n<style>\n"
                + "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
                + "table{border-collapse:collapse;width:100%}td{padding:2px 6px;vertical-align:top;white-space:nowrap}"
                + "td.w{width:45%}td.c{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px}"
                + ".bar{position:relative;height:12px;background:#eef}.bar span{position:absolute;height:12px;background:#58c}"
                + ".bar span.s{background:#cb6}.step{border-top:1px solid #ccc;font-weight:600}.cached{color:#888}"
                + ".failed{color:#b00}.num{text-align:right;font-variant-numeric:tabular-nums}\n</style></head><body>\n");
        out.write("<h1>Build profile</h1>\n<p>" + esc(String.join(" ", p.command())) + "<br>builder <b>" + p.builder().jsonName()
                + "</b>, started " + esc(p.startedAt().toString()) + ", total <b>" + Durations.human(p.durationNs())
                + "</b>, exit " + p.exitCode() + "</p>\n");
        for (String n : p.notices()) {
            out.write("<p class=\"failed\">note: " + esc(n) + "</p>\n");
        }
        Optional<StepProfile> failed = p.failedStep();
        if (failed.isPresent()) {
            Optional<CommandNode> cmd = BuildProfile.failedCommand(failed.get());
            out.write("<p class=\"failed\">Failed step: " + esc(String.valueOf(failed.get().step().instruction()))
                    + cmd.map(c -> " — command <code>" + esc(argv(c)) + "</code> exited " + c.exitCode()).orElse("") + "</p>\n");
        }
        out.write("<table><tr><th>step</th><th>start</th><th>duration</th><th>set-up</th><th>timeline</th><th>what</th></tr>\n");
        for (StepProfile s : p.steps()) {
            BuildStep b = s.step();
            String cls = b.cached() ? "step cached" : b.failed() ? "step failed" : "step";
            out.write("<tr class=\"" + cls + "\"><td>" + esc(b.position() == null ? String.valueOf(b.index()) : b.position())
                    + "</td><td class=\"num\">" + secs(s.startNs() - p.startNs()) + "</td><td class=\"num\">"
                    + Durations.human(s.durationNs()) + "</td><td class=\"num\">" + (s.processes().isEmpty() ? "" : Durations.human(s.setupNs()))
                    + "</td><td class=\"w\">" + bar(s.startNs() - p.startNs(), s.durationNs(), total, s.setupNs())
                    + "</td><td class=\"c\">" + (b.cached() ? "CACHED " : "") + esc(b.instruction() == null
                    ? "container " + s.containerId() : b.instruction()) + "</td></tr>\n");
            for (CommandNode c : s.processes()) {
                command(out, c, p.startNs(), total, 1);
            }
        }
        out.write("</table>\n<script type=\"application/json\" id=\"profile\">");
        StringWriter json = new StringWriter();
        BuildProfileJson.write(p, json);
        // "<" as \u003c (valid JSON) so nothing inside can close the script element or open a tag.
        out.write(json.toString().replace("<", "\\u003c"));
        out.write("</script>\n</body></html>\n");
        out.flush();
    }

    private static void command(Writer out, CommandNode c, long t0, long total, int depth) throws IOException {
        String exit = c.endNs() == 0 ? "running" : c.signal() != 0 ? "signal " + c.signal() : "exit " + c.exitCode();
        out.write("<tr" + (c.failed() ? " class=\"failed\"" : "") + "><td>" + c.pid() + "</td><td class=\"num\">"
                + secs(c.startNs() - t0) + "</td><td class=\"num\">" + (c.endNs() == 0 ? "" : Durations.human(c.durationNs()))
                + "</td><td>" + exit + "</td><td class=\"w\">" + bar(c.startNs() - t0, c.durationNs(), total, 0)
                + "</td><td class=\"c\" style=\"padding-left:" + (depth * 1.2) + "em\">" + (c.replacedParent() ? "exec " : "")
                + esc(argv(c)) + "</td></tr>\n");
        for (CommandNode k : c.children()) {
            command(out, k, t0, total, depth + 1);
        }
    }

    private static String bar(long offsetNs, long durNs, long total, long setupNs) {
        double left = 100.0 * Math.max(0, offsetNs) / total;
        double width = Math.max(0.2, 100.0 * durNs / total);
        String setup = setupNs > 0 ? String.format("<span class=\"s\" style=\"left:%.3f%%;width:%.3f%%\" title=\"container set-up %s\"></span>",
                left, 100.0 * setupNs / total, Durations.human(setupNs)) : "";
        return String.format("<div class=\"bar\"><span style=\"left:%.3f%%;width:%.3f%%\" title=\"%s\"></span>%s</div>",
                left, Math.min(width, 100 - left), Durations.human(durNs), setup);
    }

    private static String argv(CommandNode c) {
        return c.args().isEmpty() ? (c.comm() == null ? "?" : c.comm()) + (c.argvLost() ? " (argv lost)" : "") : ArgvFormat.join(c.args());
    }

    private static String secs(long ns) {
        return String.format("+%.3fs", Math.max(0, ns) / 1e9);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
