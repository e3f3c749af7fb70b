package io.boxtrace.render.html;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.analysis.timeline.Span;
import io.boxtrace.analysis.timeline.Timeline;
import io.boxtrace.render.Escape;
import io.boxtrace.render.json.Signals;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one HTML writer: a {@link Timeline} (a recording for {@code report -o x.html}, a build
 * profile for {@code build --html}) as a self-contained page (no network access, no external script
 * or style): facts and notes, a zoomable timeline (SVG drawn by an inline script from inline JSON;
 * wheel or buttons to zoom, drag to pan), each track's trees as static HTML, a search box that
 * filters both by command ({@code #q=TEXT} in the URL pre-fills it), the lost-event list, and
 * optionally a JSON document for tools.
 *
 * <p>Every string from the traced world reaches the page through {@link #text} (element text and
 * attribute values, always double-quoted) or {@link #scriptJson} (JSON inside a {@code <script>} element),
 * so none can open an element, close the script, or hide itself. Stateless.
 */
public final class HtmlWriter {

    private static final String TEMPLATE = template();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Z]+)}}");

    private HtmlWriter() {
    }

    /**
     * What the page says besides the timeline.
     *
     * @param title    the page title
     * @param facts    name/value pairs for the header line
     * @param notes    warnings shown above the trees (a failed step, notices)
     * @param jsonId   the id of an embedded {@code application/json} script element, or null for none
     * @param json     its JSON text
     */
    public record Page(String title, List<String[]> facts, List<String> notes, String jsonId, String json) {
        public Page {
            facts = List.copyOf(facts);
            notes = List.copyOf(notes);
        }
    }

    public static void write(Timeline tl, Page page, OutputStream out) throws IOException {
        StringBuilder facts = new StringBuilder();
        for (String[] f : page.facts()) {
            facts.append("<span class=\"fact\">").append(text(f[0])).append(": <b>").append(text(f[1])).append("</b></span>");
        }
        StringBuilder notes = new StringBuilder();
        for (String n : page.notes()) {
            notes.append("<p class=\"bad note\">").append(text(n)).append("</p>\n");
        }
        String extra = page.jsonId() == null ? "" : "\n<script type=\"application/json\" id=\"" + text(page.jsonId())
                + "\">" + scriptJson(page.json()) + "</script>";
        Map<String, String> parts = Map.of("TITLE", text(page.title()), "FACTS", facts.toString(), "NOTES", notes.toString(),
                "LOST", lost(tl), "TREES", trees(tl), "DATA", scriptJson(data(tl).toString()), "EXTRA", extra);
        // One pass, so text from a recording (argv) that looks like a placeholder stays text.
        String html = PLACEHOLDER.matcher(TEMPLATE).replaceAll(m -> Matcher.quoteReplacement(parts.get(m.group(1))));
        out.write(html.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * s as HTML text or a double-quoted attribute value: {@code & < > "} as entities, and every
     * character a reader could not see or that reorders text (controls, bidi overrides) as a visible
     * escape ({@link Escape#text}). "" for null.
     */
    public static String text(String s) {
        String visible = Escape.text(s);
        StringBuilder sb = new StringBuilder(visible.length() + 8);
        for (int i = 0; i < visible.length(); i++) {
            char c = visible.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * JSON text made safe inside a {@code <script>} element: {@code <}, {@code >} and {@code &} as
     * JSON escapes (so neither {@code </script>} nor {@code <!--} can appear), and U+2028/U+2029
     * (line ends to older JavaScript parsers) and every other invisible or format character (bidi
     * overrides) as six-character JSON escapes. Each of these can only occur inside a JSON string, where the
     * escape means the same character, so JSON.parse gives back the same value.
     */
    public static String scriptJson(String json) {
        StringBuilder sb = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                default -> {
                    if (c < 0x7f || Escape.safe(json, i)) {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        return sb.toString();
    }

    private static ObjectNode data(Timeline tl) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("duration", (tl.endNs() - tl.startNs()) / 1000.0);
        ArrayNode tracks = d.putArray("tracks");
        int[][] depth = new int[tl.tracks().size()][];
        for (Timeline.Track t : tl.tracks()) {
            depth[t.index()] = new int[tl.lanesPerTrack()[t.index()]];
        }
        tl.spans().forEach(s -> depth[s.track][s.lane] = Math.max(depth[s.track][s.lane], s.depth));
        for (Timeline.Track t : tl.tracks()) {
            ObjectNode n = tracks.addObject();
            n.put("title", Escape.text(t.title()));
            n.put("container", t.container() != null);
            ArrayNode lanes = n.putArray("lanes");
            for (int maxDepth : depth[t.index()]) {
                lanes.add(maxDepth);
            }
        }
        ArrayNode spans = d.putArray("spans");
        for (Span s : tl.spans()) {
            ObjectNode n = spans.addObject();
            n.put("t", s.track).put("l", s.lane).put("d", s.depth);
            n.put("s", (s.startNs - tl.startNs()) / 1000.0).put("e", (s.endNs(tl.endNs()) - tl.startNs()) / 1000.0);
            n.put("cmd", Escape.text(s.label())).put("pid", s.pid()).put("ppid", s.ppid).put("ns", s.nsPid);
            if (s.exitNs != 0) {
                n.put("end", Escape.text(ending(s)));
            }
            n.put("bad", bad(s));
            ArrayNode m = n.putArray("m");
            s.marks.forEach(mk -> m.add((mk.timeNs() - tl.startNs()) / 1000.0));
        }
        ArrayNode lost = d.putArray("lost");
        tl.globals().stream().filter(g -> g.kind().equals("lost")).forEach(g -> lost.add((g.timeNs() - tl.startNs()) / 1000.0));
        return d;
    }

    /** How a slice ended: a process's exit or signal; for a slice that is no process, its error or "done". */
    private static String ending(Span s) {
        if (!s.isProcess()) {
            String error = error(s);
            return error != null ? "failed: " + error : "done";
        }
        return s.signal != 0 ? "killed by " + Signals.name(s.signal) : "exit " + s.exitCode;
    }

    private static String error(Span s) {
        return s.detail.stream().filter(kv -> kv[0].equals("error")).map(kv -> kv[1]).findFirst().orElse(null);
    }

    private static boolean bad(Span s) {
        return s.isProcess() ? s.exitNs != 0 && (s.signal != 0 || s.exitCode != 0) : error(s) != null;
    }

    private static String lost(Timeline tl) {
        List<Timeline.Global> lost = tl.globals().stream().filter(g -> g.kind().equals("lost")).toList();
        if (lost.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<h2 class=\"bad\">Lost events</h2><table class=\"lost\">");
        for (Timeline.Global g : lost) {
            sb.append("<tr><td>+").append(String.format("%.3f ms", (g.timeNs() - tl.startNs()) / 1e6)).append("</td><td>")
                    .append(text(g.name())).append("</td><td>").append(text(g.detail().get(2)[1])).append("</td></tr>");
        }
        return sb.append("</table>").toString();
    }

    /**
     * The largest CPU time and peak memory among steps and among commands, so each bar is drawn
     * against its own kind (a step's figures are sums over its commands).
     */
    private record Scale(double stepCpuMs, double stepMemKb, double cmdCpuMs, double cmdMemKb) {

        static Scale of(Timeline tl) {
            double[] m = new double[4];
            for (Span s : tl.spans()) {
                int k = s.isProcess() ? 2 : 0;
                m[k] = Math.max(m[k], figure(s, "cpu_ms", 1));
                m[k + 1] = Math.max(m[k + 1], memoryKb(s));
            }
            return new Scale(m[0], m[1], m[2], m[3]);
        }
    }

    /** A numeric detail of a span, times unit, or 0 when it is absent or not a number. */
    private static double figure(Span s, String key, double unit) {
        for (String[] kv : s.detail) {
            if (kv[0].equals(key)) {
                try {
                    return Double.parseDouble(kv[1]) * unit;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static double memoryKb(Span s) {
        return Math.max(figure(s, "max_rss_kb", 1), figure(s, "peak_memory_bytes", 1 / 1024.0));
    }

    /**
     * CPU and peak-memory bars beside a step or command that has the figures (the kernel's, read
     * at exit), each as wide as its share of the largest of its kind on the page, with the number
     * and, for a step, its verdict.
     */
    private static void resourceBars(StringBuilder sb, Span s, Scale scale) {
        double cpu = figure(s, "cpu_ms", 1);
        double mem = memoryKb(s);
        String verdict = s.detail.stream().filter(kv -> kv[0].equals("verdict")).map(kv -> kv[1]).findFirst().orElse(null);
        boolean critical = s.detail.stream().anyMatch(kv -> kv[0].equals("critical_path"));
        if (cpu <= 0 && mem <= 0 && verdict == null && !critical) {
            return;
        }
        double maxCpu = s.isProcess() ? scale.cmdCpuMs() : scale.stepCpuMs();
        double maxMem = s.isProcess() ? scale.cmdMemKb() : scale.stepMemKb();
        sb.append("<span class=\"res\">");
        if (cpu > 0) {
            bar(sb, "cpu", cpu / maxCpu, String.format(java.util.Locale.ROOT, "CPU %.1f ms", cpu));
        }
        if (mem > 0) {
            bar(sb, "mem", mem / maxMem, String.format(java.util.Locale.ROOT, "peak %.1f MiB", mem / 1024));
        }
        if (verdict != null) {
            sb.append("<span class=\"verdict\">").append(text(verdict)).append("</span>");
        }
        if (critical) {
            sb.append("<span class=\"verdict\">critical path</span>");
        }
        sb.append("</span>");
    }

    private static void bar(StringBuilder sb, String kind, double share, String label) {
        int pct = (int) Math.round(Math.max(1, Math.min(100, share * 100)));
        sb.append("<span class=\"rbar ").append(kind).append("\" title=\"").append(label).append("\"><i style=\"width:")
                .append(pct).append("%\"></i></span><span class=\"barlabel\">").append(label).append("</span>");
    }

    private static String trees(Timeline tl) {
        Scale scale = Scale.of(tl);
        Map<Span, List<Span>> children = new HashMap<>();
        List<List<Span>> roots = new ArrayList<>();
        tl.tracks().forEach(t -> roots.add(new ArrayList<>()));
        for (Span s : tl.spans()) {
            Span p = s.parent;
            if (p != null && p.track == s.track) {
                children.computeIfAbsent(p, k -> new ArrayList<>()).add(s);
            } else {
                roots.get(s.track).add(s);
            }
        }
        StringBuilder sb = new StringBuilder();
        List<Timeline.Track> order = new ArrayList<>(tl.tracks());
        order.sort(Comparator.comparingInt(Timeline.Track::sortIndex));
        for (Timeline.Track t : order) {
            if (roots.get(t.index()).isEmpty()) {
                continue;
            }
            sb.append("<section class=\"track\" data-track=\"").append(t.index()).append("\"><h2>").append(text(t.title()))
                    .append("</h2><ul class=\"tree\">");
            for (Span r : roots.get(t.index())) {
                node(sb, r, children, scale, 0);
            }
            sb.append("</ul></section>\n");
        }
        return sb.toString();
    }

    private static void node(StringBuilder sb, Span s, Map<Span, List<Span>> children, Scale scale, int level) {
        sb.append("<li class=\"proc\" data-pid=\"").append(s.pid()).append("\" data-cmd=\"").append(text(s.label()))
                .append("\"><span class=\"cmd\">").append(text(s.label())).append("</span><span class=\"meta\">");
        if (s.isProcess()) {
            sb.append("pid ").append(s.pid());
            if (s.nsPid != s.pid() && s.nsPid != 0) {
                sb.append(" (").append(s.nsPid).append(" inside)");
            }
            sb.append(" · ");
        }
        if (s.exitNs != 0) {
            boolean bad = bad(s);
            sb.append(bad ? "<span class=\"bad\">" : "").append(text(ending(s))).append(bad ? "</span>" : "")
                    .append(" · ").append(String.format("%.3f ms", (s.exitNs - s.realStartNs) / 1e6));
        } else {
            sb.append("running at the end");
        }
        sb.append("</span>");
        resourceBars(sb, s, scale);
        List<Span> kids = children.getOrDefault(s, List.of());
        if (!kids.isEmpty() && level < 200) {
            sb.append("<ul>");
            kids.stream().sorted(Comparator.comparingLong(k -> k.startNs)).forEach(k -> node(sb, k, children, scale, level + 1));
            sb.append("</ul>");
        }
        sb.append("</li>");
    }

    private static String template() {
        try (InputStream in = HtmlWriter.class.getResourceAsStream("report.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("report.html missing from the jar", e);
        }
    }
}
