package io.boxtrace.analysis.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The words of an ENV, ARG or FROM instruction as the Dockerfile frontend reads them: split on
 * unquoted whitespace, double quotes group and allow {@code \} escapes and {@code $} expansion,
 * single quotes group literally, {@code $NAME}, {@code ${NAME}}, {@code ${NAME:-word}} and
 * {@code ${NAME:+word}} expand from the variables known so far. A word that refers to a variable
 * whose value is not known (set by the base image, such as {@code $PATH}, or by a build argument
 * boxtrace cannot see) is unknown as a whole: null, never a guess. Stateless.
 */
final class DockerfileWords {

    private DockerfileWords() {
    }

    /**
     * The words of text with variables expanded from known; a word that could not be expanded is null.
     * With known null, references are kept as written (the words line up with the expanded ones: an
     * expansion never splits a word). Returns null when the quoting is unbalanced.
     */
    static List<String> split(String text, Map<String, String> known) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        boolean unknown = false;
        char quote = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (cur != null) {
                    out.add(unknown ? null : cur.toString());
                    cur = null;
                    unknown = false;
                }
                i++;
                continue;
            }
            if (cur == null) {
                cur = new StringBuilder();
            }
            if (c == '\\' && quote != '\'' && i + 1 < text.length()) {
                cur.append(text.charAt(i + 1));
                i += 2;
            } else if ((c == '"' || c == '\'') && (quote == 0 || quote == c)) {
                quote = quote == 0 ? c : 0;
                i++;
            } else if (c == '$' && quote != '\'' && known != null) {
                int end = expand(text, i, known, cur);
                if (end < 0) {
                    unknown = true;
                    end = -end;
                }
                i = end;
            } else {
                cur.append(c);
                i++;
            }
        }
        if (quote != 0) {
            return null;
        }
        if (cur != null) {
            out.add(unknown ? null : cur.toString());
        }
        return out;
    }

    /**
     * Expands the reference at text[at] ('$') into out; returns the index after it, negated when the
     * variable's value is unknown.
     */
    private static int expand(String text, int at, Map<String, String> known, StringBuilder out) {
        int i = at + 1;
        if (i < text.length() && text.charAt(i) == '{') {
            int close = text.indexOf('}', i);
            if (close < 0) {
                return -text.length();
            }
            String body = text.substring(i + 1, close);
            int colon = body.indexOf(':');
            String name = colon < 0 ? body : body.substring(0, colon);
            String value = known.get(name);
            if (colon < 0) {
                if (value == null) {
                    return -(close + 1);
                }
                out.append(value);
            } else if (value == null || body.length() < colon + 2) {
                return -(close + 1);
            } else if (body.charAt(colon + 1) == '-') {
                out.append(value.isEmpty() ? body.substring(colon + 2) : value);
            } else if (body.charAt(colon + 1) == '+') {
                out.append(value.isEmpty() ? "" : body.substring(colon + 2));
            } else {
                return -(close + 1); // another modifier: not read, so not known
            }
            return close + 1;
        }
        int end = i;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
        }
        if (end == i) {
            out.append('$'); // a lone $ stays
            return i;
        }
        String value = known.get(text.substring(i, end));
        if (value == null) {
            return -end;
        }
        out.append(value);
        return end;
    }
}
