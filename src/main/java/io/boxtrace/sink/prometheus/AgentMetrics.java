package io.boxtrace.sink.prometheus;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The agent's Prometheus metrics (names and labels documented in README, "boxtrace agent"), in a
 * registry of their own so nothing else of the JVM leaks into {@code /metrics}. The metric objects
 * are thread-safe; {@link MetricsSink} updates them from the pipeline thread, the HTTP server reads them.
 */
public final class AgentMetrics {

    /** Start-up and build durations span milliseconds to minutes. */
    private static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    final PrometheusRegistry registry = new PrometheusRegistry();
    final Counter events;
    final Counter lost;
    final Counter execs;
    final Gauge processes;
    final Gauge containers;
    final Histogram startup;
    final Histogram buildDuration;
    final Histogram buildStep;
    final Histogram buildCommand;
    final Counter labelOverflow;
    final List<String> execLabels;

    /** @param kubernetesLabels whether exec counts carry the pod's namespace and name (opt-in: more series) */
    public AgentMetrics(boolean kubernetesLabels) {
        events = Counter.builder().name("boxtrace_events_total").help("Events seen, by type (fork, exec, exit, ...)")
                .labelNames("type").withoutExemplars().register(registry);
        lost = Counter.builder().name("boxtrace_lost_events_total")
                .help("Events the kernel dropped before boxtrace read them, by source and reason")
                .labelNames("source", "reason").withoutExemplars().register(registry);
        execLabels = kubernetesLabels ? List.of("container", "image", "runtime", "namespace", "pod")
                : List.of("container", "image", "runtime");
        execs = Counter.builder().name("boxtrace_execs_total")
                .help("Successful execs in containers (label sets capped; see README), \"other\" past the cap")
                .labelNames(execLabels.toArray(String[]::new)).withoutExemplars().register(registry);
        processes = Gauge.builder().name("boxtrace_processes").help("Live processes in the process table")
                .register(registry);
        containers = Gauge.builder().name("boxtrace_containers").help("Containers with live processes, by runtime")
                .labelNames("runtime").register(registry);
        startup = Histogram.builder().name("boxtrace_container_startup_seconds")
                .help("Container start-ups from kernel events, by phase: runtime_create (runtime exec naming the "
                        + "container to its first process seen), init (that process to the program's exec, when they "
                        + "differ), total (runtime exec to the program's exec)")
                .labelNames("runtime", "phase").classicOnly().classicUpperBounds(SECONDS).withoutExemplars()
                .register(registry);
        buildDuration = Histogram.builder().name("boxtrace_build_duration_seconds").help("Image builds, client exec to exit")
                .labelNames("builder").classicOnly().classicUpperBounds(SECONDS).withoutExemplars().register(registry);
        buildStep = Histogram.builder().name("boxtrace_build_step_seconds").help("Build steps that ran a container")
                .labelNames("builder").classicOnly().classicUpperBounds(SECONDS).withoutExemplars().register(registry);
        buildCommand = Histogram.builder().name("boxtrace_build_command_seconds")
                .help("Commands run inside build steps, by program (capped, \"other\" past the cap)")
                .labelNames("builder", "program").classicOnly().classicUpperBounds(SECONDS).withoutExemplars()
                .register(registry);
        labelOverflow = Counter.builder().name("boxtrace_label_overflow_total")
                .help("Observations counted under \"other\" because a metric's label cap was reached")
                .labelNames("metric").withoutExemplars().register(registry);
    }

    /** Counters read from elsewhere at scrape time (pipeline heals). */
    public void heals(LongSupplier heals) {
        CounterWithCallback.builder().name("boxtrace_heals_total")
                .help("Times the process table was healed from /proc after a loss")
                .callback(cb -> cb.call(heals.getAsLong())).register(registry);
    }

    /** Events or flushes an output (the JSON lines file) could not write, read at scrape time. */
    public void outputErrors(LongSupplier errors) {
        CounterWithCallback.builder().name("boxtrace_output_errors_total")
                .help("Events or flushes the --output file could not write (disk full, ...): that output is incomplete")
                .callback(cb -> cb.call(errors.getAsLong())).register(registry);
    }

    /** Records an exporter dropped, by signal ({@code logs}, {@code traces}), read at scrape time. */
    public void otlpDropped(ToLongFunction<String> droppedBySignal) {
        CounterWithCallback.builder().name("boxtrace_otlp_dropped_total")
                .help("OTLP records dropped (queue full, or export failed after retries), by signal")
                .labelNames("signal")
                .callback(cb -> {
                    cb.call(droppedBySignal.applyAsLong("logs"), "logs");
                    cb.call(droppedBySignal.applyAsLong("traces"), "traces");
                }).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
