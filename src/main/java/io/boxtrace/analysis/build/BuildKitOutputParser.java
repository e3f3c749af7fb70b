package io.boxtrace.analysis.build;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BuildKit's plain progress ({@code --progress=plain}, also what it prints without a TTY). Every
 * line starts with the vertex number; a vertex's name is printed when it starts and again whenever
 * the printer switches back to it:
 * <pre>
 * #5 [2/4] RUN echo one && sleep 0.3      (a Dockerfile step: [stage m/M] instruction)
 * #5 sha256:3ad87d79...                   (the vertex digest, older BuildKit)
 * #5 0.554 one                            (the command's output, seconds since the vertex started)
 * #5 DONE 0.9s | #5 CACHED | #5 ERROR: ... exit code: 1 | #5 CANCELED
 * </pre>
 * Vertices without {@code [m/M]} ({@code [internal] load ...}, {@code exporting to image}) are not
 * steps. The executor's container id ({@code /docker/buildkit/<id>} cgroup) is never printed.
 * Samples recorded on this host are in src/test/resources/build/buildkit-*.txt.
 */
public final class BuildKitOutputParser extends BuildOutputParser {

    private static final Pattern VERTEX = Pattern.compile("^#(\\d+) (.*)$");
    private static final Pattern STEP_NAME = Pattern.compile("^\\[(?:(\\S+) )?(\\d+)/(\\d+)\\] (.*)$");
    private static final Pattern DIGEST = Pattern.compile("^sha256:([0-9a-f]{64})\\s*$");
    /** {@code #7 writing image sha256:<id> done}: the image this build produced. */
    private static final Pattern WRITING_IMAGE = Pattern.compile("^writing image sha256:([0-9a-f]{64})\\b.*$");
    private volatile String imageId;
    private static final Pattern DONE = Pattern.compile("^DONE (\\d+(?:\\.\\d+)?)s\\s*$");
    private static final Pattern ERROR_TIME = Pattern.compile("^ERROR (\\d+(?:\\.\\d+)?)s\\s*$");

    /** Vertex number → its step, or null for vertices that are not steps. */
    private final Map<String, MutableStep> vertices = new HashMap<>();

    @Override
    public Builder builder() {
        return Builder.BUILDKIT;
    }

    static boolean recognises(String line) {
        Matcher m = VERTEX.matcher(line);
        return m.matches() && (STEP_NAME.matcher(m.group(2)).matches() || m.group(2).startsWith("[internal]"));
    }

    @Override
    void parse(long timeNs, String line) {
        Matcher m = VERTEX.matcher(line);
        if (!m.matches()) {
            return; // blank separators, the ------ error summary, the CLI's own messages
        }
        String id = m.group(1);
        String rest = m.group(2);
        Matcher img = WRITING_IMAGE.matcher(rest);
        if (img.matches()) {
            imageId = img.group(1);
            return;
        }
        if (!vertices.containsKey(id)) {
            Matcher s = STEP_NAME.matcher(rest);
            if (s.matches()) {
                String position = (s.group(1) == null ? "" : s.group(1) + " ") + s.group(2) + "/" + s.group(3);
                MutableStep step = add(position, s.group(4).strip(), timeNs);
                step.vertexId = id;
                vertices.put(id, step);
            } else {
                vertices.put(id, null);
            }
            return;
        }
        MutableStep step = vertices.get(id);
        if (step == null) {
            return;
        }
        Matcher d;
        if ((d = DIGEST.matcher(rest)).matches()) {
            step.digest = "sha256:" + d.group(1);
        } else if (rest.equals("CACHED")) {
            step.cached = true;
            step.endAt(timeNs);
        } else if ((d = DONE.matcher(rest)).matches()) {
            step.builderDurationNs = secondsToNs(d.group(1));
            step.endAt(timeNs);
        } else if ((d = ERROR_TIME.matcher(rest)).matches()) {
            step.builderDurationNs = secondsToNs(d.group(1));
            if (step.error == null) {
                step.error = "failed";
            }
            step.endAt(timeNs);
        } else if (rest.startsWith("ERROR: ") || rest.startsWith("ERROR:")) {
            step.error = rest.substring("ERROR:".length()).strip();
            step.exitCode = MutableStep.exitCodeIn(step.error);
            step.endAt(timeNs);
        } else if (rest.equals("CANCELED") || rest.startsWith("CANCELED ")) {
            step.error = "canceled";
            step.endAt(timeNs);
        }
    }

    /** The id of the image the build wrote (hex, no prefix), or null when it wrote none (yet). */
    @Override
    public String imageId() {
        return imageId;
    }

    private static long secondsToNs(String seconds) {
        return Math.round(Double.parseDouble(seconds) * 1e9);
    }
}
