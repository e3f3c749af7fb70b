package io.boxtrace.analysis.build;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** The exec (JSON array) form of a RUN instruction, {@code RUN ["a", "b"]}. Stateless. */
final class ExecForm {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ExecForm() {
    }

    /** The argv of the JSON array, or an empty list when it is not valid JSON (the builder would run it as shell form then). */
    static List<String> parse(String text) {
        try {
            return List.copyOf(MAPPER.readValue(text, new TypeReference<List<String>>() { }));
        } catch (java.io.IOException | RuntimeException e) {
            return List.of("/bin/sh", "-c", text);
        }
    }
}
