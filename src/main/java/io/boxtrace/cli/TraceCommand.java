package io.boxtrace.cli;

import io.boxtrace.render.Escape;
import io.boxtrace.event.Clock;
import io.boxtrace.pipeline.CommandScope;
import io.boxtrace.pipeline.ContainerFilter;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.sink.console.ConsoleTraceSink;
import io.boxtrace.render.console.Style;
import io.boxtrace.render.json.EventJson;
import io.boxtrace.sink.json.JsonLinesSink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code boxtrace trace}: streams process events from the whole host, or from one command's tree. */
@Command(name = "trace", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Stream process events (fork, exec, exit, namespace operations, container start/stop) "
                + "from the whole host as they happen, or only those of COMMAND and its descendants.",
                "With COMMAND, boxtrace runs it, stops when it exits and exits with its exit status."})
public final class TraceCommand implements java.util.concurrent.Callable<Integer> {

    @Mixin
    SourceMixin sourceOptions;

    @Option(names = "--json", description = "One JSON object per line (fields in README.md, \"JSON output\").")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write events to FILE instead of stdout.")
    Path output;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME|ID-PREFIX",
            description = "Only events of this container (repeatable).")
    List<String> containers = new ArrayList<>();

    @Option(names = "--threads", description = "Also show thread creation and exit.")
    boolean threads;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "Command to run and trace (after --).")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (!command.isEmpty()) {
            CommandRunner.checkRunnable(command);
        }
        OutputStream out = openOutput();
        try (TraceSession session = TraceSession.open("boxtrace trace", sourceOptions, err)) {
            session.output(output == null ? "standard output" : output.toString(), opened::written);
            Clock clock = session.clock();
            if (json) {
                session.sink(new JsonLinesSink(out, new EventJson(clock), output != null));
            } else {
                Style style = output == null ? Style.forStdout() : Style.plain();
                session.sink(new ConsoleTraceSink(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)),
                        clock, style, ZoneId.systemDefault(), threads));
            }
            if (!containers.isEmpty()) {
                session.filter(new ContainerFilter(containers)).kernelFilterContainers(containers);
            }
            if (!command.isEmpty()) {
                return traceCommand(session);
            }
            return traceUntilInterrupted(session, err);
        }
    }

    private int traceCommand(TraceSession session) {
        int self = (int) ProcessHandle.current().pid();
        CommandRunner runner = new CommandRunner();
        session.filter(new CommandScope(self)).observe(runner.exitWatcher());
        session.source().follow(self);
        session.start();
        // the command is a descendant of boxtrace itself, which the source already follows
        int status = runner.run(command, session);
        PipelineStats stats = session.stop();
        session.reportSummary(stats);
        return status;
    }

    private int traceUntilInterrupted(TraceSession session, PrintWriter err) {
        return session.runUntilInterrupted(Long.MAX_VALUE);
    }

    private io.boxtrace.sink.file.CountedOutput opened;

    private OutputStream openOutput() {
        if (output == null) {
            opened = new io.boxtrace.sink.file.CountedOutput(new java.io.FileOutputStream(java.io.FileDescriptor.out));
            return new BufferedOutputStream(opened, 1 << 16);
        }
        try {
            opened = io.boxtrace.sink.file.OutputFiles.create(output);
            return new BufferedOutputStream(opened, 1 << 16);
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot write " + output + ": " + describe(e));
        }
    }

    static String describe(IOException e) {
        return io.boxtrace.sink.file.OutputFiles.reason(e);
    }
}
