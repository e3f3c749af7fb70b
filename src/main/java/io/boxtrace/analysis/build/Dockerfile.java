package io.boxtrace.analysis.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The instructions of a Dockerfile (or Containerfile), as the builders number them: the classic
 * builder's {@code Step k/N} counts every instruction of every stage, FROM included. Used when the
 * builder's output does not name the steps ({@code docker build -q}, {@code build --attach},
 * {@code build --from}): a build container is tied to the RUN instruction whose command it exec'd,
 * which is also the fact that tells the builder's containers from anyone else's (a service container
 * or a concurrent {@code docker run} runs no RUN line of this file).
 *
 * <p>The text is untrusted (it is the user's file, but boxtrace prints it): it is bounded here and
 * escaped by the renderers. Immutable.
 */
public record Dockerfile(String path, List<Instruction> instructions) {

    /** Files larger than this are not read: no real Dockerfile comes close. */
    public static final int MAX_BYTES = 1 << 20;
    private static final int MAX_INSTRUCTIONS = 10_000;
    /** {@code <<EOF}, {@code <<-EOF}, {@code <<"EOF"}: the body follows up to a line holding only the word. */
    private static final java.util.regex.Pattern HEREDOC = java.util.regex.Pattern.compile("<<-?[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?");

    /**
     * One instruction: its position (1-based, all stages counted), its text as the classic builder
     * prints it ({@code RUN echo hi}), and for RUN the argv the runtime execs.
     */
    public record Instruction(int position, String text, List<String> runArgv) {
        public Instruction {
            runArgv = runArgv == null ? null : List.copyOf(runArgv);
        }
    }

    public Dockerfile {
        instructions = List.copyOf(instructions);
    }

    /**
     * Parses the text: comments, blank lines and parser directives are skipped, lines ending in the
     * escape character ({@code \}, or {@code `} after {@code # escape=`}) continue, and a RUN's shell
     * form becomes {@code SHELL + [text]} (default {@code /bin/sh -c}), its exec form the JSON array.
     * Heredocs ({@code RUN <<EOF}) are kept as text without an argv: they exec a script, not their line.
     */
    public static Dockerfile parse(String path, String text) {
        char escape = '\\';
        List<String> logical = new ArrayList<>();
        StringBuilder cur = null;
        boolean directives = true;
        String heredoc = null;
        for (String raw : text.split("\r?\n", -1)) {
            String line = raw.strip();
            if (heredoc != null) {
                heredoc = line.equals(heredoc) ? null : heredoc; // a heredoc's body is no instruction
                continue;
            }
            if (directives && line.startsWith("#")) {
                String d = line.substring(1).strip().toLowerCase(Locale.ROOT).replace(" ", "");
                if (d.startsWith("escape=") && d.length() > 7) {
                    escape = d.charAt(7);
                }
                continue;
            }
            directives = false;
            if (line.startsWith("#") || line.isEmpty()) {
                continue; // comments and blank lines inside continuations are dropped by the builders as well
            }
            // As the builders join lines (Step 2/2 : RUN a &&  <newline>    b is "a &&      b"): the escape
            // character goes, the whitespace around it stays.
            String body = cur == null ? raw.stripLeading() : raw;
            boolean continues = body.stripTrailing().endsWith(String.valueOf(escape));
            if (continues) {
                body = body.stripTrailing();
                body = body.substring(0, body.length() - 1);
            }
            cur = cur == null ? new StringBuilder(body) : cur.append(body);
            if (!continues) {
                String instruction = cur.toString().strip();
                logical.add(instruction);
                cur = null;
                java.util.regex.Matcher m = HEREDOC.matcher(instruction);
                heredoc = m.find() ? m.group(1) : null;
            }
            if (logical.size() >= MAX_INSTRUCTIONS) {
                break;
            }
        }
        if (cur != null && !cur.isEmpty()) {
            logical.add(cur.toString().strip());
        }
        List<String> shell = List.of("/bin/sh", "-c");
        List<Instruction> out = new ArrayList<>();
        for (String l : logical) {
            if (l.isEmpty()) {
                continue;
            }
            int sp = indexOfSpace(l);
            String keyword = (sp < 0 ? l : l.substring(0, sp)).toUpperCase(Locale.ROOT);
            String rest = sp < 0 ? "" : l.substring(sp).strip();
            List<String> argv = null;
            if (keyword.equals("SHELL")) {
                List<String> s = jsonArray(rest);
                shell = s == null || s.isEmpty() ? shell : s;
            } else if (keyword.equals("RUN")) {
                String cmd = withoutRunFlags(rest);
                argv = cmd.startsWith("<<") ? null : jsonArray(cmd);
                if (argv == null && !cmd.startsWith("<<")) {
                    argv = new ArrayList<>(shell);
                    argv.add(cmd);
                }
            }
            out.add(new Instruction(out.size() + 1, keyword + (rest.isEmpty() ? "" : " " + rest), argv));
        }
        return new Dockerfile(path, out);
    }

    /** The RUN instructions, in order. */
    public List<Instruction> runs() {
        return instructions.stream().filter(i -> i.runArgv() != null).toList();
    }

    /** {@code RUN --mount=… --network=none cmd}: the flags BuildKit takes before the command. */
    private static String withoutRunFlags(String rest) {
        String r = rest;
        while (r.startsWith("--")) {
            int sp = indexOfSpace(r);
            if (sp < 0) {
                return "";
            }
            r = r.substring(sp).strip();
        }
        return r;
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** A JSON array of strings ({@code ["a", "b"]}), or null when the text is not one (then it is shell form, as for the builders). */
    static List<String> jsonArray(String s) {
        if (!s.startsWith("[") || !s.endsWith("]")) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
            List<String> out = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode e : n) {
                if (!e.isTextual()) {
                    return null;
                }
                out.add(e.asText());
            }
            return out;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
