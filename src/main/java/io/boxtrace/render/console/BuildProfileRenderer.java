package io.boxtrace.render.console;

import io.boxtrace.analysis.build.BuildStep;

import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.CommandNode;
import io.boxtrace.analysis.build.CriticalPath;
import io.boxtrace.analysis.build.StepProfile;
import io.boxtrace.analysis.build.StepResources;
import io.boxtrace.event.ProcessResources;

import io.boxtrace.render.Escape;
import io.boxtrace.render.console.ArgvFormat;
import io.boxtrace.render.console.Durations;
import io.boxtrace.render.console.Style;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * Prints a {@link BuildProfile} for people: one line per step (index, instruction, cached, start
 * offset, duration, set-up/tear-down), the command tree under each step that ran (start offset,
 * duration, exit code, argv), then a summary (total, slowest steps, slowest commands, the failed
 * command). Columns are aligned; colour only through {@link Style}. Immutable.
 */
public final class BuildProfileRenderer {

    private static final int SLOWEST = 5;
    private final Style style;

    public BuildProfileRenderer(Style style) {
        this.style = style;
    }

    public void render(BuildProfile p, PrintWriter out) {
        out.println();
        out.println(style.bold("Build profile") + " (" + p.builder().jsonName() + ", " + Durations.human(p.durationNs())
                + ", exit " + p.exitCode() + ")");
        for (StepProfile s : p.steps()) {
            step(out, s, p.startNs());
        }
        summary(out, p);
        for (String n : p.notices()) {
            out.println(style.yellow("note: ") + Escape.text(n));
        }
        out.flush();
    }

    private void step(PrintWriter out, StepProfile s, long t0) {
        BuildStep b = s.step();
        String label = b.position() != null ? "[" + Escape.text(b.position()) + "]" : "[" + b.index() + "]";
        String what = b.instruction() != null ? Escape.text(b.instruction()) : "(unnamed step, container " + shortId(s.containerId()) + ")";
        StringBuilder line = new StringBuilder();
        StepResources r = s.resources();
        line.append(String.format("%-9s %9s %10s ", label, "+" + seconds(s.startNs() - t0), Durations.human(s.durationNs())))
                .append(columns(r.cpuNs(), r.peakMemoryBytes())).append("  ");
        if (b.cached()) {
            line.append(style.dim("CACHED ")).append(style.dim(what));
        } else if (b.failed()) {
            line.append(style.red("FAILED ")).append(style.bold(what));
        } else {
            line.append(style.bold(what));
        }
        out.println(line);
        if (!s.processes().isEmpty()) {
            out.println(style.dim(String.format("%-9s %9s %10s  set-up %s, tear-down %s, container %s (%s)", "", "", "",
                    Durations.human(s.setupNs()), Durations.human(s.teardownNs()), shortId(s.containerId()),
                    s.attribution().jsonName())));
        }
        for (CommandNode c : s.processes()) {
            command(out, c, t0, "  ");
        }
    }

    private void command(PrintWriter out, CommandNode c, long t0, String indent) {
        String dur = c.endNs() == 0 ? "running" : Durations.human(c.durationNs());
        String exit = c.endNs() == 0 ? "" : c.signal() != 0 ? style.red(" killed by signal " + c.signal())
                : c.exitCode() > 0 ? style.red(" exit " + c.exitCode()) : "";
        ProcessResources r = c.resources();
        out.println(String.format("%-9s %9s %10s ", "", "+" + seconds(c.startNs() - t0), dur)
                + columns(c.cpuNs(), r == null || !ProcessResources.known(r.maxRssKb()) ? ProcessResources.UNKNOWN : r.maxRssKb() * 1024)
                + "  " + indent + (c.replacedParent() ? style.dim("exec ") : "") + argv(c) + style.dim(" [" + c.pid() + "]") + exit);
        for (CommandNode k : c.children()) {
            command(out, k, t0, indent + "  ");
        }
    }

