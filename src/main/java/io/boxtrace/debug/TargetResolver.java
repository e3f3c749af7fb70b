package io.boxtrace.debug;

import io.boxtrace.analysis.tree.ContainerTree;
import io.boxtrace.container.RuntimeContainer;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.source.procfs.ProcReader;
import io.boxtrace.source.procfs.ProcStat;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Turns CONTAINER (a name or an id prefix) into the running container to debug and its main
 * process, the way {@code docker} does: an exact name or id wins, else an id prefix that only one
 * container has. Running containers are those boxtrace attributes processes to on the host, from
 * any runtime; the runtimes' own lists (asked only when nothing runs under that name) tell a
 * stopped container from a missing one. Stateless; not thread-safe only through its inputs.
 */
public final class TargetResolver {

    private final List<ContainerTree.Group> running;
    private final Supplier<List<RuntimeContainer>> known;
    private final ToIntFunction<ContainerInfo> mainPids;
    private final ProcReader proc;

    /**
     * @param running  the host's running containers with their processes
     * @param known    every container the runtimes list, running or not
     * @param mainPids the runtime's record of a container's main process (host pid), 0 when unknown
     */
    public TargetResolver(List<ContainerTree.Group> running, Supplier<List<RuntimeContainer>> known,
                          ToIntFunction<ContainerInfo> mainPids, ProcReader proc) {
        this.running = running;
        this.known = known;
        this.mainPids = mainPids;
        this.proc = proc;
    }

    public DebugTarget resolve(String selector) throws DebugException {
        String sel = selector.startsWith("/") ? selector.substring(1) : selector;
        if (sel.isEmpty()) {
            throw new DebugException(DebugException.Kind.NO_SUCH_CONTAINER, "no such container: " + SafeText.of(selector));
        }
        List<ContainerTree.Group> exact = running.stream()
                .filter(g -> sel.equals(g.container().id()) || sel.equals(g.container().name())).toList();
        List<ContainerTree.Group> found = !exact.isEmpty() ? exact
                : running.stream().filter(g -> g.container().id().startsWith(sel)).toList();
        if (found.size() == 1) {
            return target(found.getFirst());
        }
        if (found.size() > 1) {
            throw new DebugException(DebugException.Kind.AMBIGUOUS, "container " + SafeText.of(sel) + " is ambiguous: "
                    + String.join(", ", found.stream().map(g -> describe(g.container())).sorted().toList()));
        }
        Predicate<RuntimeContainer> named = c -> sel.equals(c.name()) || c.id().startsWith(sel);
        RuntimeContainer stopped = known.get().stream().filter(named).findFirst().orElse(null);
        if (stopped != null && stopped.running()) {
            // The runtime names it and says it runs, but the processes found carry no name yet (a daemon
            // slower than the name look-up's wait): its id, which the processes do carry, decides.
            List<ContainerTree.Group> byId = running.stream().filter(g -> g.container().id().equals(stopped.id())).toList();
            if (byId.size() == 1) {
                return target(byId.getFirst());
            }
        }
        if (stopped != null) {
            throw new DebugException(DebugException.Kind.NOT_RUNNING, "container " + SafeText.of(sel) + " is not running");
        }
        throw new DebugException(DebugException.Kind.NO_SUCH_CONTAINER, "no such container: " + SafeText.of(sel));
    }

    private static String describe(ContainerInfo c) {
        return SafeText.of(c.shortId()) + " (" + SafeText.of(c.displayName()) + ", " + SafeText.of(c.runtime()) + ")";
    }

    /**
     * The runtime's main process when it is one of the container's; else its pid 1; else its
     * oldest root. The runtime's answer matters when pid 1 is not the container's own process
     * (a pid namespace shared with another container, {@code --pid host}).
     */
    private DebugTarget target(ContainerTree.Group g) throws DebugException {
        ContainerInfo c = g.container();
        List<ProcessInfo> own = g.members().stream().filter(p -> !p.kernelThread())
                .filter(p -> g.roots().stream().noneMatch(r -> g.isDebugSession(r) && descends(p, r, g))).toList();
        int runtimePid = mainPids.applyAsInt(c);
        ProcessInfo main = own.stream().filter(p -> p.pid() == runtimePid).findFirst()
                .or(() -> own.stream().filter(p -> p.nsPids().size() > 1 && p.innermostPid() == 1).findFirst())
                .or(() -> own.stream().filter(g.roots()::contains).min(Comparator.comparingLong(ProcessInfo::startNs)))
                .orElseThrow(() -> new DebugException(DebugException.Kind.NOT_RUNNING,
                        "container " + SafeText.of(c.displayName()) + " is not running"));
        long ticks = proc.stat(main.pid()).map(ProcStat::startTicks).orElseThrow(() -> new DebugException(
                DebugException.Kind.NOT_RUNNING, "container " + SafeText.of(c.displayName()) + " is not running"));
        return new DebugTarget(c.id(), SafeText.of(c.displayName()), c.runtime(), main.pid(), ticks);
    }

    /** True when p is r or below r among the group's processes. */
    private static boolean descends(ProcessInfo p, ProcessInfo r, ContainerTree.Group g) {
        ProcessInfo cur = p;
        for (int depth = 0; cur != null && depth < 64; depth++) {
            if (cur.pid() == r.pid()) {
                return true;
            }
            int ppid = cur.ppid();
            cur = g.members().stream().filter(m -> m.pid() == ppid).findFirst().orElse(null);
        }
        return false;
    }
}
