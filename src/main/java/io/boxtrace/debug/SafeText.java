package io.boxtrace.debug;

/**
 * Names from the traced world (container names, ids) reach a terminal and a shell prompt, where
 * escape sequences or {@code $(...)} would be interpreted: only a plain subset goes through.
 */
final class SafeText {

    private static final int MAX = 64;

    private SafeText() {
    }

    /** s with every character outside [A-Za-z0-9_.:/@+-] replaced by '?', at most 64 characters. */
    static String of(String s) {
        if (s == null) {
            return "?";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX; i++) {
            char c = s.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "_.:/@+-".indexOf(c) >= 0;
            b.append(plain ? c : '?');
        }
        return b.toString();
    }
}
