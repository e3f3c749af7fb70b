package io.boxtrace.render.console;

/**
 * ANSI styling that switches itself off when output is not a terminal, when NO_COLOR is set
 * (no-color.org) or TERM is dumb. Immutable.
 */
public final class Style {

    private final boolean enabled;

    public Style(boolean enabled) {
        this.enabled = enabled;
    }

    /** Colour when stdout is a terminal and the environment does not forbid it. */
    public static Style forStdout() {
        var console = System.console();
        boolean tty = console != null && console.isTerminal();
        boolean forbidden = System.getenv("NO_COLOR") != null || "dumb".equals(System.getenv("TERM"));
        boolean forced = System.getenv("BOXTRACE_COLOR") != null;
        return new Style(forced || (tty && !forbidden));
    }

    public static Style plain() {
        return new Style(false);
    }

    public boolean enabled() {
        return enabled;
    }

    public String bold(String s) {
        return wrap("1", s);
    }

    public String dim(String s) {
        return wrap("2", s);
    }

    public String red(String s) {
        return wrap("31", s);
    }

    public String green(String s) {
        return wrap("32", s);
    }

    public String yellow(String s) {
        return wrap("33", s);
    }

    public String blue(String s) {
        return wrap("34", s);
    }

    public String magenta(String s) {
        return wrap("35", s);
    }

    public String cyan(String s) {
        return wrap("36", s);
    }

    private String wrap(String code, String s) {
        return enabled ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    /** Pads s on the right to width visible characters (styling codes do not count). */
    public static String padRight(String s, int width, int visibleLength) {
        return visibleLength >= width ? s : s + " ".repeat(width - visibleLength);
    }
}
