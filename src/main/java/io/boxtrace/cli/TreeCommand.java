package io.boxtrace.cli;

import io.boxtrace.container.ContainerRegistry;
import io.boxtrace.analysis.tree.ContainerTree;
import io.boxtrace.analysis.tree.ProcessTree;
import io.boxtrace.render.console.ContainerTreeText;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.pipeline.Pipeline;
import io.boxtrace.render.console.Style;
import io.boxtrace.render.console.TreeRenderer;
import io.boxtrace.render.json.ContainerTreeJson;
import io.boxtrace.render.json.ProcessTreeJson;
import io.boxtrace.state.ProcessTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code boxtrace tree}: every container's process tree as seen from the host, or the host's tree. */
@Command(name = "tree", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show every running container as its own process tree (name, id, image, runtime; each process "
                + "with its host pid, its pid inside the container, user and command line), from boxtrace's own "
                + "process table. With PID: the host's subtree at PID, like pstree -alp."})
public final class TreeCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON (fields in README.md).")
    boolean json;

    @Option(names = "--all", description = "Also show the host's processes that are in no container.")
    boolean all;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME|ID-PREFIX", description = "Only this container (repeatable).")
    List<String> containers = new ArrayList<>();

    @Option(names = "--with-runtime", description = "Also show the runtime processes serving each container "
            + "(containerd-shim, conmon, runc).")
    boolean withRuntime;

    @Option(names = "--watch", description = "Redraw the tree in place as processes come and go (kernel events, not polling).")
    boolean watch;

    @Option(names = "--from", paramLabel = "RECORDING", description = "Show the tree from a recording (.jsonl[.gz]) "
            + "instead of the live host: as it was at its end, or at --at.")
    Path from;

    @Option(names = "--at", paramLabel = "TIME", description = "With --from: the moment to show, as an RFC 3339 time "
            + "or an offset from the recording's start (e.g. 2.5s, 500ms).")
    String at;

    @Mixin
    SourceMixin sourceOptions;

    @Parameters(paramLabel = "PID", arity = "0..1", description = "Show the host's subtree rooted at PID.")
    Integer pid;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (pid != null && pid <= 0) {
            throw BoxtraceException.usage("PID must be a positive process id, not " + pid);
        }
        if (at != null && from == null) {
            throw BoxtraceException.usage("--at needs --from RECORDING");
        }
        if (from != null) {
            return new TreeFromRecording(this, from, at).run(out, err);
        }
        if (watch) {
            return new TreeWatch(this, out, err).run();
        }
        try (Components c = Components.forHost(err, "boxtrace tree")) {
            ProcessTable table = c.table();
            ContainerRegistry registry = c.containers();
            long t0 = System.nanoTime();
            List<io.boxtrace.event.SnapshotEvent> snapshot = c.treeSnapshot();
            long t1 = System.nanoTime();
            Pipeline.preload(c.state(), c.enrichers(), snapshot);
            long t2 = System.nanoTime();
            if (!containers.isEmpty()) {
                nameAgainIfUnmatched(c, table, registry);
            }
            String text;
            try {
                text = render(table.live(), registry::containerOf, c.users()::name, c.clock(), Style.forStdout());
            } catch (BoxtraceException e) {
                // a name asked for while the daemon that knows names is silent: say that, not only "no match"
                throw c.namesPending().filter(why -> !containers.isEmpty())
                        .map(why -> BoxtraceException.runtime(e.getMessage() + " (" + io.boxtrace.render.Escape.text(why)
                                + "; an id prefix still matches)"))
                        .orElse(e);
            }
            long t3 = System.nanoTime();
            out.print(text);
            out.flush();
            if (System.getenv("BOXTRACE_DEBUG_TIMING") != null) {
                // bench/scale.sh: where tree's time goes on a host with many processes
                err.printf("boxtrace tree: timing: %d processes, /proc scan %d ms, state and containers %d ms, "
                        + "render %d ms, print %d ms%n", snapshot.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                        (t3 - t2) / 1_000_000, (System.nanoTime() - t3) / 1_000_000);
                err.flush();
            }
            return ExitCode.OK.code();
        }
    }

    /**
     * A container asked for by name that no process matches may only be one whose name the daemon
     * has not sent yet (slower than the pipeline's 300 ms wait, as under load): wait for the answers
     * under way (bounded by the daemon client's timeout) and sight the unnamed containers again.
     */
    private void nameAgainIfUnmatched(Components c, ProcessTable table, ContainerRegistry registry) {
        java.util.function.Predicate<io.boxtrace.event.ContainerInfo> asked = ci -> ci != null
                && containers.stream().anyMatch(ci::matches);
        boolean matched = table.live().stream().anyMatch(p -> asked.test(registry.containerOf(p.pid())));
        boolean unnamed = table.live().stream().map(p -> registry.containerOf(p.pid()))
                .anyMatch(ci -> ci != null && ci.name() == null);
        if (matched || !unnamed || c.namesPending().isEmpty()) {
            return;
        }
        c.awaitContainerNames(3_500);
        try {
            Thread.sleep(60); // the registry asks again for a missing name at most every 50 ms
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long now = c.clock().nowMono();
        for (ProcessInfo p : table.live()) {
            io.boxtrace.event.ContainerInfo ci = registry.containerOf(p.pid());
            if (ci != null && ci.name() == null) {
                registry.enrich(io.boxtrace.event.TracedEvent.bare(new io.boxtrace.event.SnapshotEvent(now, p)));
            }
        }
    }

    /** The whole output for one look at a process table. */
    String render(List<ProcessInfo> live, java.util.function.IntFunction<io.boxtrace.event.ContainerInfo> containerOf,
                  java.util.function.IntFunction<String> userNames, io.boxtrace.event.Clock clock, Style style) {
        java.io.StringWriter buf = new java.io.StringWriter();
        PrintWriter out = new PrintWriter(buf);
        TreeRenderer renderer = new TreeRenderer(style, userNames, true);
        if (pid != null) {
            ProcessInfo root = live.stream().filter(p -> p.pid() == pid).findFirst()
                    .orElseThrow(() -> BoxtraceException.runtime("no process with pid " + pid));
            List<ProcessTree.Node> trees = ProcessTree.forest(List.of(root), live);
            if (json) {
                out.println(ProcessTreeJson.write(trees, userNames, clock));
            } else {
                renderer.render(out, trees, "");
            }
            out.flush();
            return buf.toString();
        }
        ContainerTree.Result tree = ContainerTree.build(live, containerOf);
        List<ContainerTree.Group> groups = tree.containers().stream()
                .filter(g -> containers.isEmpty() || containers.stream().anyMatch(s -> g.container().matches(s))).toList();
        if (!watch && !containers.isEmpty() && groups.isEmpty()) {
            // A one-shot look that finds none of the asked containers is a failure, not an empty success.
            throw BoxtraceException.runtime("no running container matches "
                    + io.boxtrace.render.Escape.text(String.join(", ", containers)));
        }
        ContainerTree.Result shown = new ContainerTree.Result(groups, tree.host());
        if (json) {
            out.println(ContainerTreeJson.write(shown, live, withRuntime, all, userNames, clock));
        } else {
            new ContainerTreeText(style, renderer).render(out, shown, withRuntime, all, containers);
        }
        out.flush();
        return buf.toString();
    }
}
