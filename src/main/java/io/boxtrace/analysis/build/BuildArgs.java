package io.boxtrace.analysis.build;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The build arguments a client command line gives ({@code --build-arg NAME=value},
 * {@code --build-arg=NAME=value}, {@code --build-arg NAME} taking the value from the client's
 * environment): the values BuildKit puts into the environment of the RUNs of stages that declare
 * {@code ARG NAME} (measured, docs/build.md). A name whose value boxtrace cannot know (not in the
 * environment given) maps to null. Stateless.
 */
public final class BuildArgs {

    /** More than any real command line; the rest is ignored (its ARGs then are simply not compared). */
    private static final int MAX_ARGS = 1024;

    private BuildArgs() {
    }

    /** @param clientEnv the client's environment (for a client boxtrace started: its own) */
    public static Map<String, String> of(List<String> argv, Map<String, String> clientEnv) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < argv.size() && out.size() < MAX_ARGS; i++) {
            String a = argv.get(i);
            String kv = null;
            if (a.equals("--build-arg") && i + 1 < argv.size()) {
                kv = argv.get(++i);
            } else if (a.startsWith("--build-arg=")) {
                kv = a.substring("--build-arg=".length());
            }
            if (kv == null || kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq == 0) {
                continue;
            }
            if (eq > 0) {
                out.put(kv.substring(0, eq), kv.substring(eq + 1));
            } else {
                out.put(kv, clientEnv.get(kv)); // null: not set there, so what the builder used is not known
            }
        }
        return out;
    }
}
