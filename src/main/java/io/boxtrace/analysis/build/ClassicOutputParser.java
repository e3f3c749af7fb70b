package io.boxtrace.analysis.build;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's legacy builder (DOCKER_BUILDKIT=0). The daemon streams, per step:
 * <pre>
 * Step 2/5 : RUN sleep 1
 *  ---> Running in 33fffc3c337e        (the intermediate container: its cgroup is /docker/&lt;full id&gt;)
 * ...the command's output...
 * Removing intermediate container 33fffc3c337e
 *  ---> 0c5ca5013cff                   (the committed image: the step is done)
 * </pre>
 * a cached step prints {@code  ---> Using cache} instead of Running in, and a failed RUN ends the
 * build with {@code The command '/bin/sh -c ...' returned a non-zero code: N}. Samples recorded on
 * this host are in src/test/resources/build/classic-*.txt.
 */
public final class ClassicOutputParser extends BuildOutputParser {

    private static final Pattern STEP = Pattern.compile("^Step (\\d+)/(\\d+) : (.*)$");
    private static final Pattern RUNNING_IN = Pattern.compile("^ ---> Running in ([0-9a-f]{12,64})\\s*$");
    private static final Pattern RESULT = Pattern.compile("^ ---> ([0-9a-f]{12,64})\\s*$");
    private static final Pattern FAILED = Pattern.compile("^The command '(.*)' returned a non-zero code: (\\d+)\\s*$");
    private static final Pattern SUCCESS = Pattern.compile("^Successfully built ([0-9a-f]+)\\s*$");

    @Override
    public Builder builder() {
        return Builder.CLASSIC;
    }

    /** True for lines only this builder prints. */
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
            add(m.group(1) + "/" + m.group(2), m.group(3).strip(), timeNs);
            return;
        }
        MutableStep cur = last();
        if (cur == null) {
            return;
        }
        if (line.startsWith(" ---> Using cache")) {
            cur.cached = true;
        } else if ((m = RUNNING_IN.matcher(line)).matches()) {
            cur.containerId = m.group(1);
        } else if ((m = RESULT.matcher(line)).matches()) {
            cur.endAt(timeNs);
        } else if ((m = FAILED.matcher(line)).matches()) {
            cur.error = line.strip();
            cur.exitCode = Integer.parseInt(m.group(2));
            cur.endAt(timeNs);
        } else if (SUCCESS.matcher(line).matches()) {
            cur.endAt(timeNs);
        }
    }
}
