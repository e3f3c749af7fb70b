package io.boxtrace.sink.console;

import io.boxtrace.render.Escape;
import io.boxtrace.render.console.ArgvFormat;
import io.boxtrace.render.console.Durations;

import io.boxtrace.render.console.Style;

import io.boxtrace.container.KubernetesIdentity;
import io.boxtrace.event.Clock;
import io.boxtrace.event.CommEvent;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.IdChangeEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.render.json.Signals;
import io.boxtrace.render.json.TimeFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.stream.Collectors;

/**
 * The human form of {@code boxtrace trace}: one aligned line per event, coloured on a terminal.
 * Columns: time of day, event, pid, ppid, container, comm, details. Not thread-safe (pipeline thread).
 */
public final class ConsoleTraceSink implements Sink {

    private static final String HEADER_FMT = "%-12s  %-10s%7s %7s  %-14s %-16s %s";
    private final PrintWriter out;
    private final Clock clock;
    private final Style style;
    private final ZoneId zone;
    private final boolean showThreads;

    public ConsoleTraceSink(PrintWriter out, Clock clock, Style style, ZoneId zone, boolean showThreads) {
        this.out = out;
        this.clock = clock;
        this.style = style;
        this.zone = zone;
        this.showThreads = showThreads;
    }

    @Override
    public void begin() {
        out.println(style.bold(String.format(HEADER_FMT, "TIME", "EVENT", "PID", "PPID", "CONTAINER", "COMM", "DETAILS")));
    }

    @Override
    public void accept(TracedEvent t) {
        String line = switch (t.event()) {
            case ForkEvent f -> f.isThread() && !showThreads ? null
                    : row(t, f.timeNs(), f.isThread() ? "clone" : "fork", style::dim,
                            new Task(f.childPid(), f.childTid(), f.parent().pid(), Task.UNKNOWN, f.parent().comm(),
                                    0, 0, Task.UNKNOWN),
                            style.dim("child of " + f.parent().pid()) + namespacesCreated(f.cloneFlags()));
            case ExecEvent x -> row(t, x.timeNs(), x.failed() ? "exec!" : "exec", x.failed() ? style::red : style::green, x.task(),
                    execDetails(x));
            case ExitEvent x -> x.task().isThread() && !showThreads ? null
                    : row(t, x.timeNs(), "exit", exitColour(x), x.task(), exitDetails(t, x));
            case CommEvent c -> row(t, c.timeNs(), "comm", style::dim, c.task(), "→ " + Escape.text(c.comm()));
            case IdChangeEvent id -> row(t, id.timeNs(), "setid", style::dim, id.task(),
                    id.kind().name().toLowerCase() + " " + id.realId() + "/" + id.effectiveId());
            case NamespaceEvent n -> row(t, n.timeNs(), n.op().jsonName(), style::magenta, n.task(), namespaceDetails(n));
            case SnapshotEvent s -> null;
            case LostEvent l -> String.format("%-12s  %s", time(l.timeNs()),
                    style.red(style.bold("LOST " + l.count() + " events")) + " from " + l.source() + " (" + l.reason()
                            + "); process table healed from /proc");
            case ContainerEvent c -> String.format("%-12s  %s %s", time(c.timeNs()),
                    style.cyan(c.type().replace('_', ' ')), describe(c.container()));
        };
        if (line != null) {
            out.println(line);
        }
    }

