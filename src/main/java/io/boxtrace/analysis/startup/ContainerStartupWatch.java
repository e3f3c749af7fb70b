package io.boxtrace.analysis.startup;

import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Sink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Times every container start on the host as it happens, for the agent's metrics and traces: the
 * runtime's exec naming the container id → the container's first process → the first exec of a
 * program in it. This is the continuous, cheap cut of what {@code boxtrace run} dissects for one
 * client (no client here: the daemon side is all there is), so it has three bounds, not seven phases.
 *
 * <p>Memory is bounded: at most {@link #MAX_PENDING} runtime execs and starts are remembered, the
 * oldest forgotten first, and a start whose program never execs is forgotten after
 * {@link #PENDING_NS}. Pipeline thread only; the callback runs on it.
 */
public final class ContainerStartupWatch implements Sink {

    static final int MAX_PENDING = 1024;
    static final long PENDING_NS = 120_000_000_000L;
    private static final Set<String> RUNTIMES = Set.of("runc", "crun", "containerd-shim", "containerd-shim-runc-v2",
            "conmon", "youki", "runsc");

    private record Pending(long runtimeNs, long firstProcessNs) {
    }

    private final Consumer<ContainerStartup> onStartup;
    /** container id → first runtime exec naming it. */
    private final Map<String, Long> runtimeExecs = lru();
    /** container id → its start, waiting for the first exec. */
    private final Map<String, Pending> pending = lru();

    public ContainerStartupWatch(Consumer<ContainerStartup> onStartup) {
        this.onStartup = onStartup;
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_PENDING;
            }
        };
    }

    @Override
    public void accept(TracedEvent t) {
        if (t.event() instanceof ContainerEvent ce && ce.kind() == ContainerEvent.Kind.START) {
            String id = ce.container().id();
            Long runtime = runtimeExecs.remove(id);
            pending.put(id, new Pending(runtime == null ? 0 : runtime, ce.timeNs()));
            expire(ce.timeNs());
        } else if (t.event() instanceof ExecEvent x && !x.failed() && !x.task().isThread()) {
            if (isRuntime(x.args())) {
                List<String> args = x.args();
                for (int i = 1; i < args.size(); i++) {
                    String a = args.get(i);
                    boolean named = args.get(i - 1).equals("-id") || args.get(i - 1).equals("--id")
                            || (i == args.size() - 1 && (args.contains("create") || args.contains("run")));
                    if ((named || looksLikeId(a)) && a.length() <= 128 && !a.startsWith("-")) {
                        runtimeExecs.putIfAbsent(a, x.timeNs());
                    }
                }
            } else if (t.container() != null && !isRuntimeInit(x)) {
                Pending p = pending.remove(t.container().id());
                if (p != null) {
                    onStartup.accept(new ContainerStartup(t.container(), p.runtimeNs(), p.firstProcessNs(), x.timeNs(),
                            x.args()));
                }
            }
        }
    }

    private void expire(long nowNs) {
        pending.values().removeIf(p -> nowNs - p.firstProcessNs() > PENDING_NS);
    }

    static boolean isRuntime(List<String> args) {
        if (args.isEmpty()) {
            return false;
        }
        String a0 = args.getFirst();
        return RUNTIMES.contains(a0.substring(a0.lastIndexOf('/') + 1));
    }

    /** runc re-execs itself ({@code /proc/self/exe init}) inside the new container before the user's program. */
    private static boolean isRuntimeInit(ExecEvent x) {
        String comm = x.task().comm();
        return "/proc/self/exe".equals(x.filename()) || (comm != null && comm.startsWith("runc"))
                || isRuntime(x.args()) || (x.args().size() >= 2 && x.args().get(1).equals("init")
                && x.args().getFirst().endsWith("exe"));
    }

    /**
     * Container ids the runtimes pass as plain arguments: 64 hex (docker, containerd, podman). Other
     * ids (ctr's own names) are taken only after {@code -id} or as the last argument of create/run.
     */
    private static boolean looksLikeId(String a) {
        return a.length() == 64 && a.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}
