package io.boxtrace.cli;

import io.boxtrace.event.ProcessInfo;
import io.boxtrace.sink.console.Style;
import io.boxtrace.sink.console.TreeRenderer;
import io.boxtrace.sink.json.ProcessTreeJson;
import io.boxtrace.state.ProcessTable;
import io.boxtrace.state.UserNames;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code boxtrace tree}: the process tree, from boxtrace's own process table. */
@Command(name = "tree", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Print the host's process tree (or the subtree at PID) with pid, user and full command line, "
                + "like pstree -alp.")
public final class TreeCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON (fields in README.md).")
    boolean json;

    @Parameters(paramLabel = "PID", arity = "0..1", description = "Show only the subtree rooted at PID.")
    Integer pid;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Components c = Components.forHost(spec.commandLine().getErr(), "boxtrace tree")) {
            ProcessTable table = c.table();
            c.snapshot().forEach(table::apply);
            List<ProcessInfo> all = table.live();
            List<ProcessInfo> roots = roots(all);
            UserNames users = c.users();
            if (json) {
                out.println(ProcessTreeJson.write(roots, all, users::name, c.clock()));
            } else {
                new TreeRenderer(Style.forStdout(), users::name, true).render(out, roots, all, "");
            }
            out.flush();
            return ExitCode.OK.code();
        }
    }

    private List<ProcessInfo> roots(List<ProcessInfo> all) {
        if (pid != null) {
            return all.stream().filter(p -> p.pid() == pid).findFirst().map(List::of)
                    .orElseThrow(() -> BoxtraceException.runtime("no process with pid " + pid));
        }
        java.util.Set<Integer> pids = new java.util.HashSet<>();
        all.forEach(p -> pids.add(p.pid()));
        return all.stream().filter(p -> !pids.contains(p.ppid()) || p.ppid() == p.pid()).toList();
    }
}
