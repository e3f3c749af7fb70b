package io.boxtrace.analysis.startup;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.TracedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Cuts a container start into named phases, each bounded by kernel events (README, "boxtrace run"):
 * <ol>
 * <li>client to daemon: client exec → first exec of a runtime process for this container</li>
 * <li>runtime create: → first namespace operation (unshare, clone with CLONE_NEW*, setns)</li>
 * <li>namespace set-up (namespace join for setns-only starts such as exec): → last namespace operation</li>
 * <li>root filesystem switch: → pivot_root (or chroot) done</li>
 * <li>user process exec: → the exec of the user's program in the container</li>
 * <li>user process run: → its exit</li>
 * <li>tear-down: → the client's exit</li>
 * </ol>
 * A phase whose bounding events were not seen is left out, never guessed.
 */
final class StartupPhases {

    private static final Set<String> RUNTIME_BINARIES = Set.of("runc", "crun", "conmon", "containerd-shim-runc-v2",
            "containerd-shim");

    private final List<TracedEvent> events;
    private final Set<Integer> involved;
    private final ContainerInfo container;
    private final Set<Integer> clientTree;
    private final long start;
    private final long end;

    StartupPhases(List<TracedEvent> events, Set<Integer> involved, ContainerInfo container, Set<Integer> clientTree,
                  long start, long end) {
        this.events = events;
        this.involved = involved;
        this.container = container;
        this.clientTree = clientTree;
        this.start = start;
        this.end = end;
    }

    List<StartupReport.Phase> compute() {
        long runtime = 0;
        long nsFirst = 0;
        long nsLast = 0;
        long pivot = 0;
        long userExec = 0;
        int userPid = -1;
        long userExit = 0;
        boolean onlySetns = true;
        for (TracedEvent t : events) {
            long time = t.event().timeNs();
            if (time < start) {
                continue;
            }
            switch (t.event()) {
                case ExecEvent x when !x.failed() && involved.contains(x.task().pid()) -> {
                    String base = x.filename() == null ? "" : x.filename().substring(x.filename().lastIndexOf('/') + 1);
                    String argv0 = x.args().isEmpty() ? "" : x.args().getFirst();
                    argv0 = argv0.substring(argv0.lastIndexOf('/') + 1);
                    boolean isRuntime = RUNTIME_BINARIES.contains(base) || RUNTIME_BINARIES.contains(argv0);
                    if (runtime == 0 && isRuntime && !clientTree.contains(x.task().pid())) {
                        runtime = time;
                    }
                    boolean inContainer = container != null && t.container() != null
                            && t.container().id().equals(container.id());
                    if (userExec == 0 && inContainer && !isRuntime && !argv0.equals("runc")) {
                        userExec = time;
                        userPid = x.task().pid();
                    }
                }
                case NamespaceEvent n when involved.contains(n.task().pid()) -> {
                    switch (n.op()) {
                        case PIVOT_ROOT, CHROOT -> {
                            if (pivot == 0 && n.result() == 0) {
                                pivot = time;
                            }
                        }
                        default -> {
                            if (userExec == 0) {
                                nsFirst = nsFirst == 0 ? time : nsFirst;
                                nsLast = time;
                                // unshare without CLONE_NEW* flags (runc unsharing fs state) creates no namespace
                                onlySetns &= n.op() == NamespaceEvent.Op.SETNS || n.namespaces().isEmpty();
                            }
                        }
                    }
                }
                case ExitEvent x -> {
                    if (x.task().pid() == userPid && !x.task().isThread() && userExit == 0) {
                        userExit = time;
                    }
                }
                default -> { }
            }
        }
        List<StartupReport.Phase> out = new ArrayList<>();
        add(out, "client to daemon", start, runtime);
        add(out, "runtime create", runtime, nsFirst);
        add(out, onlySetns ? "namespace join" : "namespace set-up", nsFirst, nsLast);
        add(out, "root filesystem switch", nsLast, pivot);
        add(out, "user process exec", pivot != 0 ? pivot : nsLast, userExec);
        add(out, "user process run", userExec, userExit);
        add(out, "tear-down", userExit, end);
        return out;
    }

    private static void add(List<StartupReport.Phase> out, String name, long from, long to) {
        if (from != 0 && to != 0 && to >= from) {
            out.add(new StartupReport.Phase(name, from, to));
        }
    }
}
