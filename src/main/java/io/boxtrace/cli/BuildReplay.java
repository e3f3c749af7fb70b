package io.boxtrace.cli;

import io.boxtrace.analysis.build.BuildOutputParser;
import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.BuildProfileAnalysis;
import io.boxtrace.analysis.build.BuildProfileAssembler;
import io.boxtrace.analysis.build.StepNaming;
import io.boxtrace.container.ContainerRuntime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code boxtrace build --from RECORDING}: a build profiled from a recording of the whole host. Two
 * passes: the first finds the build command (the analysis must know it before its fork), the second
 * feeds the analysis. The builder's output is not in a recording, so steps are named from the
 * Dockerfile when it can be found, else they are the build's containers, unnamed.
 */
final class BuildReplay {

    /** The Dockerfile naming for a command line run in a directory, saying why the output names no steps. */
    interface Naming {
        StepNaming of(List<String> argv, String cwd, String noOutput);
    }

    private BuildReplay() {
    }

    static int run(Path from, Integer client, Naming naming, BuildOutputs outputs, PrintWriter err) {
        Predicate<List<String>> isBuild = ContainerRuntime::isBuildCommand;
        RecordingReplay.Result found = RecordingReplay.replay("boxtrace build", from, client, isBuild, t -> { }, err);
        BuildProfileAnalysis analysis = new BuildProfileAnalysis();
        analysis.followClient(found.clientPid());
        RecordingReplay.replay("boxtrace build", from, found.clientPid(), isBuild, analysis::accept, err);
        BuildOutputParser parser = BuildOutputParser.detecting();
        long end = found.clientEndNs() != 0 ? found.clientEndNs() : found.clientStartNs();
        parser.finish(end);
        BuildProfile profile = BuildProfileAssembler.assemble(parser.builder(), parser.steps(), analysis,
                found.clientArgs(), found.header().clock().toInstant(found.clientStartNs()), found.clientStartNs(), end,
                found.clientStatus(), java.util.Set.of(), naming.of(found.clientArgs(), found.clientCwd(),
                        "a recording does not hold the builder's output"));
        outputs.report(profile);
        return ExitCode.OK.code();
    }
}
