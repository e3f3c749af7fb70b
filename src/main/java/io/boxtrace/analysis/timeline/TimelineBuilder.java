package io.boxtrace.analysis.timeline;

import io.boxtrace.event.CommEvent;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.IdChangeEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.recording.RecordingHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Collects a stream of events into per-process spans. A slice needs the whole lifetime, so the
 * builder keeps one small {@link Span} per process (about 300 bytes plus its argv and at most
 * {@value Span#MAX_MARKS} instants) for the whole recording, bounded by {@code maxProcesses}:
 * processes beyond the bound are counted in {@link Timeline#dropped} and left out.
 *
 * <p>Not thread-safe: fed by one thread (the pipeline thread or a reader), then {@link #build} once.
 */
public final class TimelineBuilder {

    public static final int DEFAULT_MAX_PROCESSES = 200_000;

    private final RecordingHeader header;
    private final int maxProcesses;
    private final Map<ProcessKey, Span> spans = new LinkedHashMap<>();
    private final Map<Integer, Span> byPid = new HashMap<>();
    private final List<Timeline.Global> globals = new ArrayList<>();
    private final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
    private long dropped;
    private long lost;
    private long lastNs;

    public TimelineBuilder(RecordingHeader header, int maxProcesses) {
        this.header = header;
        this.maxProcesses = maxProcesses;
        this.lastNs = header.startMonoNs();
    }

    public void add(TracedEvent t) {
        lastNs = Math.max(lastNs, t.event().timeNs());
        if (t.container() != null) {
            containers.putIfAbsent(t.container().id(), t.container());
        }
        switch (t.event()) {
            case LostEvent l -> {
                lost += l.count();
                globals.add(new Timeline.Global(l.timeNs(), "lost", l.count() + " events lost (" + l.source() + ")", null,
                        List.of(kv("source", l.source()), kv("count", l.count()), kv("reason", l.reason()))));
            }
            case ContainerEvent c -> {
                containers.putIfAbsent(c.container().id(), c.container());
                globals.add(new Timeline.Global(c.timeNs(), c.type(), c.type().replace('_', ' ') + " "
                        + c.container().displayName(), c.container(), List.of(kv("id", c.container().id()),
                        kv("image", c.container().image()), kv("runtime", c.container().runtime()))));
            }
            case SnapshotEvent s -> {
                Span sp = span(s.process(), t);
                if (sp != null) {
                    sp.fromSnapshot = true;
                    sp.kernelThread = s.process().kernelThread();
                }
            }
            case ForkEvent f -> {
                if (f.isThread()) {
                    Span sp = t.process() == null ? byPid.get(f.childPid()) : span(t.process(), t);
                    if (sp != null) {
                        sp.threads++;
                    }
                    return;
                }
                Span sp = span(t.process(), t);
                if (sp != null) {
                    sp.active = true;
                    if (f.cloneFlags() != 0) {
                        sp.mark(new Span.Mark(f.timeNs(), "fork", "clone " + namespacesOf(f.cloneFlags()),
                                List.<String[]>of(kv("clone_flags", "0x" + Long.toHexString(f.cloneFlags())))));
                    }
                }
            }
            case ExecEvent x -> exec(x, span(t.process(), t));
            case ExitEvent x -> {
                if (x.task().isThread()) {
                    return;
                }
                Span sp = span(t.process(), t);
                if (sp != null) {
                    sp.active = true;
                    sp.exitNs = x.timeNs();
                    if (x.task().comm() != null) {
                        sp.comm = x.task().comm(); // the kernel's name at exit: renames without exec show here
                    }
                    sp.exitCode = x.exitCode();
                    sp.signal = x.signal();
                }
            }
            case CommEvent c -> markComm(t, c);
            case IdChangeEvent i -> mark(t, new Span.Mark(i.timeNs(), "id_change", "set" + i.kind().name().toLowerCase()
                    + " " + i.realId(), List.of(kv("real", i.realId()), kv("effective", i.effectiveId()))));
            case NamespaceEvent n -> namespace(t, n);
        }
    }

    private void markComm(TracedEvent t, CommEvent c) {
        mark(t, new Span.Mark(c.timeNs(), "comm", "comm " + c.comm(), List.<String[]>of(kv("comm", c.comm()))));
        Span sp = t.process() == null ? null : spans.get(t.process().key());
        if (sp != null) {
            sp.comm = c.comm();
        }
    }

    private void namespace(TracedEvent t, NamespaceEvent n) {
        List<String[]> d = new ArrayList<>();
        d.add(kv("op", n.op().jsonName()));
        d.add(kv("namespaces", n.namespaces().stream().map(ns -> ns.procName()).collect(Collectors.joining(","))));
        if (n.path() != null) {
            d.add(kv("path", n.path()));
        }
        if (n.path2() != null) {
            d.add(kv("path2", n.path2()));
        }
        d.add(kv("result", n.result()));
        mark(t, new Span.Mark(n.timeNs(), "namespace", n.op().jsonName() + " " + d.get(1)[1], d));
    }

    private void exec(ExecEvent x, Span sp) {
        if (sp == null) {
            return;
        }
        sp.active = true;
        List<String[]> d = List.of(kv("filename", x.filename()), kv("argv", String.join(" ", x.args())),
                kv("errno", x.errno()), kv("args_source", x.detail().name().toLowerCase()));
        if (x.failed()) {
            sp.mark(new Span.Mark(x.timeNs(), "exec_failed", "exec failed " + x.filename() + " (errno " + x.errno() + ")", d));
            return;
        }
        sp.mark(new Span.Mark(x.timeNs(), "exec", "exec " + x.filename(), d));
        sp.args = x.args();
        sp.execd = true;
        sp.exe = x.filename();
        sp.comm = x.task().comm() != null ? x.task().comm() : sp.comm;
    }

    private void mark(TracedEvent t, Span.Mark m) {
        Span sp = span(t.process(), t);
        if (sp != null) {
            sp.active = true;
            sp.mark(m);
        }
    }

    /** The span of p, created on first sight; null when the bound is reached or p is unknown. */
    private Span span(ProcessInfo p, TracedEvent t) {
        if (p == null) {
            return null;
        }
        Span sp = spans.get(p.key());
        if (sp == null) {
            if (spans.size() >= maxProcesses) {
                dropped++;
                return null;
            }
            sp = new Span(p.key());
            sp.realStartNs = p.startNs() > 0 ? p.startNs() : t.event().timeNs();
            sp.startNs = Math.max(sp.realStartNs, header.startMonoNs());
            sp.comm = p.comm();
            sp.exe = p.exe();
            sp.args = p.args();
            spans.put(p.key(), sp);
            byPid.put(p.pid(), sp);
        }
        sp.ppid = p.ppid();
        sp.nsPid = p.innermostPid();
        if (p.comm() != null && !(t.event() instanceof ExecEvent)) {
            sp.comm = p.comm(); // the latest name: prctl(PR_SET_NAME) and comm writes change it without an exec
        }
        if (t.parent() != null && t.parent().pid() == p.ppid()) {
            sp.parentKey = t.parent().key();
        }
        if (t.container() != null) {
            // A runtime's init process starts on the host and moves into the container: the last one wins.
            sp.container = t.container();
        }
        return sp;
    }

    /** Lays out and returns the timeline; endNs is the recording's end (at least the last event). */
    public Timeline build(long endNs) {
        long end = Math.max(endNs, lastNs);
        List<Timeline.Track> tracks = new ArrayList<>();
        Map<String, Integer> trackOf = new HashMap<>();
        // the host's track last: the containers are what a recording is usually about
        tracks.add(new Timeline.Track(0, null, null, containers.size() + 1));
        for (ContainerInfo c : containers.values()) {
            trackOf.put(c.id(), tracks.size());
            tracks.add(new Timeline.Track(tracks.size(), null, c, tracks.size()));
        }
        for (Span s : spans.values()) {
            s.parent = s.parentKey == null ? null : spans.get(s.parentKey);
            s.track = s.container == null ? 0 : trackOf.get(s.container.id());
        }
        return LaneLayout.layout(header, header.startMonoNs(), end, tracks, spans.values(), globals, dropped, lost, false);
    }

    private static String namespacesOf(long flags) {
        return io.boxtrace.event.Namespace.fromCloneFlags(flags).stream().map(n -> n.procName())
                .collect(Collectors.joining(",", "[", "]"));
    }

    static String[] kv(String k, Object v) {
        return new String[] {k, v == null ? "" : String.valueOf(v)};
    }
}
