package io.boxtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code boxtrace agent --config FILE}: the agent's settings in YAML, or TOML when the file's name
 * ends in {@code .toml}, with the flags' names in snake_case (README, "boxtrace agent"). Flags
 * given on the command line override the file. An unknown key or a value of the wrong kind is a
 * usage error naming it, so a typo never silently turns a setting off. The file is read with a size cap: it is configuration, not data.
 *
 * @param values key → scalar text or list of texts, as given in the file
 */
record AgentConfig(Map<String, Object> values) {

    static final long MAX_BYTES = 1 << 20;
    static final Set<String> KEYS = Set.of("metrics", "otlp_endpoint", "otlp_protocol", "otlp_queue", "output",
            "rotate_size", "keep", "container", "source", "kubernetes_labels", "exec_series", "max_args",
            "max_arg_bytes");

    static AgentConfig empty() {
        return new AgentConfig(Map.of());
    }

    static AgentConfig load(Path file, java.io.PrintWriter err) {
        try {
            // TOML by its extension: the two syntaxes overlap too little to guess from the content
            // (a TOML "key = value" line is a YAML string), and the extension is what editors go by.
            String name = String.valueOf(file.getFileName()).toLowerCase(java.util.Locale.ROOT);
            boolean toml = name.endsWith(".toml");
            JsonNode root = new ObjectMapper(toml ? new TomlFactory() : new YAMLFactory())
                    .readTree(InputFiles.readCapped(file, (int) MAX_BYTES, err, "boxtrace agent"));
            return parse(root, file.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw BoxtraceException.usage("cannot read config " + file + ": " + InputFiles.problem(e));
        } catch (java.nio.file.NoSuchFileException e) {
            throw BoxtraceException.usage("cannot read config " + file + ": no such file");
        } catch (IOException e) {
            throw BoxtraceException.usage("cannot read config " + file + ": " + firstLine(e.getMessage()));
        }
    }

    static AgentConfig parse(JsonNode root, String where) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return empty();
        }
        if (!root.isObject()) {
            throw BoxtraceException.usage("config " + where + ": expected a mapping of settings");
        }
        Map<String, Object> values = new java.util.HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (!KEYS.contains(key)) {
                throw BoxtraceException.usage("config " + where + ": unknown setting '" + key + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
            }
            JsonNode v = e.getValue();
            if (v.isArray()) {
                List<String> list = new ArrayList<>();
                v.forEach(x -> list.add(scalar(x, key, where)));
                values.put(key, List.copyOf(list));
            } else {
                values.put(key, scalar(v, key, where));
            }
        }
        return new AgentConfig(Map.copyOf(values));
    }

    private static String scalar(JsonNode v, String key, String where) {
        if (!v.isValueNode() || v.isNull()) {
            throw BoxtraceException.usage("config " + where + ": '" + key + "' must be a value or a list of values");
        }
        return v.asText();
    }

    String string(String key) {
        Object v = values.get(key);
        if (v instanceof List<?> l) {
            throw BoxtraceException.usage("config: '" + key + "' takes one value, not a list of " + l.size());
        }
        return (String) v;
    }

    List<String> list(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of((String) v);
    }

    Integer integer(String key) {
        String s = string(key);
        if (s == null) {
            return null;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw BoxtraceException.usage("config: '" + key + "' must be a whole number, not '" + s + "'");
        }
    }

    Boolean bool(String key) {
        String s = string(key);
        if (s == null) {
            return null;
        }
        return switch (s.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw BoxtraceException.usage("config: '" + key + "' must be true or false, not '" + s + "'");
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
