package io.boxtrace.render;

/**
 * The one escaping function for every string from the traced world (comm, argv, paths, container
 * names, images, labels, user names, daemon text) on every output a person reads. The traced side
 * chooses these strings, so anything a terminal would act on or hide becomes a visible escape:
 * C0 and C1 controls and DEL ({@code \x1b}, {@code \x0a}), Unicode format characters such as bidi
 * overrides and zero-width marks (U+202E), line and paragraph separators, and unpaired
 * surrogates. Backslashes stay as they are, so argv quoted for a shell can still be pasted back. Stateless.
 */
public final class Escape {

    private Escape() {
    }

    /** s with every character a terminal could act on made visible; "" for null. */
    public static String text(String s) {
        if (s == null) {
            return "";
        }
        int i = 0;
        while (i < s.length() && safe(s, i)) {
            i += Character.isHighSurrogate(s.charAt(i)) ? 2 : 1; // a safe high surrogate is a whole pair
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (safe(s, i)) {
                sb.append(c);
                if (Character.isHighSurrogate(c)) {
                    sb.append(s.charAt(++i));
                }
            } else {
                append(sb, c);
            }
        }
        return sb.toString();
    }

    /** True when the character at i (a whole surrogate pair counts as one) can be printed as it is. */
    public static boolean safe(String s, int i) {
        char c = s.charAt(i);
        if (c >= 0x20 && c < 0x7f) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    && printable(Character.toCodePoint(c, s.charAt(i + 1)));
        }
        if (Character.isLowSurrogate(c)) {
            return false; // unpaired
        }
        return printable(c);
    }

    private static boolean printable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.PRIVATE_USE, Character.UNASSIGNED, Character.SURROGATE -> false;
            default -> true;
        };
    }

    private static void append(StringBuilder sb, char c) {
        if (c < 0x100) {
            sb.append(String.format("\\x%02x", (int) c));
        } else {
            sb.append(String.format("\\u%04x", (int) c));
        }
    }
}
