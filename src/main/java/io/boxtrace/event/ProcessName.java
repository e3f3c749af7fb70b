package io.boxtrace.event;

import java.util.List;

/**
 * The one name every renderer shows for a process: the kernel's comm after exec, except when the
 * comm is {@code exe} — busybox applets (and other multi-call binaries) re-exec /proc/self/exe, so
 * the comm says nothing and argv[0]'s base name ("ls", "sh") is what the user ran.
 */
public final class ProcessName {

    private ProcessName() {
    }

    /** The display name, or null when neither comm nor argv[0] is known. Not escaped. */
    public static String of(String comm, List<String> args) {
        if ((comm == null || comm.equals("exe")) && args != null && !args.isEmpty() && !args.getFirst().isEmpty()) {
            String a0 = args.getFirst();
            String base = a0.substring(a0.lastIndexOf('/') + 1);
            if (!base.isEmpty()) {
                return base;
            }
        }
        return comm;
    }

    public static String of(ProcessInfo p) {
        return of(p.comm(), p.args());
    }
}
