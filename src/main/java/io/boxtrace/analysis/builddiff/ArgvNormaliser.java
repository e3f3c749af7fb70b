package io.boxtrace.analysis.builddiff;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The key under which a command is matched between two builds: its argv with what differs from
 * run to run for the same work replaced by placeholders: temporary paths ({@code /tmp/…},
 * {@code /var/tmp/…}, mktemp-style names), hex hashes and ids of 12 digits or more (image and layer
 * digests, container ids, git revisions), and pids in {@code /proc/PID}. Stateless.
 */
public final class ArgvNormaliser {

    private static final Pattern TEMP = Pattern.compile("(/(?:var/)?tmp)/[^/\\s'\"]+");
    private static final Pattern MKTEMP = Pattern.compile("\\btmp\\.[A-Za-z0-9]{6,}");
    private static final Pattern HASH = Pattern.compile("(?i)\\b(?:sha256:)?[0-9a-f]{12,}\\b");
    private static final Pattern PROC_PID = Pattern.compile("/proc/\\d+");

    private ArgvNormaliser() {
    }

    public static String key(List<String> args) {
        StringBuilder b = new StringBuilder();
        for (String a : args) {
            if (!b.isEmpty()) {
                b.append('\0');
            }
            b.append(normalise(a));
        }
        return b.toString();
    }

    static String normalise(String arg) {
        String s = TEMP.matcher(arg).replaceAll("$1/<tmp>");
        s = MKTEMP.matcher(s).replaceAll("<tmp>");
        s = HASH.matcher(s).replaceAll("<hash>");
        return PROC_PID.matcher(s).replaceAll("/proc/<pid>");
    }

    /** An instruction's key: whitespace runs collapsed, the same placeholders as argv. */
    public static String instructionKey(String instruction) {
        return normalise(instruction.strip().replaceAll("\\s+", " "));
    }
}
