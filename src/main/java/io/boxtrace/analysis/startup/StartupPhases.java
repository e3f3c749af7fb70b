package io.boxtrace.analysis.startup;

import io.boxtrace.container.ContainerRuntime;

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


    private final List<TracedEvent> events;
    private final Set<Integer> involved;
    private final ContainerInfo container;
    private final Set<Integer> clientTree;
    private final long start;
    private final long end;
    private final int clientPid;
    /** Whether the runtime step is visible at all; without it namespace ops count from the client's start. */
    private boolean hasRuntimeStep;

    StartupPhases(List<TracedEvent> events, Set<Integer> involved, ContainerInfo container, Set<Integer> clientTree,
                  int clientPid, long start, long end) {
        this.clientPid = clientPid;
        this.events = events;
        this.involved = involved;
        this.container = container;
        this.clientTree = clientTree;
        this.start = start;
        this.end = end;
    }

    private int clientPid() {
        return clientPid;
    }

    List<StartupReport.Phase> compute() {
        hasRuntimeStep = events.stream().anyMatch(t -> t.event() instanceof ExecEvent x && !x.failed()
                && x.args().stream().anyMatch(a -> a.equals("create") || a.equals("run") || a.equals("exec"))
                && x.args().stream().anyMatch(a -> a.endsWith("runc") || a.endsWith("crun") || a.contains("containerd-shim")));
        long runtime = 0;
        long nsFirst = 0;
        long nsLast = 0;
        long pivot = 0;
        long userExec = 0;
        int userPid = -1;
        long userExit = 0;
        boolean onlySetns = true;
        int pivotPid = -1;
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
                    boolean isRuntime = ContainerRuntime.isScaffoldingName(base) || ContainerRuntime.isScaffoldingName(argv0);
                    // The runtime is reached when a shim starts or runc/crun is asked to create, run or exec
                    // (podman runs runc itself, so this may be the client's own descendant; probes such as
                    // "conmon --version" do not count).
                    boolean runtimeStep = (base.startsWith("containerd-shim") || argv0.startsWith("containerd-shim"))
                            || ((base.equals("runc") || base.equals("crun") || argv0.equals("runc") || argv0.equals("crun"))
                                && (x.args().contains("create") || x.args().contains("run") || x.args().contains("exec")));
                    if (runtime == 0 && runtimeStep) {
                        // runc/crun run as the client: the runtime is reached at once
                        runtime = x.task().pid() == clientPid() ? start : time;
                    }
                    boolean inContainer = container != null && t.container() != null
                            && t.container().id().equals(container.id());
                    // The process that switched the root filesystem execs the user's program next.
                    boolean afterPivot = pivotPid == x.task().pid();
                    if (userExec == 0 && (afterPivot || inContainer) && !isRuntime && !argv0.equals("runc")) {
                        userExec = time;
                        userPid = x.task().pid();
                    }
                }
                case NamespaceEvent n when involved.contains(n.task().pid()) && StartupAnalysis.createsOrJoins(n) -> {
                    if (runtime == 0 && hasRuntimeStep) {
                        continue; // the client's own set-up before the runtime (podman's network namespace)
                    }
                    switch (n.op()) {
                        case PIVOT_ROOT, CHROOT -> {
                            if (pivot == 0 && n.result() == 0) {
                                pivot = time;
                                pivotPid = n.task().pid();
                            }
                        }
                        default -> {
                            // after the root switch, namespace work is someone else's (a CNI plugin
                            // tearing down a failed start's network), not this set-up
                            if (userExec == 0 && pivot == 0) {
                                nsFirst = nsFirst == 0 ? time : nsFirst;
                                nsLast = time;
                                onlySetns &= n.op() == NamespaceEvent.Op.SETNS;
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
        if (runtime != start) {
            add(out, "client to daemon", start, runtime);
        }
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
