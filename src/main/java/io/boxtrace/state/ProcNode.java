package io.boxtrace.state;

import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.Task;
import java.util.List;
import java.util.Map;

/**
 * The process table's mutable record of one process. Only the table touches it (on the pipeline
 * thread); everyone else sees the immutable {@link ProcessInfo} made by {@link #info()}, which is
 * cached until the next change so a burst of events on one process does not copy it each time.
 */
final class ProcNode {

    final ProcessKey key;
    int ppid;
    int uid = Task.UNKNOWN;
    String comm;
    String exe;
    List<String> args = List.of();
    /** Characters of args counted for this node while it is kept as exited (ProcessTable's bound). */
    long retainedArgChars;
    String cwd;
    String cgroup;
    long cgroupId;
    List<Integer> nsPids = List.of();
    Map<String, Long> namespaces = Map.of();
    long exitNs;
    int exitCode = Task.UNKNOWN;
    int exitSignal;
    boolean kernelThread;
    /** True after re-parenting by rule: the real new parent may be a subreaper, so /proc is asked next time. */
    boolean parentUncertain;
    private ProcessInfo cached;

    ProcNode(ProcessKey key, int ppid) {
        this.key = key;
        this.ppid = ppid;
    }

    static ProcNode of(ProcessInfo p) {
        ProcNode n = new ProcNode(p.key(), p.ppid());
        n.uid = p.uid();
        n.comm = p.comm();
        n.exe = p.exe();
        n.args = p.args();
        n.cwd = p.cwd();
        n.cgroup = p.cgroup();
        n.cgroupId = p.cgroupId();
        n.nsPids = p.nsPids();
        n.namespaces = p.namespaces();
        n.exitNs = p.exitNs();
        n.exitCode = p.exitCode();
        n.exitSignal = p.exitSignal();
        n.kernelThread = p.kernelThread();
        n.cached = p;
        return n;
    }

    int pid() {
        return key.pid();
    }

    /** Call after every change. */
    void changed() {
        cached = null;
    }

    ProcessInfo info() {
        ProcessInfo c = cached;
        if (c == null) {
            c = new ProcessInfo(key, ppid, uid, comm, exe, args, cwd, cgroup, cgroupId, nsPids, namespaces, exitNs,
                    exitCode, exitSignal, kernelThread);
            cached = c;
        }
        return c;
    }
}
