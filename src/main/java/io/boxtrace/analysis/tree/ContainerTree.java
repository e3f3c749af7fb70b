package io.boxtrace.analysis.tree;

import io.boxtrace.container.CgroupParser;
import io.boxtrace.container.ContainerRuntime;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Groups live processes by container for the container pstree. A container's roots are its
 * processes whose parent is outside it (normally one: its init; more after docker exec). Its
 * runtime scaffolding is the chain of host processes above a root (containerd-shim, conmon,
 * runc) up to, not including, pid 1. Immutable result; pure.
 */
public final class ContainerTree {

    private static final int MAX_SCAFFOLDING_DEPTH = 3;

    /**
     * @param container   the container
     * @param roots       its processes whose parent is not in it, by pid
     * @param members     all its processes
     * @param scaffolding host processes serving it, outermost first
     */
    public record Group(ContainerInfo container, List<ProcessInfo> roots, List<ProcessInfo> members,
                        List<ProcessInfo> scaffolding) {

        /**
         * True for the init of a {@code boxtrace debug} session: named {@value #DEBUG_SESSION_COMM}
         * and, having entered the container's pid namespace with setns, in a cgroup that is not the
         * container's (a process of the container naming itself so stays in the container's cgroup).
         */
        public boolean isDebugSession(ProcessInfo p) {
            return DEBUG_SESSION_COMM.equals(p.comm()) && p.cgroup() != null
                    && CgroupParser.parse(p.cgroup()).map(ref -> !ref.id().equals(container.id())).orElse(true);
        }
    }

    /** The comm of a debug session's init (keep in sync with SESSION_COMM in src/main/c/helper.c). */
    public static final String DEBUG_SESSION_COMM = "boxtrace-debug";

    /** @param host the processes in no container */
    public record Result(List<Group> containers, List<ProcessInfo> host) {
    }

    private ContainerTree() {
    }

    public static Result build(List<ProcessInfo> live, IntFunction<ContainerInfo> containerOf) {
        Map<Integer, ProcessInfo> byPid = new HashMap<>();
        live.forEach(p -> byPid.put(p.pid(), p));
        Map<String, List<ProcessInfo>> members = new LinkedHashMap<>();
        Map<String, ContainerInfo> infos = new HashMap<>();
        List<ProcessInfo> host = new ArrayList<>();
        for (ProcessInfo p : live.stream().sorted(Comparator.comparingLong(ProcessInfo::startNs)
                .thenComparingInt(ProcessInfo::pid)).toList()) {
            ContainerInfo c = containerOf.apply(p.pid());
            if (c == null) {
                host.add(p);
            } else {
                members.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(p);
                infos.putIfAbsent(c.id(), c);
            }
        }
        List<Group> groups = new ArrayList<>();
        for (var e : members.entrySet()) {
            ContainerInfo c = infos.get(e.getKey());
            List<ProcessInfo> roots = e.getValue().stream().filter(p -> {
                ContainerInfo parent = containerOf.apply(p.ppid());
                return parent == null || !parent.id().equals(c.id()) || !byPid.containsKey(p.ppid());
            }).sorted(Comparator.comparingInt(ProcessInfo::pid)).toList();
            groups.add(new Group(c, roots, List.copyOf(e.getValue()), scaffolding(roots, byPid, containerOf)));
        }
        groups.sort(Comparator.comparing((Group g) -> g.container().displayName()));
        return new Result(groups, host);
    }

    private static List<ProcessInfo> scaffolding(List<ProcessInfo> roots, Map<Integer, ProcessInfo> byPid,
                                                 IntFunction<ContainerInfo> containerOf) {
        List<ProcessInfo> out = new ArrayList<>();
        for (ProcessInfo r : roots) {
            List<ProcessInfo> chain = new ArrayList<>();
            ProcessInfo cur = byPid.get(r.ppid());
            while (cur != null && cur.pid() > 1 && containerOf.apply(cur.pid()) == null
                    && chain.size() < MAX_SCAFFOLDING_DEPTH && !isDaemon(cur)) {
                chain.addFirst(cur);
                cur = byPid.get(cur.ppid());
            }
            for (ProcessInfo p : chain) {
                if (!out.contains(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** Engines are not one container's scaffolding: stop the chain at them. */
    private static boolean isDaemon(ProcessInfo p) {
        return ContainerRuntime.isDaemonName(p.comm());
    }
}
