package io.boxtrace.analysis.timeline;

import io.boxtrace.analysis.startup.StartupReport;
import io.boxtrace.event.ProcessKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link StartupReport} as a {@link Timeline}: a track with the start-up phases, a track with the
 * container's processes (when a container was seen) and one with the host's (client, daemon,
 * runtime), each process a slice under its parent where it nests, namespace operations as instants
 * on the process that made them (or of the whole start when that process has no slice). Times start at the client's exec. Stateless.
 */
public final class StartupTimeline {

    static final String PHASES = "start-up phases";

    private StartupTimeline() {
    }

    public static Timeline of(StartupReport r) {
        List<Timeline.Track> tracks = new ArrayList<>();
        tracks.add(new Timeline.Track(0, PHASES, null, 0));
        int containerTrack = -1;
        if (r.container() != null) {
            containerTrack = tracks.size();
            tracks.add(new Timeline.Track(containerTrack, null, r.container(), tracks.size()));
        }
        int hostTrack = tracks.size();
        tracks.add(new Timeline.Track(hostTrack, null, null, tracks.size()));
        long end = Math.max(r.endNs(), r.startNs());
        List<Span> spans = new ArrayList<>();
        for (StartupReport.Phase p : r.phases()) {
            Span s = new Span(null);
            s.name = p.name();
            s.category = "phase";
            s.startNs = p.startNs();
            s.realStartNs = p.startNs();
            s.exitNs = Math.max(p.endNs(), p.startNs());
            s.exitCode = 0;
            s.active = true;
            s.track = 0;
            spans.add(s);
        }
        Map<Integer, Span> byPid = new HashMap<>();
        for (StartupReport.Proc p : r.processes()) {
            process(p, null, r, containerTrack, hostTrack, spans, byPid);
        }
        List<Timeline.Global> globals = new ArrayList<>();
        for (StartupReport.NsOp n : r.namespaceOps()) {
            Span s = byPid.get(n.pid());
            List<String[]> d = new ArrayList<>();
            d.add(TimelineBuilder.kv("op", n.op()));
            d.add(TimelineBuilder.kv("namespaces", String.join(",", n.namespaces())));
            if (n.path() != null) {
                d.add(TimelineBuilder.kv("path", n.path()));
            }
            if (n.inode() != 0) {
                d.add(TimelineBuilder.kv("inode", n.inode()));
            }
            d.add(TimelineBuilder.kv("result", n.result()));
            String name = n.op() + " " + String.join(",", n.namespaces());
            if (s != null) {
                s.mark(new Span.Mark(n.timeNs(), "namespace", name, d));
            } else {
                // made by a process without a slice (its start was not seen): kept as an instant of the whole start
                d.addFirst(TimelineBuilder.kv("pid", n.pid()));
                globals.add(new Timeline.Global(n.timeNs(), "namespace", name, null, d));
            }
        }
        return LaneLayout.layout(null, r.startNs(), end, tracks, spans, globals, 0, 0, true);
    }

    /** A process without a known start (seen only by its exit) has no slice; its children hang from its parent. */
    private static void process(StartupReport.Proc p, Span parent, StartupReport r, int containerTrack, int hostTrack,
                                List<Span> out, Map<Integer, Span> byPid) {
        Span s = parent;
        if (p.startNs() != 0) {
            s = new Span(new ProcessKey(p.pid(), p.startNs()));
            s.ppid = parent == null ? 0 : parent.pid();
            s.nsPid = p.nspid();
            s.comm = p.comm();
            s.args = p.args();
            s.execd = !p.args().isEmpty();
            s.realStartNs = p.startNs();
            s.startNs = Math.max(p.startNs(), r.startNs());
            s.exitNs = p.endNs();
            // a program replaced by exec has no exit of its own: its slice carries the process's, as build timelines do
            StartupReport.Proc last = p;
            while (last.replaced()) {
                last = last.children().stream().filter(StartupReport.Proc::replacedParent).findFirst().orElseThrow();
            }
            s.exitCode = last.exitCode();
            s.signal = last.signal();
            s.active = true;
            boolean inside = p.inContainer() && containerTrack >= 0;
            s.container = inside ? r.container() : null;
            s.track = inside ? containerTrack : hostTrack;
            // a parent on another track is linked by a flow arrow, not nested
            s.parent = parent;
            out.add(s);
            byPid.put(p.pid(), s);
            if (inside && !p.replacedParent() && p.setupNs() >= 0) {
                // the runtime forked this process long before it exec'd the program: mark where the program began
                s.mark(new Span.Mark(p.execNs(), "exec", "exec " + String.join(" ", p.args()),
                        List.<String[]>of(TimelineBuilder.kv("setup_ms", String.format(java.util.Locale.ROOT, "%.3f", p.setupNs() / 1e6)))));
            }
        }
        for (StartupReport.Proc c : p.children()) {
            process(c, s, r, containerTrack, hostTrack, out, byPid);
        }
    }
}
