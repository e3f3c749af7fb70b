package io.boxtrace.cli;

import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.timeline.BuildTimeline;
import io.boxtrace.render.chrome.ChromeTraceWriter;
import io.boxtrace.render.console.BuildProfileRenderer;
import io.boxtrace.render.console.Style;
import io.boxtrace.render.html.HtmlWriter;
import io.boxtrace.render.html.Pages;
import io.boxtrace.render.json.BuildProfileJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a build profile goes, whichever way it was made (a build run, an attached host, a
 * recording): the console, and the files of {@code --json}, {@code --trace} and {@code --html} (null: not asked).
 */
record BuildOutputs(PrintWriter out, Path json, Path trace, Path html) {

    void report(BuildProfile profile) {
        System.out.flush(); // the build's own output, passed through, comes first
        new BuildProfileRenderer(Style.forStdout()).render(profile, out);
        out.flush();
        write(json, w -> BuildProfileJson.write(profile, w));
        writeFile(trace, o -> ChromeTraceWriter.write(BuildTimeline.of(profile), o));
        writeFile(html, o -> HtmlWriter.write(BuildTimeline.of(profile), Pages.build(profile), o));
    }

    /** The files of the i-th build of an attached run: profile.json → profile-3.json. */
    BuildOutputs numbered(int i) {
        return new BuildOutputs(out, numbered(json, i, ".json"), numbered(trace, i, ".json"), numbered(html, i, ".html"));
    }

    /** p with "-i" before its extension; a name without one gets the default (att → att-1.json); null stays null. */
    static Path numbered(Path p, int i, String defaultExtension) {
        if (p == null) {
            return null;
        }
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + i + name.substring(dot)
                : name + "-" + i + defaultExtension;
        return p.resolveSibling(numbered);
    }

    private interface StreamOutput {
        void to(java.io.OutputStream out) throws IOException;
    }

    private static void writeFile(Path file, StreamOutput o) {
        if (file == null) {
            return;
        }
        try {
            io.boxtrace.sink.file.OutputFiles.writeWhole(file, o::to);
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot write " + file + ": " + TraceCommand.describe(e));
        }
    }

    private interface Output {
        void to(Writer w) throws IOException;
    }

    private static void write(Path file, Output o) {
        if (file == null) {
            return;
        }
        try {
            io.boxtrace.sink.file.OutputFiles.writeWhole(file, out -> {
                Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
                o.to(w);
                w.flush();
            });
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot write " + file + ": " + TraceCommand.describe(e));
        }
    }
}
