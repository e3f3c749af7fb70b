package io.boxtrace.source.audit;

import io.boxtrace.source.procfs.ProcReader;
import io.boxtrace.source.procfs.ProcStatus;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a process lives in the host's pid namespace (its NSpid line in /proc/PID/status has one
 * entry), cached per pid until its exit: a parent in the host's namespace gets host pids back from
 * clone, so its fork records name the child directly. Unknown (already gone) counts as not.
 *
 * <p>Not thread-safe; the reader thread owns it. At most {@value #MAX} entries.
 */
final class PidNamespaces {

    private static final int MAX = 65_536;
    private final ProcReader proc;
    private final Map<Integer, Boolean> cache = new HashMap<>();

    PidNamespaces(ProcReader proc) {
        this.proc = proc;
    }

    boolean inHostNamespace(int pid) {
        Boolean known = cache.get(pid);
        if (known != null) {
            return known;
        }
        boolean host = proc.status(pid).map(ProcStatus::nsPids).map(l -> l.size() <= 1).orElse(false);
        if (cache.size() >= MAX) {
            cache.clear();
        }
        cache.put(pid, host);
        return host;
    }

    void forget(int pid) {
        cache.remove(pid);
    }
}
