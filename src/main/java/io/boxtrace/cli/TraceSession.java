package io.boxtrace.cli;

import io.boxtrace.event.Clock;
import io.boxtrace.render.Escape;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Enricher;
import io.boxtrace.pipeline.Pipeline;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.source.EventSource;
import io.boxtrace.source.SourceOptions;
import io.boxtrace.source.SourceUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One tracing run as every command uses it: the chosen source, the /proc snapshot, the process
 * table, the container enricher and the caller's sinks, wired into a {@link Pipeline}. Commands
 * add sinks and filters, {@link #start}, optionally {@link CommandRunner run a command}, then
 * {@link #stop}.
 *
 * <p>Not thread-safe: owned by the command's main thread; sinks run on the pipeline thread.
 */
public final class TraceSession implements AutoCloseable {

    private final String command;
    private final PrintWriter err;
    private final Components components;
    private final EventSource source;
    private final List<Sink> sinks = new ArrayList<>();
    private final List<Predicate<TracedEvent>> filters = new ArrayList<>();
    private Consumer<TracedEvent> observer = e -> { };
    private List<String> kernelContainerFilter = List.of();
    private Pipeline pipeline;
    private HeapTrim heapTrim;
    private final Interruption interruption;
    /** The output named in a write failure, and the bytes of it written so far (-1: unknown). */
    private String outputName = "the output";
    private java.util.function.LongSupplier outputBytes = () -> -1;

    private TraceSession(String command, PrintWriter err, Components components, EventSource source) {
        // From here on Ctrl-C and SIGTERM are the session's to handle (Interruption), never a JVM exit
        // that would cut the output and the summary off.
        this.interruption = Interruption.install();
        this.command = command;
        this.err = err;
        this.components = components;
        this.source = source;
    }

    /**
     * Chooses and opens the source. With {@code auto}, says on stderr in one line which source it
     * took and why the better ones were not possible.
     */
    public static TraceSession open(String command, SourceMixin options, PrintWriter err) {
        Components components = Components.forHost(err, command);
        SourceOptions opts = new SourceOptions(java.util.Set.of(), java.util.Set.of(), options.maxArgs, options.maxArgBytes);
        EventSource source = components.chooseSource(options.choice(), opts);
        // The eBPF program loads (most of attaching) while the command sets up and /proc is read.
        source.prepare();
        return new TraceSession(command, err, components, source);
    }

    public Clock clock() {
        return components.clock();
    }

    public EventSource source() {
        return source;
    }

    /** Ctrl-C and SIGTERM for this run: wait on it, or pass signals on to a child. */
    public Interruption interruption() {
        return interruption;
    }

    public Components components() {
        return components;
    }

    private boolean warnOnFirstWriteError;

    /** For runs that last (the agent): say at the first failed write, not only when the run ends. */
    public TraceSession warnOnFirstWriteError() {
        warnOnFirstWriteError = true;
        return this;
    }

    /** Names the command's main output, so that a failed write says which, and how much of it was written. */
    public TraceSession output(String name, java.util.function.LongSupplier bytesWritten) {
        outputName = name;
        outputBytes = bytesWritten;
        return this;
    }

    public TraceSession sink(Sink s) {
        sinks.add(s);
        return this;
    }

    public TraceSession filter(Predicate<TracedEvent> f) {
        filters.add(f);
        return this;
    }

    /** Runs on the pipeline thread for every event that passed the filters. */
    public TraceSession observe(Consumer<TracedEvent> o) {
        observer = o;
        return this;
    }

    /**
     * Also filters in the kernel (eBPF) by the cgroups of these containers, when every selector names
     * a container running at start; otherwise only the pipeline filters, so containers that start
     * later are still seen.
     */
    public TraceSession kernelFilterContainers(List<String> selectors) {
        kernelContainerFilter = List.copyOf(selectors);
        return this;
    }

    /** Loads the /proc snapshot into the process table, then starts the source and the pipeline. */
    public void start() {
        // boxtrace never reports itself: its JVM, threads and the launch of its children come first out.
        Predicate<TracedEvent> all = io.boxtrace.pipeline.SelfFilter.current();
        for (Predicate<TracedEvent> f : filters) {
            all = all.and(f);
        }
        List<Enricher> enrichers = components.enrichers();
        pipeline = new Pipeline(source, components.state(), enrichers, all, sinks);
        pipeline.observe(observer);
        if (warnOnFirstWriteError) {
            pipeline.onFirstSinkError(ex -> {
                err.println(command + ": cannot write " + outputName + ": " + Escape.text(String.valueOf(ex.getMessage()))
                        + "; events go on being traced and counted, but the output is incomplete from here");
                err.flush();
            });
        }
        pipeline.reconcileAfterStart();
        try {
            // The snapshot is taken while the source already runs would be better for completeness;
            // the proc connector has no history, so what starts between scan and subscribe is healed
            // by the table's lazy creation of unknown pids from /proc.
            StartTimes times = new StartTimes(components.proc().stat((int) ProcessHandle.current().pid())
                    .map(st -> components.clock().bootToMono(st.startBootNs())).orElse(System.nanoTime()));
            components.watchRuntimes();
            times.mark("runtimes");
            pipeline.preload(components.snapshot());
            if (sinks.stream().anyMatch(s -> s instanceof io.boxtrace.sink.jsonl.RecordingWriter)
                    && components.containers().live().stream().anyMatch(c -> c.name() == null)) {
                // A recording writes what was running once: give a slow daemon a bounded moment to name it.
                components.awaitContainerNames(2_000);
                sleepPastNameRetryInterval();
                pipeline.resolveInitialAgain();
            }
            times.mark("snapshot");
            debugSizes("start");
            heapTrim = HeapTrim.start();
            List<String> waitingFor = new ArrayList<>();
            if (!kernelContainerFilter.isEmpty()) {
                List<io.boxtrace.event.ContainerInfo> live = components.containers().live();
                CgroupIds.of(live, kernelContainerFilter).ifPresent(source::restrictToCgroups);
                kernelContainerFilter.stream().filter(sel -> live.stream().noneMatch(c -> c.matches(sel)))
                        .forEach(waitingFor::add);
            }
            // Said once the source is attached and before the pipeline thread runs, so nothing (a
            // first tree --watch frame, a first event) comes out before it.
            pipeline.start(() -> {
                times.mark("attach");
                if (!(source instanceof AutoSource)) {
                    err.println(command + ": using the " + source.name() + " source");
                }
                if (!waitingFor.isEmpty()) {
                    // Said once: silence would look like a hang, and a container that starts later is traced.
                    err.println(command + ": no running container matches " + Escape.text(String.join(", ", waitingFor))
                            + " yet; waiting for " + (waitingFor.size() == 1 ? "it" : "them") + " to start");
                }
                times.report(command, err);
                err.flush();
            });
        } catch (SourceUnavailableException e) {
            throw BoxtraceException.missing(e.getMessage());
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot write output: " + e.getMessage());
        }
    }

    /** The registry asks a runtime again for a container's name at most every 50 ms (ContainerRegistry). */
    private static void sleepPastNameRetryInterval() {
        try {
            Thread.sleep(60);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** Stops the source, drains, ends the sinks and reports losses and sink errors on stderr. */
    public PipelineStats stop() {
        PipelineStats stats;
        try {
            stats = pipeline.stop();
        } catch (IOException e) {
            throw BoxtraceException.runtime(writeFailure(e.getMessage(), pipeline.stats()));
        } finally {
            if (heapTrim != null) {
                heapTrim.close();
            }
            components.close();
        }
        debugSizes("end");
        if (pipeline.sourceFailure() != null) {
            throw BoxtraceException.runtime("the " + source.name() + " source failed: " + pipeline.sourceFailure().getMessage());
        }
        if (stats.sinkErrors() > 0) {
            Exception last = pipeline.lastSinkError();
            throw BoxtraceException.runtime(writeFailure(last == null ? "unknown error" : last.getMessage(), stats)
                    + " (" + stats.sinkErrors() + " write(s) or flushes failed)");
        }
        return stats;
    }

    /**
     * Starts tracing and goes on until Ctrl-C/SIGTERM, the deadline (System.nanoTime; Long.MAX_VALUE
     * for none) or the source ending on its own; then stops, drains and reports. The one loop every
     * command that traces "until stopped" uses. Returns the exit code: 0 at the deadline, 128 + the signal
     * when interrupted (130 for Ctrl-C), 1 when the source died.
     */
    public int runUntilInterrupted(long deadlineNanos) {
        if (pipeline == null) {
            start();
        }
        interruption.await(() -> pipeline.ended(), deadlineNanos);
        boolean sourceDied = !interruption.wasInterrupted() && pipeline.ended();
        reportSummary(stop());
        if (sourceDied) {
            return ExitCode.RUNTIME_ERROR.code();
        }
        // Interrupted: 128 + the signal, as a shell reports a program that Ctrl-C or SIGTERM ended.
        return interruption.wasInterrupted() ? 128 + interruption.signal() : ExitCode.OK.code();
    }

    /**
     * With BOXTRACE_DEBUG_SIZES set: the process table's and container registry's sizes on stderr, once
     * before the pipeline starts and once after it ended (never while it runs: it owns them). bench/soak.sh
     * checks that they come back to the start's after churn.
     */
    private void debugSizes(String when) {
        if (System.getenv("BOXTRACE_DEBUG_SIZES") == null) {
            return;
        }
        var t = components.table().stats();
        var sizes = new java.util.TreeMap<String, Integer>(components.containers().sizes());
        sizes.put("table_live", t.live());
        sizes.put("table_exited", t.exited());
        sizes.put("table_held", t.held());
        StringBuilder sb = new StringBuilder(command).append(": sizes at ").append(when).append(" {");
        sizes.forEach((k, v) -> sb.append('"').append(k).append("\":").append(v).append(','));
        sb.setCharAt(sb.length() - 1, '}');
        err.println(sb);
        err.flush();
    }

    /**
     * The one line for an output that could not be written: which, why, how much of it was written,
     * and how many events there were, so that neither the file nor a summary passes for complete.
     */
    private String writeFailure(String reason, PipelineStats s) {
        long bytes = outputBytes.getAsLong();
        return "cannot write " + outputName + ": " + reason + "; "
                + (bytes >= 0 ? String.format("at least %,d bytes were written, holding", bytes) : "it holds") + " only the events before"
                + " the failure, of " + s.events() + " traced" + (s.lost() == 0 ? "" : " (" + s.lost() + " more LOST by the source)")
                + "; the rest is not in it";
    }

    /** One line on stderr with the run's counters, so loss is never silent. */
    public void reportSummary(PipelineStats s) {
        StringBuilder sb = new StringBuilder(command).append(": ").append(s.events()).append(" events from ")
                .append(source.name());
        sb.append(s.lost() == 0 ? ", none lost" : ", " + s.lost() + " LOST (process table healed from /proc "
                + s.heals() + " time(s))");
        if (s.argvMissed() > 0) {
            sb.append(", ").append(s.argvMissed()).append(" exec(s) whose process was gone before its argv could be read");
        }
        err.println(sb);
        err.flush();
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
        components.close();
    }
}
