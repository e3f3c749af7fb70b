package io.boxtrace.cli;

import io.boxtrace.analysis.build.BuildArgs;
import io.boxtrace.analysis.build.BuildOutputParser;
import io.boxtrace.analysis.build.DockerfileStages;
import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.BuildProfileAnalysis;
import io.boxtrace.analysis.build.BuildProfileAssembler;
import io.boxtrace.analysis.build.DockerfileLocator;
import io.boxtrace.analysis.build.StepResources;
import io.boxtrace.container.CgroupPressure;
import io.boxtrace.analysis.build.OutputTee;
import io.boxtrace.analysis.build.RootLayer;
import io.boxtrace.container.DockerClient;
import io.boxtrace.container.RuntimeUnavailableException;
import io.boxtrace.event.ExitEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code boxtrace build}: runs an image build command, passes its output through, exits with its
 * status, and prints a profile of every step and every command the builder ran (docs/build.md).
 * Its other two modes are classes of their own: {@link BuildAttachRun} ({@code --attach}) and
 * {@link BuildReplay} ({@code --from}); all three hand their profiles to {@link BuildOutputs}.
 */
@Command(name = "build", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = BuildDiffCommand.class,
        description = {"Run an image build (docker build, DOCKER_BUILDKIT=0|1 docker build, podman build) and profile it: "
                + "every step in order, the commands each step ran with their durations and exit codes, "
                + "container set-up and tear-down, the slowest steps and commands.",
                "Example: boxtrace build --json profile.json -- docker build --progress=plain -t app ."})
public final class BuildCommand implements java.util.concurrent.Callable<Integer> {

    private static final long EXIT_EVENT_WAIT_MS = 2000;

    @Mixin
    SourceMixin sourceOptions;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the profile as JSON to FILE.")
    Path jsonFile;

    @Option(names = "--trace", paramLabel = "FILE", description = "Also write a Chrome trace (chrome://tracing, Perfetto) to FILE.")
    Path traceFile;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report to FILE.")
    Path htmlFile;

    @Option(names = "--attach", description = "Profile every build the host runs (docker|podman|buildah ... build) until interrupted, one profile per build.")
    boolean attach;

    @Option(names = "--from", paramLabel = "RECORDING", description = "Profile a build from a recording of the whole "
            + "host (boxtrace record -o FILE.jsonl) instead of running one; the builder's output is not recorded, so steps are "
            + "named from the Dockerfile's RUN lines (--dockerfile, else found from the recorded command line).")
    Path from;

    @Option(names = "--client", paramLabel = "PID", description = "With --from: the build command's pid "
            + "(default: the first docker/podman ... build in the recording).")
    Integer client;

