package io.boxtrace.analysis.timeline;

import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.BuildStep;
import io.boxtrace.analysis.build.CommandNode;
import io.boxtrace.analysis.build.CriticalPath;
import io.boxtrace.analysis.build.StepResources;
import io.boxtrace.event.ProcessResources;
import io.boxtrace.analysis.build.StepProfile;
import io.boxtrace.event.ProcessKey;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link BuildProfile} as a {@link Timeline}: one track per step (in the builder's order) named
 * after its instruction, holding a slice for the step, one for its container set-up, and a slice
 * per command, each child under its parent where it nests. Stateless.
 */
public final class BuildTimeline {

    private BuildTimeline() {
    }

    public static Timeline of(BuildProfile p) {
        List<Timeline.Track> tracks = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        CriticalPath critical = p.criticalPath();
        for (StepProfile s : p.steps()) {
            int track = tracks.size();
            String title = title(s);
            tracks.add(new Timeline.Track(track, title, null, s.step().index()));
            // Steps on the critical path say so in their name: viewers search and highlight by name.
            boolean onPath = critical.steps().size() > 1 && critical.contains(s);
            Span step = interval(track, (s.step().cached() ? "CACHED " : "") + title + (onPath ? " [critical path]" : ""),
                    s.startNs(), s.durationNs(), stepDetail(s));
            spans.add(step);
            if (s.setupNs() > 0) {
                spans.add(interval(track, "container set-up", s.startNs(), s.setupNs(), List.of()));
            }
            for (CommandNode c : s.processes()) {
                command(c, null, track, spans, critical);
            }
        }
        return LaneLayout.layout(null, p.startNs(), Math.max(p.endNs(), p.startNs()), tracks, spans, List.of(), 0, 0, true);
    }

    /** {@code [2/5] RUN make}, or {@code [3] container 8tyec75qgp55} for a step whose output was not recognised. */
    static String title(StepProfile s) {
        BuildStep b = s.step();
        return "[" + (b.position() == null ? String.valueOf(b.index()) : b.position()) + "] "
                + (b.instruction() == null ? "container " + s.containerId() : b.instruction());
    }

    private static List<String[]> stepDetail(StepProfile s) {
        List<String[]> d = new ArrayList<>();
        if (s.step().error() != null) {
            d.add(TimelineBuilder.kv("error", s.step().error()));
        }
        if (s.containerId() != null) {
            d.add(TimelineBuilder.kv("container_id", s.containerId()));
            d.add(TimelineBuilder.kv("attribution", s.attribution().jsonName()));
        }
        StepResources r = s.resources();
        if (ProcessResources.known(r.cpuNs())) {
            d.add(TimelineBuilder.kv("cpu_ms", String.format(java.util.Locale.ROOT, "%.1f", r.cpuNs() / 1e6)));
        }
        if (ProcessResources.known(r.peakMemoryBytes())) {
            d.add(TimelineBuilder.kv("peak_memory_bytes", String.valueOf(r.peakMemoryBytes())));
        }
        if (r.verdict() != null) {
            d.add(TimelineBuilder.kv("verdict", r.verdict().jsonName()));
        }
        return d;
    }

    private static Span interval(int track, String name, long startNs, long durNs, List<String[]> detail) {
        Span s = new Span(null);
        s.name = name;
        s.category = "build";
        s.detail = List.copyOf(detail);
        s.startNs = startNs;
        s.realStartNs = startNs;
        s.exitNs = startNs + Math.max(durNs, 0);
        s.exitCode = 0;
        s.active = true;
        s.track = track;
        return s;
    }

    private static void command(CommandNode c, Span parent, int track, List<Span> out, CriticalPath critical) {
        Span s = new Span(new ProcessKey(c.pid(), c.startNs()));
        s.parent = parent;
        s.ppid = parent == null ? 0 : parent.pid();
        s.comm = c.comm() != null ? c.comm() : "?";
        s.args = c.args();
        s.execd = !c.args().isEmpty();
        s.startNs = c.startNs();
        s.realStartNs = c.startNs();
        s.exitNs = c.endNs();
        s.exitCode = c.exitCode();
        s.signal = c.signal();
        s.active = true;
        s.track = track;
        List<String[]> d = new ArrayList<>();
        if (critical.containsCommand(c)) {
            d.add(TimelineBuilder.kv("critical_path", "true"));
        }
        if (c.resources() != null) {
            if (ProcessResources.known(c.cpuNs())) {
                d.add(TimelineBuilder.kv("cpu_ms", String.format(java.util.Locale.ROOT, "%.1f", c.cpuNs() / 1e6)));
            }
            if (ProcessResources.known(c.resources().maxRssKb())) {
                d.add(TimelineBuilder.kv("max_rss_kb", String.valueOf(c.resources().maxRssKb())));
            }
        }
        s.detail = List.copyOf(d);
        out.add(s);
        for (CommandNode k : c.children()) {
            command(k, s, track, out, critical);
        }
    }
}
