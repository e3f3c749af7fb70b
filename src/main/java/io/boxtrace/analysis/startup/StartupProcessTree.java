package io.boxtrace.analysis.startup;

import io.boxtrace.container.ContainerRuntime;
import io.boxtrace.event.CommEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessResources;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The involved processes of a start as trees. A process that exec'd several programs (a container's
 * {@code sh -c '…; exec prog'}) becomes a chain, as in build profiles: the first program holds the
 * fork, each later one is a child flagged {@code replacedParent} from its exec; a replaced program
 * ends at its successor's exec and has no exit of its own. Each program is named as it was last
 * called while it ran (the comm at its exec, then renames seen in later events of the same program:
 * runc's init stages rename themselves after fork), so the tree, the namespace operations and the
 * verdict give one pid one name at one moment. Stateless.
 */
final class StartupProcessTree {

    private StartupProcessTree() {
    }

    static List<StartupReport.Proc> build(List<TracedEvent> events, Set<Integer> involved, ContainerInfo container) {
        Map<Integer, Proc> procs = new LinkedHashMap<>();
        for (TracedEvent t : events) {
            switch (t.event()) {
                case ForkEvent f when !f.isThread() && involved.contains(f.childPid()) -> {
                    Proc p = procs.computeIfAbsent(f.childPid(), Proc::new);
                    p.start = f.timeNs();
                    p.parent = f.parent().pid();
                    p.forkComm = f.parent().comm(); // a child starts with its parent's name
                    p.forkInContainer = inContainer(t, container);
                }
                case ExecEvent x when !x.failed() && involved.contains(x.task().pid()) -> {
                    Proc p = procs.computeIfAbsent(x.task().pid(), Proc::new);
                    if (p.start == 0) {
                        p.start = x.timeNs();
                        p.parent = x.task().ppid();
                    }
                    p.images.add(new Image(x.timeNs(), x.args(), comm(t, x.task()), x.task().nsPid(), inContainer(t, container)));
                    p.renamed = null; // names before this exec belong to the program it replaced
                }
                case CommEvent c when !c.task().isThread() && involved.contains(c.task().pid()) ->
                        procs.computeIfAbsent(c.task().pid(), Proc::new).rename(c.comm());
                case NamespaceEvent n when !n.task().isThread() && involved.contains(n.task().pid()) ->
                        procs.computeIfAbsent(n.task().pid(), Proc::new).rename(n.task().comm());
                case ExitEvent x when !x.task().isThread() && involved.contains(x.task().pid()) -> {
                    Proc p = procs.computeIfAbsent(x.task().pid(), Proc::new);
                    p.end = x.timeNs();
                    p.exitCode = x.exitCode();
                    p.signal = x.signal();
                    p.resources = x.resources();
                    p.rename(comm(t, x.task()));
                    if (p.images.isEmpty() && p.nspid < 0) {
                        p.nspid = x.task().nsPid();
                    }
                }
                default -> { }
            }
        }
        Map<Integer, List<Proc>> kids = new HashMap<>();
        List<Proc> roots = new ArrayList<>();
        for (Proc p : procs.values()) {
            if (procs.containsKey(p.parent) && p.parent != p.pid) {
                kids.computeIfAbsent(p.parent, k -> new ArrayList<>()).add(p);
            } else {
                roots.add(p);
            }
        }
        return roots.stream().sorted(Comparator.comparingLong(p -> p.start)).map(p -> p.freeze(kids)).toList();
    }

    /** The task's comm when the source reports it, else the process table's (the proc connector reports none). */
    private static String comm(TracedEvent t, Task task) {
        return task.comm() != null ? task.comm() : t.process() != null ? t.process().comm() : null;
    }

    private static boolean inContainer(TracedEvent t, ContainerInfo container) {
        return container != null && t.container() != null && t.container().id().equals(container.id());
    }

    private record Image(long timeNs, List<String> args, String comm, int nspid, boolean inContainer) {
    }

    private static final class Proc {
        final int pid;
        int parent = -1;
        int nspid = -1;
        String forkComm;
        boolean forkInContainer;
        /** The latest name seen after the last exec (or after the fork when nothing was exec'd). */
        String renamed;
        final List<Image> images = new ArrayList<>();
        long start;
        long end;
        int exitCode = -1;
        int signal;
        ProcessResources resources;

        Proc(int pid) {
            this.pid = pid;
        }

        void rename(String comm) {
            if (comm != null) {
                renamed = comm;
            }
        }

        StartupReport.Proc freeze(Map<Integer, List<Proc>> kids) {
            List<Proc> children = new ArrayList<>(kids.getOrDefault(pid, List.of()));
            children.sort(Comparator.comparingLong(p -> p.start));
            if (images.isEmpty()) {
                String name = renamed != null ? renamed : forkComm;
                // runc's init stages run in the container's namespaces but are the runtime, not the container
                boolean inside = forkInContainer && !ContainerRuntime.isScaffoldingName(name);
                return new StartupReport.Proc(pid, nspid, name, List.of(), start, 0, end, end == 0 ? -1 : exitCode, signal,
                        inside, false, children.stream().map(k -> k.freeze(kids)).toList(), resources);
            }
            return image(0, start, children, kids);
        }

        /** The node of images[i], holding the children forked while it ran and, last, the program that replaced it. */
        private StartupReport.Proc image(int i, long from, List<Proc> children, Map<Integer, List<Proc>> kids) {
            Image img = images.get(i);
            boolean last = i == images.size() - 1;
            long until = last ? Long.MAX_VALUE : images.get(i + 1).timeNs();
            List<StartupReport.Proc> mine = new ArrayList<>();
            List<Proc> later = new ArrayList<>();
            for (Proc k : children) {
                if (k.start < until) {
                    mine.add(k.freeze(kids));
                } else {
                    later.add(k);
                }
            }
            if (!last) {
                mine.add(image(i + 1, images.get(i + 1).timeNs(), later, kids));
            }
            String name = last && renamed != null && !renamed.equals("exe") ? renamed : img.comm();
            long endNs = last ? end : until;
            boolean inside = img.inContainer() && !ContainerRuntime.isScaffoldingName(name)
                    && (img.args().isEmpty() || !ContainerRuntime.isScaffoldingName(ContainerRuntime.baseName(img.args().getFirst())));
            return new StartupReport.Proc(pid, img.nspid(), name, img.args(), from, img.timeNs(), endNs,
                    last && end != 0 ? exitCode : -1, last ? signal : 0, inside, i > 0, mine,
                    last ? resources : null);
        }
    }
}
