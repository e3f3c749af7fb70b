package io.boxtrace.render.console;

import io.boxtrace.render.Escape;
import java.util.List;

/** Shell-like quoting of an argument vector for human output: what you could paste back into sh. */
public final class ArgvFormat {

    private ArgvFormat() {
    }

    public static String join(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(quote(a));
        }
        return sb.toString();
    }

    static String quote(String a) {
        if (a.isEmpty()) {
            return "''";
        }
        boolean plain = a.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,+@%^".indexOf(c) >= 0);
        if (plain) {
            return a;
        }
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c == '\'') {
                sb.append("'\\''");
            } else if (Escape.safe(a, i)) {
                sb.append(c);
                if (Character.isHighSurrogate(c)) {
                    sb.append(a.charAt(++i));
                }
            } else {
                sb.append(Escape.text(String.valueOf(c)));
            }
        }
        return sb.append('\'').toString();
    }
}
