package io.boxtrace.sink.prometheus;

import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.CommandNode;
import io.boxtrace.analysis.build.StepProfile;
import io.boxtrace.analysis.startup.ContainerStartup;
import io.boxtrace.container.KubernetesIdentity;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Sink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Turns the event stream into {@link AgentMetrics}: counts by type, losses, execs per container
 * (capped), the live container count per runtime, and the durations of container start-ups and
 * builds handed to {@link #startup} and {@link #build}.
 *
 * <p>Pipeline thread only (accept, flush, startup, build); the metrics it writes are thread-safe.
 */
public final class MetricsSink implements Sink {

    /** Default cap on exec label sets: a few hundred containers per node, with room for churn. */
    public static final int DEFAULT_EXEC_SERIES = 500;
    static final int PROGRAM_SERIES = 200;
    /** A stopped container's series stays this long (several scrapes) before its slot can be reused. */
    static final long RETAIN_NS = 600_000_000_000L;
    private static final long GAUGE_REFRESH_NS = 1_000_000_000L;
    /** How long execs of a container without a name yet wait for it before counting under its id. */
    static final long UNNAMED_WAIT_NS = 5_000_000_000L;

    private final AgentMetrics m;
    private final IntSupplier liveProcesses;
    private final Supplier<List<ContainerInfo>> running;
    private final boolean kubernetesLabels;
    private final LabelCap execCap;
    private final LabelCap programCap;
    /** live container id → runtime, from container_start/stop; seeded with the containers running at start. */
    private final Map<String, String> live = new HashMap<>();
    private final Map<String, List<String>> execLabelsById = new HashMap<>();
    private final Map<String, Unnamed> unnamed = new HashMap<>();
    private long lastGaugeNs;

    /**
     * @param liveProcesses the process table's live count (called on the pipeline thread)
     * @param running       the containers running when tracing starts (called once, at begin)
     * @param execSeries    the cap on {@code boxtrace_execs_total} label sets
     */
    public MetricsSink(AgentMetrics metrics, IntSupplier liveProcesses, Supplier<List<ContainerInfo>> running,
                       int execSeries) {
        this.m = metrics;
        this.liveProcesses = liveProcesses;
        this.running = running;
        this.kubernetesLabels = metrics.execLabels.size() > 3;
        this.execCap = new LabelCap(execSeries, RETAIN_NS, labels -> m.execs.remove(labels.toArray(String[]::new)));
        this.programCap = new LabelCap(PROGRAM_SERIES, Long.MAX_VALUE, labels -> { });
    }

    private final java.util.Map<String, io.prometheus.metrics.core.datapoints.CounterDataPoint> eventsByType =
            new java.util.HashMap<>();

    /** Runs after the /proc snapshot was loaded: the containers already running count from the start. */
    @Override
    public void begin() {
        for (ContainerInfo c : running.get()) {
            live.put(c.id(), c.runtime());
        }
        refreshGauges(System.nanoTime());
    }

    @Override
    public void accept(TracedEvent t) {
        // The client's labelValues builds and compares a label list per call; the types are few.
        eventsByType.computeIfAbsent(t.event().type(), m.events::labelValues).inc();
        switch (t.event()) {
            case LostEvent l -> m.lost.labelValues(l.source(), l.reason()).inc(l.count());
            case ExecEvent x when !x.failed() && t.container() != null -> countExec(t.container(), x.timeNs());
            case ContainerEvent ce when ce.kind() == ContainerEvent.Kind.START -> live.put(ce.container().id(),
                    ce.container().runtime());
            case ContainerEvent ce -> {
                live.remove(ce.container().id());
                settleUnnamed(ce.container().id(), ce.container(), ce.timeNs());
                List<String> labels = execLabelsById.remove(ce.container().id());
                if (labels != null) {
                    execCap.release(labels, ce.timeNs());
                }
            }
            default -> { }
        }
        long now = System.nanoTime();
        if (now - lastGaugeNs >= GAUGE_REFRESH_NS) {
            refreshGauges(now);
        }
    }

    /**
     * A container's first execs can come before its runtime has answered with its name; counting
     * them under the bare id would split one container into two series. They wait (counted) until
     * the name arrives, the container stops, or {@link #UNNAMED_WAIT_NS} passes.
     */
    private void countExec(ContainerInfo c, long timeNs) {
        if (c.name() == null) {
            unnamed.computeIfAbsent(c.id(), k -> new Unnamed(c, timeNs)).count++;
            return;
        }
        settleUnnamed(c.id(), c, timeNs);
        add(c, 1, timeNs);
    }

    private void settleUnnamed(String id, ContainerInfo named, long timeNs) {
        Unnamed u = unnamed.remove(id);
        if (u != null) {
            add(named != null && named.name() != null ? named : u.container, u.count, timeNs);
        }
    }

    private void add(ContainerInfo c, long n, long timeNs) {
        List<String> labels = execCap.admit(execLabels(c), timeNs);
        if (labels.getFirst().equals(LabelCap.OTHER)) {
            m.labelOverflow.labelValues("boxtrace_execs_total").inc(n);
        }
        m.execs.labelValues(labels.toArray(String[]::new)).inc(n);
    }

    private static final class Unnamed {
        final ContainerInfo container;
        final long firstNs;
        long count;

        Unnamed(ContainerInfo container, long firstNs) {
            this.container = container;
            this.firstNs = firstNs;
        }
    }

    private List<String> execLabels(ContainerInfo c) {
        List<String> labels = execLabelsById.get(c.id());
        if (labels != null && (c.name() == null || labels.getFirst().equals(c.name()))) {
            return labels;
        }
        List<String> v = new ArrayList<>(List.of(c.displayName(), orEmpty(c.image()), orEmpty(c.runtime())));
        if (kubernetesLabels) {
            KubernetesIdentity k = KubernetesIdentity.of(c).orElse(null);
            v.add(k == null ? "" : orEmpty(k.namespace()));
            v.add(k == null ? "" : orEmpty(k.pod()));
        }
        labels = List.copyOf(v);
        execLabelsById.put(c.id(), labels);
        return labels;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void flush() {
        long now = System.nanoTime();
        if (now - lastGaugeNs >= GAUGE_REFRESH_NS) {
            refreshGauges(now);
        }
    }

    private void refreshGauges(long now) {
        lastGaugeNs = now;
        if (!unnamed.isEmpty()) {
            long mono = System.nanoTime();
            for (String id : List.copyOf(unnamed.keySet())) {
                if (mono - unnamed.get(id).firstNs > UNNAMED_WAIT_NS) {
                    settleUnnamed(id, null, mono);
                }
            }
        }
        m.processes.set(liveProcesses.getAsInt());
        Map<String, Integer> byRuntime = new HashMap<>();
        for (String r : live.values()) {
            byRuntime.merge(r == null ? "unknown" : r, 1, Integer::sum);
        }
        // A runtime whose last container went away reads 0, not its last value.
        for (var d : m.containers.collect().getDataPoints()) {
            String r = d.getLabels().get("runtime");
            if (!byRuntime.containsKey(r)) {
                m.containers.labelValues(r).set(0);
            }
        }
        byRuntime.forEach((r, n) -> m.containers.labelValues(r).set(n));
    }

    /** A container start timed by {@link io.boxtrace.analysis.startup.ContainerStartupWatch}. */
    public void startup(ContainerStartup s) {
        String runtime = orEmpty(s.container().runtime());
        if (s.runtimeNs() != 0) {
            m.startup.labelValues(runtime, "runtime_create").observe(seconds(s.runtimeCreateNs()));
        }
        if (s.initNs() > 0) {
            m.startup.labelValues(runtime, "init").observe(seconds(s.initNs()));
        }
        m.startup.labelValues(runtime, "total").observe(seconds(s.totalNs()));
    }

    /** A finished build from {@link io.boxtrace.analysis.build.BuildAttach}. */
    public void build(BuildProfile p) {
        String builder = p.builder().jsonName();
        m.buildDuration.labelValues(builder).observe(seconds(p.durationNs()));
        for (StepProfile s : p.steps()) {
            if (!s.processes().isEmpty()) {
                m.buildStep.labelValues(builder).observe(seconds(s.durationNs()));
            }
            s.commands().filter(c -> c.endNs() != 0).forEach(c -> {
                List<String> l = programCap.admit(List.of(builder, program(c)), c.endNs());
                if (l.getLast().equals(LabelCap.OTHER)) {
                    m.labelOverflow.labelValues("boxtrace_build_command_seconds").inc();
                }
                m.buildCommand.labelValues(builder, l.getLast()).observe(seconds(c.durationNs()));
            });
        }
    }

    private static String program(CommandNode c) {
        String a0 = c.args().isEmpty() ? (c.comm() == null ? "unknown" : c.comm()) : c.args().getFirst();
        String base = a0.substring(a0.lastIndexOf('/') + 1);
        return base.length() > 64 ? base.substring(0, 64) : base;
    }

    private static double seconds(long ns) {
        return Math.max(0, ns) / 1e9;
    }
}