    private String row(TracedEvent t, long timeNs, String label, java.util.function.UnaryOperator<String> colour,
                       Task task, String details) {
        ProcessInfo p = t.process();
        int ppid = task.ppid() != Task.UNKNOWN ? task.ppid() : p != null ? p.ppid() : Task.UNKNOWN;
        // The one display name of a process (ProcessName): busybox applets' comm "exe" says nothing, argv[0] does.
        String raw = task.comm() != null ? task.comm() : p != null ? p.comm() : null;
        String named = io.boxtrace.event.ProcessName.of(raw, p != null ? p.args() : java.util.List.of());
        String comm = Escape.text(named != null ? named : "?");
        String container = t.container() == null ? "-" : Escape.text(t.container().displayName());
        if (container.length() > 14) {
            container = container.substring(0, 13) + "…";
        }
        String pid = task.isThread() ? task.pid() + "/" + task.tid() : Integer.toString(task.pid());
        return String.format("%-12s  %s%7s %7s  %-14s %-16s %s", time(timeNs), colour.apply(label) + " ".repeat(Math.max(0, 10 - label.length())),
                pid, ppid == Task.UNKNOWN ? "?" : Integer.toString(ppid),
                t.container() == null ? container : style.cyan(container) + " ".repeat(Math.max(0, 14 - container.length())),
                comm, details);
    }

    private String execDetails(ExecEvent x) {
        if (x.failed()) {
            return style.red("failed errno " + x.errno()) + " " + Escape.text(x.filename());
        }
        if (x.detail() == ExecEvent.ArgvSource.GONE) {
            return (x.filename() != null ? Escape.text(x.filename()) + " " : "") + style.yellow("[exited before its argv could be read]");
        }
        String args = ArgvFormat.join(x.args());
        return args + (x.argsTruncated() ? style.yellow(" [truncated]") : "");
    }

    private java.util.function.UnaryOperator<String> exitColour(ExitEvent x) {
        if (x.killedBySignal()) {
            return style::red;
        }
        return x.exitCode() == 0 ? style::blue : style::yellow;
    }

    private String exitDetails(TracedEvent t, ExitEvent x) {
        String how = x.killedBySignal() ? style.red("killed by " + Signals.name(x.signal())
                + (x.coreDumped() ? " (core dumped)" : ""))
                : x.exitCode() == 0 ? "code 0" : style.yellow("code " + x.exitCode());
        ProcessInfo p = t.process();
        if (p != null && p.startNs() > 0 && x.timeNs() >= p.startNs()) {
            how += style.dim(String.format("  after %s", Durations.human(x.timeNs() - p.startNs())));
        }
        return how;
    }

    private static String namespacesCreated(long flags) {
        var created = Namespace.fromCloneFlags(flags);
        return created.isEmpty() ? "" : " new " + created.stream().map(Namespace::procName).collect(Collectors.joining(","));
    }

    private String namespaceDetails(NamespaceEvent n) {
        StringBuilder sb = new StringBuilder();
        if (!n.namespaces().isEmpty()) {
            sb.append(n.namespaces().stream().map(Namespace::procName).collect(Collectors.joining(",")));
        }
        if (n.inode() != 0) {
            sb.append(" inode ").append(n.inode());
        }
        if (n.path() != null) {
            sb.append(' ').append(Escape.text(n.path()));
        }
        if (n.path2() != null) {
            sb.append(' ').append(Escape.text(n.path2()));
        }
        if (n.result() != 0) {
            sb.append(style.red(" = " + n.result()));
        }
        return sb.toString().trim();
    }

    private static String describe(ContainerInfo c) {
        return Escape.text(c.displayName()) + " (" + Escape.text(c.shortId()) + (c.image() != null ? ", " + Escape.text(c.image()) : "")
                + ", " + Escape.text(c.runtime())
                + KubernetesIdentity.podText(c).map(pod -> ", pod " + Escape.text(pod)).orElse("") + ")";
    }

    private String time(long monoNs) {
        return TimeFormat.timeOfDay(clock.toInstant(monoNs), zone);
    }

    /** PrintWriter swallows write errors: ask it, so a full disk or closed output is counted, never silent. */
    @Override
    public void flush() throws IOException {
        if (out.checkError()) { // flushes first
            throw new IOException("write failed (disk full, or the output was closed)");
        }
    }

    @Override
    public void end(PipelineStats s) throws IOException {
        flush();
    }
}
