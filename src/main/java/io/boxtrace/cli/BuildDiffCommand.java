package io.boxtrace.cli;

import io.boxtrace.analysis.builddiff.BuildDiff;
import io.boxtrace.analysis.builddiff.BuildDiffReport;
import io.boxtrace.analysis.builddiff.ProfileDocument;
import io.boxtrace.render.console.BuildDiffText;
import io.boxtrace.render.console.Style;
import io.boxtrace.render.json.BuildDiffJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code boxtrace build diff OLD.json NEW.json}: what got slower or faster between two profiles
 * written by {@code build --json} (docs/build.md, "build diff"). Exits 1 with one line when
 * {@code --fail-if-slower} is exceeded, so it can gate a CI pipeline.
 */
@Command(name = "diff", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Compare two build profiles (build --json FILE): steps matched by instruction, commands by argv "
                + "(temporary paths, hashes and pids ignored); what got slower or faster, lost or gained its cache, "
                + "appeared or disappeared.",
                "Example: boxtrace build diff --fail-if-slower 10 yesterday.json today.json"})
public final class BuildDiffCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OLD.json", description = "The earlier profile.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW.json", description = "The later profile.")
    Path newFile;

    @Option(names = "--json", description = "Print the comparison as JSON.")
    boolean json;

    @Option(names = "--markdown", description = "Print it as Markdown (a CI job summary, a pull-request comment).")
    boolean markdown;

    @Option(names = "--fail-if-slower", paramLabel = "PERCENT",
            description = "Exit 1 when the new build's wall time is more than PERCENT % above the old one's.")
    Double failIfSlower;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (json && markdown) {
            throw BoxtraceException.usage("--json and --markdown exclude each other");
        }
        if (failIfSlower != null) {
            FlagRanges.finiteAtLeast("--fail-if-slower", failIfSlower, 0);
        }
        BuildDiffReport report = BuildDiff.compare(oldFile.toString(), read(oldFile), newFile.toString(), read(newFile));
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (json) {
                BuildDiffJson.write(report, out);
            } else if (markdown) {
                new BuildDiffText(Style.plain()).markdown(report, out);
            } else {
                new BuildDiffText(Style.forStdout()).text(report, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
        if (failIfSlower != null && report.slowerPercent() > failIfSlower) {
            throw BoxtraceException.runtime(String.format(Locale.ROOT, "the build is %.1f %% slower than %s (limit %s %%)",
                    report.slowerPercent(), oldFile, failIfSlower));
        }
        return ExitCode.OK.code();
    }

    /** A build profile is a few MiB even for a large build. */
    static final int MAX_PROFILE_BYTES = 32 << 20;

    private ProfileDocument read(Path file) {
        try {
            return ProfileDocument.parse(InputFiles.readCapped(file, MAX_PROFILE_BYTES, spec.commandLine().getErr(),
                    "boxtrace build diff"), file.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw BoxtraceException.runtime(io.boxtrace.render.Escape.text(file.toString()) + ": not JSON ("
                    + InputFiles.problem(e) + ")");
        } catch (IllegalArgumentException e) {
            throw BoxtraceException.runtime(e.getMessage());
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot read " + file + ": " + e.getMessage());
        }
    }
}
