package io.boxtrace.render.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/**
 * The one JSON setup of every JSON output. JSON output goes to programs, but also to terminals
 * ({@code tree --json} at a prompt, {@code jq}-less pipelines into {@code less -R}): Jackson escapes
 * only what JSON requires (below U+0020), so a comm holding U+009B (a C1 CSI that some terminals act
 * on), U+202E (a bidi override) or a zero-width character would reach the screen raw. These are
 * written as {@code \\u} escapes instead, with DEL, line and paragraph separators: the document
 * means the same strings to every JSON reader, and a terminal shows it as it is. Null fields of
 * object trees are left out, as the README promises for absent fields. Thread-safe (immutable once built).
 */
public final class JsonOutput {

    /** For streaming writers (JsonGenerator). */
    public static final JsonFactory FACTORY = new com.fasterxml.jackson.core.JsonFactoryBuilder().characterEscapes(new TerminalSafe()).build();
    /** For object-tree writers: same escapes, null properties omitted. */
    public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY).configure(JsonNodeFeature.WRITE_NULL_PROPERTIES, false);

    private JsonOutput() {
    }

    /** The tree as one line of JSON, through {@link #MAPPER}. */
    public static String write(JsonNode tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e); // in memory: cannot happen
        }
    }

    /** Escapes what JSON requires, and every control or invisible formatting character besides. */
    private static final class TerminalSafe extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        TerminalSafe() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (Character.isSurrogate((char) ch)) {
                return null; // pairs are written as they are; Jackson itself deals with a lone one
            }
            return switch (Character.getType(ch)) {
                case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
                        new SerializedString(String.format("\\u%04X", ch)); // upper case, as Jackson writes its own
                default -> null;
            };
        }
    }
}
