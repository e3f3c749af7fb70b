package io.boxtrace.analysis.startup;

import io.boxtrace.container.ContainerRuntime;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Sink;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reconstructs a container start from host-wide events. The client is not the parent of the
 * container (dockerd, containerd and the shim are), so processes are tied to this start by facts,
 * not by text matching of commands: the client's own subtree; runtime processes (runc, crun,
 * containerd-shim, conmon) whose argv names the container's id, and their descendants (runc init's
 * stages); and the container's own processes, unless the command entered a running container (an
 * exec: then only what the exec's runtime forked, see {@link ExecScope}). The container is the one
 * whose processes appear in the window and whose id or name the client named, else the one that
 * started in the window. The trees come from {@link StartupProcessTree}, the verdict on a start that
 * never ran the user's program from {@link StartupVerdict}.
 *
 * <p>A sink collecting everything it is given (bounded: {@link #MAX_EVENTS}); {@link #report} runs
 * after the client exited. Pipeline thread for accept, the caller's thread for report (after stop).
 */
public final class StartupAnalysis implements Sink {

    static final int MAX_EVENTS = 500_000;

    private final List<TracedEvent> events = new ArrayList<>();
    private volatile int clientPid = -1;
    private boolean truncated;
    private boolean sawNamespaceOps;

    public void client(int pid) {
        clientPid = pid;
    }

    @Override
    public void accept(TracedEvent t) {
        if (t.event() instanceof NamespaceEvent) {
            sawNamespaceOps = true;
        }
        if (events.size() < MAX_EVENTS) {
            events.add(t);
        } else {
            truncated = true;
        }
    }

    /** @param sourceSeesNamespaces false for sources that cannot see namespace operations */
    public StartupReport report(List<String> command, boolean sourceSeesNamespaces) {
        int client = clientPid;
        Set<Integer> clientTree = new HashSet<>(Set.of(client));
        long start = Long.MAX_VALUE;
        long end = 0;
        boolean startIsCommand = false;
        for (TracedEvent t : events) {
            Event e = t.event();
            if (e instanceof ForkEvent f && !f.isThread() && clientTree.contains(f.parent().pid())) {
                clientTree.add(f.childPid());
            }
            if (e instanceof ExecEvent x && x.task().pid() == client && !x.failed()) {
                // the exec of the command itself, not of a wrapper that exec'd it (sh -c 'exec docker …')
                boolean itself = x.args().size() == command.size() && x.args().size() > 0
                        && x.args().subList(1, x.args().size()).equals(command.subList(1, command.size()));
                start = itself && !startIsCommand ? x.timeNs() : Math.min(start, x.timeNs());
                startIsCommand |= itself;
            }
            if (e instanceof ExitEvent x && x.task().pid() == client && !x.task().isThread()) {
                end = x.timeNs();
            }
        }
        if (start == Long.MAX_VALUE) {
            start = events.isEmpty() ? 0 : events.getFirst().event().timeNs();
        }
        if (end == 0) {
            end = events.isEmpty() ? start : events.getLast().event().timeNs();
        }
        ContainerInfo container = ContainerNames.withName(pickContainer(command, clientTree, start), command, events);
        boolean entered = ContainerNames.entered(command, container);
        Set<Integer> involved = involved(clientTree, container, entered, command);
        if (entered) {
            involved = ExecScope.narrow(events, involved, clientTree, command);
        }
        List<StartupReport.Proc> procs = StartupProcessTree.build(events, involved, container);
        List<StartupReport.NsOp> ops = new ArrayList<>();
        for (TracedEvent t : events) {
            if (t.event() instanceof NamespaceEvent n && involved.contains(n.task().pid()) && createsOrJoins(n)) {
                ops.add(new StartupReport.NsOp(n.timeNs(), n.task().pid(), n.task().comm(), n.op().jsonName(),
                        n.namespaces().stream().map(Namespace::procName).toList(), n.path(), n.inode(), n.result()));
            }
        }
        List<StartupReport.Phase> phases = new StartupPhases(events, involved, container, clientTree, client, start, end).compute();
        String missing = sourceSeesNamespaces ? null
                : "namespace operations (unshare, setns, pivot_root) are invisible to this source: use --source ebpf";
        if (truncated) {
            missing = (missing == null ? "" : missing + "; ") + "more than " + MAX_EVENTS + " events: the rest was dropped";
        }
        boolean userRan = phases.stream().anyMatch(p -> p.name().equals("user process run")
                || p.name().equals("user process exec"));
        StartupVerdict.Verdict verdict = userRan ? new StartupVerdict.Verdict(null, null)
                : StartupVerdict.of(procs, phases, client);
        String runtime = container != null && ContainerRuntime.of(container.runtime()) != ContainerRuntime.UNKNOWN
                ? container.runtime() : runtimeOf(command);
        return new StartupReport(runtime, container, start, end, procs, ops, phases, missing, verdict.stoppedAt(),
                verdict.failed());
    }

    /**
     * False for an unshare that created no namespace: runc's init calls unshare with only the flags
     * the config asks for, which for an exec (joining every namespace with setns) is none at all.
     */
    static boolean createsOrJoins(NamespaceEvent n) {
        return !(n.op() == NamespaceEvent.Op.UNSHARE || n.op() == NamespaceEvent.Op.CLONE) || !n.namespaces().isEmpty();
    }

    /**
     * The container this command started or entered, most telling fact first: its name or id on the
     * client's command line; the program the client asked to run (trailing arguments) exec'd in it;
     * its image on the client's command line. BuildKit executors never answer for a client that is
     * not a build. A start that failed before any program ran in the container is found through the
     * id its runtime processes (runc create, the shim) carry in their argv.
     */
    private ContainerInfo pickContainer(List<String> command, Set<Integer> clientTree, long clientStart) {
        boolean build = command.contains("build");
        // Only a container that started after the client can be the one a run starts: an older one
        // running the same program or image is someone else's (names and ids on the command line, as
        // for exec and start, still pick an older container).
        Set<String> startedAfter = new HashSet<>();
        for (TracedEvent t : events) {
            if (t.event() instanceof io.boxtrace.event.ContainerEvent ce && ce.kind() == io.boxtrace.event.ContainerEvent.Kind.START
                    && ce.timeNs() >= clientStart) {
                startedAfter.add(ce.container().id());
            }
        }
        Map<String, ContainerInfo> seen = new LinkedHashMap<>();
        for (TracedEvent t : events) {
            ContainerInfo c = t.event() instanceof io.boxtrace.event.ContainerEvent ce ? ce.container() : t.container();
            // Not the client's own container (a client run inside one); podman's containers are the
            // client's descendants (podman -> conmon -> runc), so the rest of its subtree counts.
            if (c != null && (build || ContainerRuntime.of(c.runtime()) != ContainerRuntime.BUILDKIT)
                    && (t.process() == null || t.process().pid() != clientPid)) {
                seen.put(c.id(), c); // the latest version: names can arrive after the first sighting
            }
        }
        // Of the containers the command names, the innermost: "docker exec outer docker run --name
        // inner …" starts inner, in outer.
        ContainerInfo named = null;
        for (ContainerInfo c : seen.values()) {
            for (String arg : command) {
                if ((arg.equals(c.name()) || (arg.length() >= 6 && c.id().startsWith(arg)))
                        && (named == null || depth(c) > depth(named))) {
                    named = c;
                }
            }
        }
        if (named != null) {
            return named;
        }
        for (TracedEvent t : events) {
            if (t.event() instanceof ExecEvent x && !x.failed() && t.container() != null && !x.args().isEmpty()
                    && seen.containsKey(t.container().id()) && startedAfter.contains(t.container().id())
                    && endsWith(command, x.args())
                    && x.task().pid() != clientPid) {
                return t.container();
            }
        }
        String runtime = runtimeOf(command);
        // A client that failed, and a runtime create that failed in its window: that container is the
        // one this client asked for, however many others of the same image started meanwhile.
        String failedCreate = failedCreate();
        if (failedCreate != null) {
            return seen.getOrDefault(failedCreate, new ContainerInfo(failedCreate, null, null, runtime, Map.of(), null, null));
        }
        for (ContainerInfo c : seen.values()) {
            if (c.image() != null && startedAfter.contains(c.id()) && command.stream().anyMatch(a -> a.equals(c.image())
                    || c.image().endsWith("/" + a) || a.endsWith("/" + c.image()))) {
                return c;
            }
        }
        for (TracedEvent t : events) {
            if (t.event() instanceof ExecEvent x && !x.failed() && !x.args().isEmpty()
                    && (x.args().contains("create") || x.args().contains("run")) && isRuntimeExec(x)
                    && t.container() == null) {
                String id = x.args().getLast();
                if (!id.isEmpty() && !x.args().contains("/var/lib/docker/buildkit/executor/runc-log.json")) {
                    if (t.container() == null) { // a "runc" inside a container is not the runtime
                        return seen.getOrDefault(id, new ContainerInfo(id, null, null, runtime, Map.of(), null, null));
                    }
                }
            }
        }
        return seen.values().stream().filter(c -> ContainerRuntime.of(c.runtime()) != ContainerRuntime.BUILDKIT
                && startedAfter.contains(c.id())).findFirst().orElse(null);
    }

    /** The container id of the first host runtime {@code create} that exited with an error, when the client did too; else null. */
    private String failedCreate() {
        boolean clientFailed = false;
        Map<Integer, String> creates = new HashMap<>();
        String failed = null;
        for (TracedEvent t : events) {
            if (t.event() instanceof ExecEvent x && !x.failed() && !x.args().isEmpty() && x.args().contains("create")
                    && isRuntimeExec(x) && t.container() == null) {
                creates.put(x.task().pid(), x.args().getLast());
            } else if (t.event() instanceof ExitEvent x && !x.task().isThread()) {
                if (x.task().pid() == clientPid && (x.exitCode() > 0 || x.signal() != 0)) {
                    clientFailed = true;
                }
                String id = creates.remove(x.task().pid());
                if (id != null && !id.isEmpty() && failed == null && (x.exitCode() > 0 || x.signal() != 0)) {
                    failed = id;
                }
            }
        }
        return clientFailed ? failed : null;
    }

    private static int depth(ContainerInfo c) {
        int d = 0;
        for (ContainerInfo p = c.parent(); p != null && d < 16; p = p.parent()) {
            d++;
        }
        return d;
    }

    private static boolean isRuntimeExec(ExecEvent x) {
        String base = x.filename() == null ? "" : x.filename().substring(x.filename().lastIndexOf('/') + 1);
        return base.equals("runc") || base.equals("crun") || x.args().getFirst().endsWith("runc");
    }

    private static boolean endsWith(List<String> command, List<String> tail) {
        if (tail.size() > command.size()) {
            return false;
        }
        return command.subList(command.size() - tail.size(), command.size()).equals(tail);
    }

    /**
     * Client subtree, runtime processes naming the container and their descendants, the container's
     * processes. When the command entered a container that was already running (an exec), the
     * container's other processes are not its own: only what the exec's runtime forked belongs to it.
     */
    private Set<Integer> involved(Set<Integer> clientTree, ContainerInfo container, boolean entered, List<String> command) {
        Set<Integer> in = new HashSet<>(clientTree);
        for (TracedEvent t : events) {
            Event e = t.event();
            if (e instanceof ForkEvent f && !f.isThread() && in.contains(f.parent().pid())
                    && !isDaemon(f.parent().comm())) {
                in.add(f.childPid());
            }
            if (e instanceof ExecEvent x && container != null && !x.failed()) {
                String comm = x.task().comm() == null ? "" : x.task().comm();
                boolean runtime = isScaffolding(comm) || (x.filename() != null && isScaffolding(
                        x.filename().substring(x.filename().lastIndexOf('/') + 1)));
                // Scaffolding runs outside the container it serves (in an enclosing one at most): a
                // process of any other container merely named like a runtime serves nothing here.
                if (runtime && outside(t.container(), container) && x.args().stream().anyMatch(a -> a.contains(container.id())
                        || (container.name() != null && a.equals(container.name())))) {
                    in.add(x.task().pid());
                }
            }
            if (!entered && container != null && t.container() != null && t.container().id().equals(container.id())
                    && t.process() != null) {
                in.add(t.process().pid());
            }
            // An exec's own program, found even when the runtime's argv was lost (the proc connector
            // reads it from /proc after the event): the container process running what the client asked for.
            if (entered && e instanceof ExecEvent x && !x.failed() && !x.args().isEmpty() && t.container() != null
                    && t.container().id().equals(container.id()) && !clientTree.contains(x.task().pid())
                    && endsWith(command, x.args())) {
                in.add(x.task().pid());
            }
        }
        return in;
    }

    /** True when a process in {@code own} (null: the host) can be scaffolding of {@code target}: the host or an enclosing container. */
    static boolean outside(ContainerInfo own, ContainerInfo target) {
        if (own == null) {
            return true;
        }
        for (ContainerInfo p = target.parent(); p != null; p = p.parent()) {
            if (p.id().equals(own.id())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDaemon(String comm) {
        return ContainerRuntime.isDaemonName(comm);
    }

    /** runc re-executes itself from a sealed copy whose comm is "exe" until it execs the user's program. */
    private static boolean isScaffolding(String name) {
        return ContainerRuntime.isScaffoldingName(name) || "exe".equals(name);
    }

    static String runtimeOf(List<String> command) {
        for (String a : command) {
            String base = ContainerRuntime.baseName(a);
            if (ContainerRuntime.ofClient(base).isPresent()) {
                return base;
            }
        }
        return ContainerRuntime.UNKNOWN.id();
    }
}