    @Option(names = "--dockerfile", paramLabel = "FILE", description = "The build's Dockerfile, to name steps the "
            + "builder's output does not (docker build -q, --from). Default: found from the build command "
            + "line (-f, or Dockerfile in the context directory).")
    Path dockerfile;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The build command to run (after --).")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (client != null) {
            FlagRanges.between("--client", client, 1, Integer.MAX_VALUE);
        }
        PrintWriter err = spec.commandLine().getErr();
        BuildOutputs outputs = new BuildOutputs(spec.commandLine().getOut(), jsonFile, traceFile, htmlFile);
        if (attach) {
            return BuildAttachRun.run(sourceOptions, outputs, err);
        }
        if (from != null) {
            return BuildReplay.run(from, client, this::naming, outputs, err);
        }
        if (command.isEmpty()) {
            throw BoxtraceException.usage("a build command is required, e.g. boxtrace build -- docker build .");
        }
        CommandRunner.checkRunnable(command);
        BuildOutputParser parser = BuildOutputParser.detecting();
        BuildProfileAnalysis analysis = new BuildProfileAnalysis(new RootLayer(Path.of("/proc"))::read);
        try (TraceSession session = TraceSession.open("boxtrace build", sourceOptions, err)) {
            session.sink(analysis);
            CountDownLatch clientExit = new CountDownLatch(1);
            // Set by this thread after the start, read on the pipeline thread.
            java.util.concurrent.atomic.AtomicInteger client = new java.util.concurrent.atomic.AtomicInteger(-1);
            session.observe(t -> {
                if (t.event() instanceof ExitEvent x && !x.task().isThread() && x.task().pid() == client.get()) {
                    clientExit.countDown();
                }
            });
            session.components().pressure().start();
            session.start();
            long startNs = System.nanoTime();
            Process p = launch();
            client.set((int) p.pid());
            session.interruption().forwardTo(p.pid());
            analysis.followClient((int) p.pid());
            OutputTee out = OutputTee.start("build-stdout", p.getInputStream(), System.out, parser, System::nanoTime);
            OutputTee errTee = OutputTee.start("build-stderr", p.getErrorStream(), System.err, parser, System::nanoTime);
            int status = waitFor(p);
            long endNs = System.nanoTime();
            out.join(5000);
            errTee.join(5000);
            await(clientExit);
            session.reportSummary(session.stop());
            parser.finish(endNs);
            io.boxtrace.analysis.build.StepNaming naming = naming(command, System.getProperty("user.dir"), null);
            DockerfileStages stages = parser.builder() != io.boxtrace.analysis.build.Builder.BUILDKIT
                    ? DockerfileStages.NONE
                    : DockerfileStages.of(naming.dockerfile(), BuildArgs.of(command, System.getenv()),
                            memo(BuildCommand::imageLayerList));
            BuildProfile profile = BuildProfileAssembler.assemble(parser.builder(), parser.steps(), analysis, command,
                    session.clock().toInstant(startNs), startNs, endNs, status, imageLayers(parser.imageId()),
                    naming, stages)
                    .withPressure(pressureOf(session));
            outputs.report(profile);
            return status;
        }
    }

    /** The Dockerfile given with --dockerfile, else the one the build command line names. */
    private io.boxtrace.analysis.build.StepNaming naming(List<String> argv, String cwd, String noOutput) {
        return dockerfile != null ? DockerfileLocator.given(dockerfile, noOutput)
                : DockerfileLocator.locate(argv, cwd, noOutput);
    }

    /** The step containers' pressure totals, as {@link CgroupPressure} read them while the cgroups existed. */
    static java.util.function.Function<String, java.util.Optional<StepResources.Pressure>> pressureOf(TraceSession session) {
        CgroupPressure pressure = session.components().pressure();
        return id -> pressure.of(id).map(t -> new StepResources.Pressure(t.cpuNs(), t.memoryNs(), t.ioNs()));
    }

    /** The layer directories of the image a BuildKit build wrote, asked of Docker; empty when unknown. */
    private static java.util.Set<String> imageLayers(String imageId) {
        if (imageId == null) {
            return java.util.Set.of();
        }
        try {
            return new DockerClient(DockerClient.defaultSocket()).imageGraphDirs(imageId)
                    .map(d -> RootLayer.imageLayers(d[0], d[1])).orElse(java.util.Set.of());
        } catch (RuntimeUnavailableException e) {
            return java.util.Set.of(); // steps fall back to timing, as without the image
        }
    }

    /** One daemon question per image reference, however many stages start from it. */
    private static <T> java.util.function.Function<String, T> memo(java.util.function.Function<String, T> f) {
        java.util.Map<String, T> seen = new java.util.HashMap<>();
        return ref -> seen.computeIfAbsent(ref, f);
    }

    /**
     * The layer directories of a stage's base image (its FROM reference), newest first, asked of
     * Docker; empty when unknown or when the reference is not a plain one.
     */
    private static java.util.Optional<List<String>> imageLayerList(String ref) {
        if (!ref.matches("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,255}")) {
            return java.util.Optional.empty(); // not asked of the daemon: it is the Dockerfile's text
        }
        try {
            return new DockerClient(DockerClient.defaultSocket()).imageGraphDirs(ref)
                    .map(d -> RootLayer.imageLayerList(d[0], d[1]));
        } catch (RuntimeUnavailableException e) {
            return java.util.Optional.empty(); // the base is then not compared
        }
    }

    private Process launch() {
        try {
            return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot run " + command.getFirst() + ": " + e.getMessage());
        }
    }

    /** Like a shell: 128 + signal when the build command was killed (Process reports that already). */
    private static int waitFor(Process p) {
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(EXIT_EVENT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
