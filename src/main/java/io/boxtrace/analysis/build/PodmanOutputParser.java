package io.boxtrace.analysis.build;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * podman build (Buildah). Per step it prints {@code STEP 2/5: RUN ...} (prefixed with
 * {@code [stage/stages] } in multi-stage builds), the command's output, then {@code --> <image id>};
 * a cached step prints {@code --> Using cache <id>}; a failure ends the build with
 * {@code Error: building at STEP "RUN ...": while running runtime: exit status N}. The RUN
 * container's id is never printed (its cgroup is {@code /buildah-buildah<random>}); the tie to the
 * build is the process tree: Buildah runs runc as a descendant of the podman process itself.
 * Samples recorded on this host are in src/test/resources/build/podman-*.txt.
 */
public final class PodmanOutputParser extends BuildOutputParser {

    private static final Pattern STEP = Pattern.compile("^(?:\\[(\\d+/\\d+)\\] )?STEP (\\d+)/(\\d+): (.*)$");
    private static final Pattern CACHE = Pattern.compile("^--> Using cache ([0-9a-f]+)\\s*$");
    private static final Pattern RESULT = Pattern.compile("^--> ([0-9a-f]{6,64})\\s*$");
    private static final Pattern ERROR = Pattern.compile("^Error: building at STEP \"(.*)\": (.*)$");

    @Override
    public Builder builder() {
        return Builder.PODMAN;
    }

    static boolean recognises(String line) {
        return STEP.matcher(line).matches();
    }

    @Override
    void parse(long timeNs, String line) {
        Matcher m = STEP.matcher(line);
        if (m.matches()) {
            MutableStep prev = last();
            if (prev != null) {
                prev.endAt(timeNs);
            }
            String position = (m.group(1) == null ? "" : m.group(1) + " ") + m.group(2) + "/" + m.group(3);
            add(position, m.group(4).strip(), timeNs);
            return;
        }
        MutableStep cur = last();
        if (cur == null) {
            return;
        }
        if (CACHE.matcher(line).matches()) {
            cur.cached = true;
        } else if (RESULT.matcher(line).matches()) {
            cur.endAt(timeNs);
        } else if ((m = ERROR.matcher(line)).matches()) {
            cur.error = line.substring("Error: ".length()).strip();
            cur.exitCode = MutableStep.exitCodeIn(m.group(2));
            cur.endAt(timeNs);
        }
    }
}
