package io.boxtrace.cli;

import io.boxtrace.container.ContainerRuntime;
import io.boxtrace.render.Escape;

import io.boxtrace.analysis.startup.StartupAnalysis;
import io.boxtrace.analysis.startup.StartupReport;
import io.boxtrace.analysis.timeline.StartupTimeline;
import io.boxtrace.render.chrome.ChromeTraceWriter;
import io.boxtrace.render.console.StartupReportText;
import io.boxtrace.render.json.StartupReportJson;
import io.boxtrace.render.console.Style;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code boxtrace run}: what happens between {@code docker run} (or exec, podman, runc) and the container's first process. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run a container start command (docker run/exec/start, podman run/exec, runc run, crun run), pass "
                + "its I/O through, exit with its status, and show the chain of processes across the daemon boundary, "
                + "the namespace operations and the phases of the start, timed from kernel events."})
public final class RunCommand implements Callable<Integer> {

    /** Events after the client's exit still belong to the start (the shim reaping, runc delete). */
    private static final long TAIL_MS = 300;

    @Mixin
    SourceMixin sourceOptions;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON (fields in README.md).")
    Path json;

    @Option(names = "--trace", paramLabel = "FILE", description = "Also write the start as a Chrome trace (Perfetto).")
    Path trace;

    @Option(names = "--from", paramLabel = "RECORDING", description = "Analyse a recording of the whole host "
            + "(boxtrace record -o FILE.jsonl) instead of running COMMAND.")
    Path from;

    @Option(names = "--client", paramLabel = "PID", description = "With --from: the start command's pid "
            + "(default: the first docker/podman/runc/crun/nerdctl run, exec or start in the recording).")
    Integer client;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The start command, after --.")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (client != null) {
            FlagRanges.between("--client", client, 1, Integer.MAX_VALUE);
        }
        if (from != null) {
            return fromRecording();
        }
        if (command.isEmpty()) {
            throw BoxtraceException.usage("a start command is required, e.g. boxtrace run -- docker run IMAGE");
        }
        CommandRunner.checkRunnable(command);
        StartupAnalysis analysis = new StartupAnalysis();
        CommandRunner runner = new CommandRunner();
        int status;
        StartupReport report;
        // The daemon side is no descendant of the client: the whole host is traced for the window.
        try (TraceSession session = TraceSession.open("boxtrace run", sourceOptions, spec.commandLine().getErr())) {
            session.sink(analysis).observe(runner.exitWatcher());
            session.start();
            status = runner.run(command, session, analysis::client);
            sleep(TAIL_MS);
            session.stop();
            boolean seesNamespaces = session.source().name().equals("ebpf");
            report = analysis.report(command, seesNamespaces);
            if (report.container() != null && report.container().name() == null && report.container().parent() == null
                    && (report.container().runtime().equals("docker") || report.container().runtime().equals("podman"))) {
                // a failed start ran nothing in its container: only the engine knows what it called it
                report = report.withContainerName(session.components()
                        .containerName(report.container().runtime(), report.container().id()).orElse(null));
            }
            StartupReportText.text(report, spec.commandLine().getOut(), Style.forStdout());
            int signal = session.interruption().signal();
            if (signal != 0) {
                // Ctrl-C went to the client as a shell passes it; the report covers what happened until then.
                spec.commandLine().getOut().println(Style.forStdout().yellow("interrupted by "
                        + io.boxtrace.render.json.Signals.name(signal) + ": the start-up up to then"));
                spec.commandLine().getOut().flush();
            }
            write(json, StartupReportJson.json(report, session.clock(),
                    signal == 0 ? null : io.boxtrace.render.json.Signals.name(signal)));
            writeTrace(report);
        }
        if (startedNoContainer(command, report)) {
            spec.commandLine().getErr().println("boxtrace run: " + Escape.text(command.getFirst())
                    + " started no container (not a container start command, and no container appeared)");
            spec.commandLine().getErr().flush();
            return ExitCode.RUNTIME_ERROR.code();
        }
        return status;
    }

    /** True when the command is no container start command and no container showed up while it ran. */
    static boolean startedNoContainer(List<String> command, StartupReport report) {
        return report.container() == null && !ContainerRuntime.isStartCommand(command);
    }

    private int fromRecording() {
        StartupAnalysis analysis = new StartupAnalysis();
        RecordingReplay.Result r = RecordingReplay.replay("boxtrace run", from, client, ContainerRuntime::isStartCommand, analysis::accept, spec.commandLine().getErr());
        analysis.client(r.clientPid());
        StartupReport report = analysis.report(r.clientArgs(), r.sawNamespaceOps());
        StartupReportText.text(report, spec.commandLine().getOut(), Style.forStdout());
        write(json, StartupReportJson.json(report, r.header().clock()));
        writeTrace(report);
        return ExitCode.OK.code();
    }

    private static void write(Path file, String content) {
        if (file == null) {
            return;
        }
        try {
            io.boxtrace.sink.file.OutputFiles.writeWhole(file,
                    w -> w.write((content + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot write " + file + ": " + TraceCommand.describe(e));
        }
    }

    private void writeTrace(StartupReport report) {
        if (trace == null) {
            return;
        }
        try {
            io.boxtrace.sink.file.OutputFiles.writeWhole(trace, out -> ChromeTraceWriter.write(StartupTimeline.of(report), out));
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot write " + trace + ": " + TraceCommand.describe(e));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
