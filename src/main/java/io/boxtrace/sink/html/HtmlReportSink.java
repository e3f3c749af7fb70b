package io.boxtrace.sink.html;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.render.json.Signals;
import io.boxtrace.render.json.TimeFormat;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.analysis.timeline.Span;
import io.boxtrace.analysis.timeline.Timeline;
import io.boxtrace.sink.timeline.TimelineSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A self-contained HTML report (no network access, no external script or style): the recording's
 * facts, a zoomable timeline (SVG drawn by an inline script from inline JSON; wheel or buttons to
 * zoom, drag to pan), each track's process trees as static HTML, a search box that filters both by
 * command ({@code #q=TEXT} in the URL pre-fills it), and the lost-event list.
 *
 * <p>Not thread-safe: owned by the pipeline thread.
 */
public final class HtmlReportSink extends TimelineSink {

    private static final String TEMPLATE = template();

    public HtmlReportSink(Path path, RecordingHeader header, LongSupplier endMonoNs, int maxProcesses) {
        super(path, header, endMonoNs, maxProcesses);
    }

    @Override
    protected void write(Timeline tl, OutputStream out) throws IOException {
        RecordingHeader h = tl.header();
        String start = new TimeFormat().rfc3339(h.clock().toEpochNs(tl.startNs()));
        String title = "boxtrace report: " + h.hostname() + ", " + start.substring(0, 19).replace('T', ' ') + " UTC";
        StringBuilder facts = new StringBuilder();
        fact(facts, "host", h.hostname() + " (Linux " + h.kernel() + ")");
        fact(facts, "start", start);
        fact(facts, "duration", String.format("%.3f s", (tl.endNs() - tl.startNs()) / 1e9));
        fact(facts, "source", h.source());
        fact(facts, "containers", String.valueOf(tl.tracks().size() - 1));
        fact(facts, "processes", String.valueOf(tl.spans().size()));
        fact(facts, "lost events", String.valueOf(tl.lost()));
        if (!h.command().isEmpty()) {
            fact(facts, "command", String.join(" ", h.command()));
        }
        if (tl.dropped() > 0) {
            fact(facts, "not shown (over the limit)", tl.dropped() + " processes");
        }
        Map<String, String> parts = Map.of("TITLE", esc(title), "FACTS", facts.toString(), "LOST", lost(tl),
                "TREES", trees(tl), "DATA", data(tl).toString().replace("</", "<\\/"));
        // One pass, so text from a recording (argv) that looks like a placeholder stays text.
        String html = java.util.regex.Pattern.compile("\\{\\{([A-Z]+)}}").matcher(TEMPLATE)
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(parts.get(m.group(1))));
        out.write(html.getBytes(StandardCharsets.UTF_8));
    }

    private static void fact(StringBuilder sb, String k, String v) {
        sb.append("<span class=\"fact\">").append(esc(k)).append(": <b>").append(esc(v)).append("</b></span>");
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
            n.put("title", t.title());
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
            n.put("cmd", s.label()).put("pid", s.pid()).put("ppid", s.ppid).put("ns", s.nsPid);
            if (s.exitNs != 0) {
                n.put("end", ending(s));
            }
            n.put("bad", s.exitNs != 0 && (s.signal != 0 || s.exitCode != 0));
            ArrayNode m = n.putArray("m");
            s.marks.forEach(mk -> m.add((mk.timeNs() - tl.startNs()) / 1000.0));
        }
        ArrayNode lost = d.putArray("lost");
        tl.globals().stream().filter(g -> g.kind().equals("lost")).forEach(g -> lost.add((g.timeNs() - tl.startNs()) / 1000.0));
        return d;
    }

    private static String ending(Span s) {
        return s.signal != 0 ? "killed by " + Signals.name(s.signal) : "exit " + s.exitCode;
    }

    private static String lost(Timeline tl) {
        List<Timeline.Global> lost = tl.globals().stream().filter(g -> g.kind().equals("lost")).toList();
        if (lost.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<h2 class=\"bad\">Lost events</h2><table class=\"lost\">");
        for (Timeline.Global g : lost) {
            sb.append("<tr><td>+").append(String.format("%.3f ms", (g.timeNs() - tl.startNs()) / 1e6)).append("</td><td>")
                    .append(esc(g.name())).append("</td><td>").append(esc(g.detail().get(2)[1])).append("</td></tr>");
        }
        return sb.append("</table>").toString();
    }

    private static String trees(Timeline tl) {
        Map<ProcessKey, List<Span>> children = new HashMap<>();
        Map<ProcessKey, Span> byKey = new HashMap<>();
        tl.spans().forEach(s -> byKey.put(s.key, s));
        List<List<Span>> roots = new ArrayList<>();
        tl.tracks().forEach(t -> roots.add(new ArrayList<>()));
        for (Span s : tl.spans()) {
            Span p = byKey.get(s.parentKey);
            if (p != null && p.track == s.track) {
                children.computeIfAbsent(p.key, k -> new ArrayList<>()).add(s);
            } else {
                roots.get(s.track).add(s);
            }
        }
        StringBuilder sb = new StringBuilder();
        // containers first: they are what the report is about
        List<Timeline.Track> order = new ArrayList<>(tl.tracks().subList(1, tl.tracks().size()));
        order.add(tl.tracks().getFirst());
        for (Timeline.Track t : order) {
            if (roots.get(t.index()).isEmpty()) {
                continue;
            }
            sb.append("<section class=\"track\" data-track=\"").append(t.index()).append("\"><h2>").append(esc(t.title()))
                    .append("</h2><ul class=\"tree\">");
            for (Span r : roots.get(t.index())) {
                node(sb, r, children, tl, 0);
            }
            sb.append("</ul></section>\n");
        }
        return sb.toString();
    }

    private static void node(StringBuilder sb, Span s, Map<ProcessKey, List<Span>> children, Timeline tl, int level) {
        sb.append("<li class=\"proc\" data-pid=\"").append(s.pid()).append("\" data-cmd=\"").append(esc(s.label()))
                .append("\"><span class=\"cmd\">").append(esc(s.label())).append("</span><span class=\"meta\">pid ")
                .append(s.pid());
        if (s.nsPid != s.pid()) {
            sb.append(" (").append(s.nsPid).append(" inside)");
        }
        if (s.exitNs != 0) {
            boolean bad = s.signal != 0 || s.exitCode != 0;
            sb.append(" · ").append(bad ? "<span class=\"bad\">" : "").append(esc(ending(s))).append(bad ? "</span>" : "")
                    .append(" · ").append(String.format("%.3f ms", (s.exitNs - s.realStartNs) / 1e6));
        } else {
            sb.append(" · running at the end");
        }
        sb.append("</span>");
        List<Span> kids = children.getOrDefault(s.key, List.of());
        if (!kids.isEmpty() && level < 200) {
            sb.append("<ul>");
            kids.stream().sorted(Comparator.comparingLong(k -> k.startNs)).forEach(k -> node(sb, k, children, tl, level + 1));
            sb.append("</ul>");
        }
        sb.append("</li>");
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
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

    private static String template() {
        try (InputStream in = HtmlReportSink.class.getResourceAsStream("report.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("report.html missing from the jar", e);
        }
    }
}