    private void summary(PrintWriter out, BuildProfile p) {
        out.println();
        out.println(style.bold("Total ") + Durations.human(p.durationNs()) + ", " + p.steps().size() + " steps, "
                + p.steps().stream().filter(s -> s.step().cached()).count() + " cached");
        List<StepProfile> steps = p.slowestSteps(SLOWEST).stream().filter(s -> s.durationNs() > 0).toList();
        if (!steps.isEmpty()) {
            out.println(style.bold("Slowest steps"));
            for (StepProfile s : steps) {
                out.println(String.format("  %10s  ", Durations.human(s.durationNs()))
                        + (s.step().instruction() == null ? "container " + shortId(s.containerId()) : Escape.text(s.step().instruction()))
                        + (s.processes().isEmpty() ? "" : style.dim(" (set-up " + Durations.human(s.setupNs()) + ")")));
                String verdict = verdict(s.resources());
                if (verdict != null) {
                    out.println("              " + verdict);
                }
            }
        }
        CriticalPath cp = p.criticalPath();
        // Only where steps overlapped: in a sequential build the path is every step and says nothing new.
        boolean overlapped = p.steps().stream().anyMatch(s -> !s.step().cached() && s.durationNs() > 0 && !cp.contains(s));
        if (cp.steps().size() > 1 && overlapped) {
            out.println(style.bold("Critical path ") + Durations.human(cp.totalNs()) + ": "
                    + String.join(" → ", cp.steps().stream().map(s -> "[" + (s.step().position() != null
                            ? s.step().position() : String.valueOf(s.step().index())) + "]").toList()));
            for (CriticalPath.Saving sv : cp.savings()) {
                out.println("  without " + label(sv.step()) + ": " + Durations.human(sv.soonerNs()) + " sooner");
            }
            for (StepProfile s : cp.steps()) {
                List<CommandNode> chain = cp.commands().getOrDefault(s, List.of());
                if (!chain.isEmpty()) {
                    out.println("  [" + (s.step().position() != null ? Escape.text(s.step().position()) : String.valueOf(s.step().index()))
                            + "] " + String.join(" → ", chain.stream().map(this::argv).toList())
                            + style.dim(" (" + Durations.human(chain.getLast().durationNs()) + ")"));
                }
            }
        }
        List<CommandNode> commands = p.slowestCommands(SLOWEST);
        if (!commands.isEmpty()) {
            out.println(style.bold("Slowest commands"));
            for (CommandNode c : commands) {
                out.println(String.format("  %10s  ", Durations.human(c.durationNs())) + argv(c));
            }
        }
        Optional<StepProfile> failed = p.failedStep();
        failed.ifPresent(s -> {
            Optional<CommandNode> cmd = BuildProfile.failedCommand(s);
            String step = s.step().instruction() != null ? Escape.text(s.step().instruction()) : "container " + shortId(s.containerId());
            out.println(style.red("Failed step: ") + step
                    + cmd.map(c -> style.red(" — command ") + argv(c) + " exited " + (c.signal() != 0
                            ? "on signal " + c.signal() : String.valueOf(c.exitCode()))).orElse(""));
        });
    }

    private static String label(StepProfile s) {
        return s.step().instruction() != null ? io.boxtrace.render.Escape.text(s.step().instruction()) : "container " + shortId(s.containerId());
    }

    /** CPU and peak-memory columns, blank where unknown. */
    private String columns(long cpuNs, long bytes) {
        String cpu = ProcessResources.known(cpuNs) ? "cpu " + Durations.human(cpuNs) : "";
        String mem = ProcessResources.known(bytes) ? "mem " + bytes(bytes) : "";
        return style.dim(String.format("%14s %12s", cpu, mem));
    }

    /** One line saying where a step's time went, with the figures behind it (rules: StepResources.Verdict). */
    private String verdict(StepResources r) {
        if (r.verdict() == null) {
            return null;
        }
        String busy = Durations.human(r.busyNs()) + " of commands";
        String cpu = "CPU " + Durations.human(r.cpuNs());
        String runq = ProcessResources.known(r.runqDelayNs()) ? ", " + Durations.human(r.runqDelayNs()) + " waiting for a CPU" : "";
        String io = bytes(Math.max(0, r.readBytes())) + " read, " + bytes(Math.max(0, r.writeBytes())) + " written";
        return switch (r.verdict()) {
            case CPU -> style.yellow("cpu-bound: ") + cpu + runq + " in " + busy;
            case IO -> style.yellow("I/O-bound: ") + io + " in " + busy + ", " + cpu;
            case MEMORY -> style.yellow("memory-pressured: ") + Durations.human(r.pressure().memoryNs())
                    + " stalled on memory in " + busy;
            case WAITING -> style.yellow("waiting: ") + "only " + cpu + " in " + busy + " (network, locks, sleeps, other processes)";
        };
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024 * 1024) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", b / (1024.0 * 1024));
        }
        return String.format("%.2f GiB", b / (1024.0 * 1024 * 1024));
    }

    private String argv(CommandNode c) {
        if (c.args().isEmpty()) {
            return (c.comm() == null ? "?" : Escape.text(c.comm())) + (c.argvLost() ? style.yellow(" (argv lost)") : style.dim(" (no exec)"));
        }
        return ArgvFormat.join(c.args());
    }

    private static String seconds(long ns) {
        return String.format("%.3fs", Math.max(0, ns) / 1e9);
    }

    private static String shortId(String id) {
        return id == null ? "-" : id.length() > 12 && id.chars().allMatch(ch -> Character.digit(ch, 16) >= 0) ? id.substring(0, 12)
                : Escape.text(id);
    }
}
