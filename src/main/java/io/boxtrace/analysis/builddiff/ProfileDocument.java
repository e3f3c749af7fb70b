package io.boxtrace.analysis.builddiff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a {@code build --json} profile (docs/build.md) that a comparison needs, read back
 * from the file. Unknown figures (older profiles, the proc connector) are null. Immutable.
 *
 * @param builder {@code classic}, {@code buildkit}, {@code podman} or {@code unknown}
 * @param wallMs  the build command's duration
 * @param steps   in the builder's order
 */
public record ProfileDocument(String builder, double wallMs, List<Step> steps) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ProfileDocument {
        steps = List.copyOf(steps);
    }

    /** One step; {@code instruction} null for unnamed steps (build --attach, --from). */
    public record Step(String instruction, boolean cached, double wallMs, Double cpuMs, Long peakMemoryBytes,
                       List<Command> commands) {
        public Step {
            commands = List.copyOf(commands);
        }
    }

    /** One process of a step (every level of its command tree), with its argv as run. */
    public record Command(List<String> args, double wallMs, Double cpuMs, Long maxRssKb) {
        public Command {
            args = List.copyOf(args);
        }
    }

    /**
     * Parses a profile's bytes; name is the file for messages. A document that is not one is an
     * {@link IllegalArgumentException}; a {@link com.fasterxml.jackson.core.JsonProcessingException} is left to the caller to word.
     */
    public static ProfileDocument parse(byte[] bytes, String name) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        Path file = Path.of(name);
        if (root == null || !root.isObject() || !root.path("steps").isArray() || !root.has("builder")) {
            throw new IllegalArgumentException(file + ": not a build profile (boxtrace build --json FILE writes one)");
        }
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : root.get("steps")) {
            List<Command> commands = new ArrayList<>();
            commands(s.path("processes"), commands);
            steps.add(new Step(s.path("instruction").isTextual() ? s.get("instruction").asText() : null,
                    s.path("cached").asBoolean(false), s.path("duration_ms").asDouble(0),
                    number(s, "cpu_ms"), s.path("peak_memory_bytes").canConvertToLong() ? s.get("peak_memory_bytes").asLong() : null,
                    commands));
        }
        return new ProfileDocument(root.path("builder").asText("unknown"), root.path("duration_ms").asDouble(0), steps);
    }

    private static void commands(JsonNode nodes, List<Command> out) {
        for (JsonNode c : nodes) {
            List<String> args = new ArrayList<>();
            c.path("args").forEach(a -> args.add(a.asText()));
            if (!args.isEmpty()) {
                Double cpu = c.has("cpu_user_ms") && c.has("cpu_sys_ms")
                        ? c.get("cpu_user_ms").asDouble() + c.get("cpu_sys_ms").asDouble() : null;
                out.add(new Command(args, c.path("duration_ms").asDouble(0), cpu,
                        c.path("max_rss_kb").canConvertToLong() ? c.get("max_rss_kb").asLong() : null));
            }
            commands(c.path("children"), out);
        }
    }

    private static Double number(JsonNode n, String field) {
        return n.path(field).isNumber() ? n.get(field).asDouble() : null;
    }
}
