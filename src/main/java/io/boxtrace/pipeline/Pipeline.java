package io.boxtrace.pipeline;

import io.boxtrace.event.Event;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.source.EventSource;
import io.boxtrace.source.SourceSink;
import io.boxtrace.source.SourceStats;
import io.boxtrace.source.SourceUnavailableException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Source → state → enrichers → filter → sinks, with one owner thread for everything after the
 * source. The source's reader thread only decodes and enqueues, so it gets back to the kernel fast;
 * the process table, enrichers and sinks are touched by the pipeline thread alone and need no locks.
 *
 * <p>Lifetime: {@link #start} once, then {@link #stop} (drains what the source already delivered,
 * ends the sinks) or {@link #close}. Observers registered with {@link #observe} run on the pipeline
 * thread for every event that passed the filter, before the sinks.
 */
public final class Pipeline implements AutoCloseable {

    private static final int QUEUE_CAPACITY = 1 << 14;
    /**
     * Events waiting for the pipeline thread, at most: under sustained overload the source's reader
     * then waits, and the kernel's buffer (ring buffer, netlink socket) overflows and counts what it
     * drops, rather than this queue growing to the heap's limit (16,384 batches of 1,024 events).
     */
    static final int MAX_QUEUED_EVENTS = 1 << 16;
    /** Largest batch a source hands over at once; with the queue's capacity, the bound on queued events. */
    public static final int MAX_BATCH = 1024;
    private static final long HEAL_INTERVAL_NS = 1_000_000_000L;
    private static final Event POISON = new LostEvent(0, "pipeline", 0, "end");
    /** Asks the pipeline thread to compare the table with /proc once the source is attached. */
    private static final Event RECONCILE = new LostEvent(0, "pipeline", 0, "reconcile");

    private final EventSource source;
    private final StateStage state;
    private final List<Enricher> enrichers;
    /** The same enrichers, for the per-event loop (no iterator per event: see {@link SinkSet}). */
    private final Enricher[] perEvent;
    private final Predicate<TracedEvent> filter;
    private final SinkSet sinks;
    /** Events, or List<Event> batches (at most {@link #MAX_BATCH} each), in source order. */
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(MAX_QUEUED_EVENTS);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final PipelineCounters counters = new PipelineCounters();
    private volatile Consumer<TracedEvent> observer = e -> { };
    private volatile Throwable sourceFailure;
    private final List<TracedEvent> initial = new java.util.ArrayList<>();
    private Thread thread;
    private boolean reconcileAfterStart;
    private boolean healPending;
    private long lastHealNs = System.nanoTime() - HEAL_INTERVAL_NS;

    public Pipeline(EventSource source, StateStage state, List<Enricher> enrichers,
                    Predicate<TracedEvent> filter, List<Sink> sinks) {
        this.source = source;
        this.state = state;
        this.enrichers = List.copyOf(enrichers);
        this.perEvent = this.enrichers.toArray(new Enricher[0]);
        this.filter = filter;
        this.sinks = new SinkSet(sinks);
    }

    /** Called once with the first error an output had while writing (on the pipeline thread). */
    public void onFirstSinkError(Consumer<Exception> c) {
        sinks.onFirstError(c);
    }

    /** Runs on the pipeline thread for every event that passed the filter, before the sinks. */
    public void observe(Consumer<TracedEvent> o) {
        this.observer = o;
    }

    /**
     * Feeds the state that existed before tracing began (the /proc snapshot) to the process table
     * and enrichers, before {@link #start}. None of it reaches the sinks as an event (what was already
     * running did not happen during the trace); the processes that pass the filter are handed to
     * {@link Sink#initialState} at {@link #start}, so a recording can replay from the same state.
     */
    public void preload(List<? extends Event> events) {
        counters.enrichErrors += preload(state, enrichers, events, t -> {
            if (filter.test(t)) {
                initial.add(t);
            }
        });
    }

    /**
     * The state before tracing, applied to a table and enrichers without a pipeline (a one-shot
     * {@code tree}): the same steps as {@link #preload(List)}. Returns how many enrichments failed.
     */
    public static long preload(StateStage state, List<Enricher> enrichers, List<? extends Event> events) {
        return preload(state, enrichers, events, t -> { });
    }

    private static long preload(StateStage state, List<Enricher> enrichers, List<? extends Event> events,
                                Consumer<TracedEvent> resolved) {
        long errors = 0;
        for (Event e : events) {
            for (TracedEvent t : state.apply(e)) {
                for (Enricher en : enrichers) {
                    try {
                        t = en.enrich(t);
                        en.drainExtra();
                    } catch (RuntimeException ex) {
                        errors++;
                    }
                }
                resolved.accept(t);
            }
        }
        return errors;
    }

    /**
     * Resolves the initial state's processes again through the enrichers, for those whose container
     * had no name yet (its runtime answered late): the registry names a container at a later
     * sighting, and for what was already running this is the only one before the state is written.
     */
    public void resolveInitialAgain() {
        for (int i = 0; i < initial.size(); i++) {
            TracedEvent t = initial.get(i);
            if (t.container() == null || t.container().name() != null) {
                continue;
            }
            TracedEvent again = new TracedEvent(t.event(), t.process(), t.parent(), null);
            for (Enricher en : enrichers) {
                try {
                    again = en.enrich(again);
                    en.drainExtra();
                } catch (RuntimeException ex) {
                    counters.enrichErrors++;
                }
            }
            initial.set(i, again.container() == null ? t : again);
        }
    }

    /** Begins the sinks, then starts the source (which may throw if unavailable) and the pipeline thread. */
    public void start() throws SourceUnavailableException, java.io.IOException {
        start(() -> { });
    }

    /**
     * Begins the sinks, starts the source (which may throw if unavailable), runs attached once the
     * source delivers events, then starts the pipeline thread: what attached prints comes before
     * anything a sink writes for an event or an idle flush. Events the source delivers meanwhile wait
     * in the queue.
     */
    public void start(Runnable attached) throws SourceUnavailableException, java.io.IOException {
        sinks.initialState(List.copyOf(initial));
        initial.clear();
        sinks.begin();
        source.start(new SourceSink() {
            @Override
            public void accept(Event event) {
                enqueue(event);
            }

            @Override
            public void acceptAll(List<Event> events) {
                for (int i = 0; i < events.size(); i += MAX_BATCH) {
                    enqueueObject(List.copyOf(events.subList(i, Math.min(events.size(), i + MAX_BATCH))));
                }
            }

            @Override
            public void failed(Throwable cause) {
                sourceFailure = cause;
                enqueue(POISON);
            }
        });
        attached.run();
        thread = Thread.ofPlatform().name("boxtrace-pipeline").daemon(true).start(this::run);
        if (reconcileAfterStart) {
            enqueue(RECONCILE);
        }
    }

    /**
     * Once the source is attached, compares the process table with /proc again
     * ({@link StateStage#dropGone}): the /proc snapshot was taken before, and attaching takes a while,
     * so a process of the snapshot may have exited unseen in between. Each such process gets its exit
     * (code unknown) instead of staying in the tree for ever. Not counted as a heal: nothing was lost.
     */
    public void reconcileAfterStart() {
        reconcileAfterStart = true;
    }

    /** Feeds one event as if the source had delivered it (used for synthetic events from the CLI). */
    public void inject(Event event) {
        enqueue(event);
    }

    private void enqueue(Event event) {
        enqueueObject(event);
    }

    private void enqueueObject(Object item) {
        int n = size(item);
        try {
            room.acquire(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            room.release(n);
            Thread.currentThread().interrupt();
        }
    }

    private static int size(Object item) {
        return item instanceof List<?> batch ? batch.size() : 1;
    }

    private void run() {
        try {
            while (true) {
                Object item = queue.poll(50, TimeUnit.MILLISECONDS);
                if (item == null) {
                    healIfDue();
                    flushSinks();
                    continue;
                }
                room.release(size(item));
                if (item instanceof List<?> batch) {
                    for (int i = 0, n = batch.size(); i < n; i++) {
                        process((Event) batch.get(i));
                    }
                    continue;
                }
                Event e = (Event) item;
                if (e == RECONCILE) {
                    for (TracedEvent t : state.dropGone()) {
                        deliver(t);
                    }
                    continue;
                }
                if (e == POISON) {
                    if (healPending) {
                        lastHealNs = System.nanoTime() - HEAL_INTERVAL_NS;
                        healIfDue();
                    }
                    break;
                }
                process(e);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    private void process(Event e) {
        if (e instanceof LostEvent lost) {
            counters.lost += lost.count();
        }
        List<TracedEvent> resolved = state.apply(e);
        for (int i = 0, n = resolved.size(); i < n; i++) {
            deliver(resolved.get(i));
        }
        if (e instanceof LostEvent) {
            healPending = true;
        }
        healIfDue();
    }

    /**
     * Loss is data, then state is healed from /proc so the tree is right again. A heal scans all of
     * /proc, so during a storm of losses it runs at most once per {@link #HEAL_INTERVAL_NS}, and once
     * more when the storm is over.
     */
    private void healIfDue() {
        long now = System.nanoTime();
        if (healPending && now - lastHealNs >= HEAL_INTERVAL_NS) {
            healPending = false;
            lastHealNs = now;
            counters.heals++;
            for (TracedEvent t : state.heal()) {
                deliver(t);
            }
        }
    }

    private void deliver(TracedEvent t) {
        List<TracedEvent> extra = List.of();
        for (Enricher en : perEvent) {
            try {
                t = en.enrich(t);
                List<TracedEvent> more = en.drainExtra();
                if (!more.isEmpty()) {
                    extra = extra.isEmpty() ? more : java.util.stream.Stream.concat(extra.stream(), more.stream()).toList();
                }
            } catch (RuntimeException ex) {
                counters.enrichErrors++;
            }
        }
        if (extra.isEmpty()) {
            emit(t);
            return;
        }
        // A derived event (container start) goes first when it opens what this event belongs to.
        for (TracedEvent x : extra) {
            if (x.event() instanceof io.boxtrace.event.ContainerEvent ce && ce.kind() == io.boxtrace.event.ContainerEvent.Kind.START) {
                emit(x);
            }
        }
        emit(t);
        for (TracedEvent x : extra) {
            if (!(x.event() instanceof io.boxtrace.event.ContainerEvent ce && ce.kind() == io.boxtrace.event.ContainerEvent.Kind.START)) {
                emit(x);
            }
        }
    }

    private void emit(TracedEvent t) {
        if (!filter.test(t)) {
            return;
        }
        // Counted here, past the filter: the count a run reports is the number of events it wrote.
        counters.events++;
        observer.accept(t);
        sinks.accept(t);
    }

    private void flushSinks() {
        sinks.flush();
    }

    /**
     * Stops the source, lets the pipeline thread drain what was already queued, and ends the sinks.
     * Returns the final counters. Sink I/O errors at the end are rethrown.
     */
    public PipelineStats stop() throws java.io.IOException {
        source.close();
        if (thread == null) {
            finished.countDown(); // never started: nothing to drain
        }
        enqueue(POISON);
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PipelineStats stats = stats();
        sinks.end(stats);
        return stats;
    }

    /** The source's failure, if its reader thread died. */
    public Throwable sourceFailure() {
        return sourceFailure;
    }

    /** True once the pipeline thread has ended (source failure or stop). */
    public boolean ended() {
        return finished.getCount() == 0;
    }

    public PipelineStats stats() {
        SourceStats s = source.stats();
        return new PipelineStats(counters.events, Math.max(counters.lost, s.lost()), s.argvMissed(),
                sinks.errors(), counters.enrichErrors, counters.heals);
    }

    /** The last exception a sink threw, for the end-of-run message, or null. */
    public Exception lastSinkError() {
        return sinks.lastError();
    }

    @Override
    public void close() {
        source.close();
        if (thread != null && finished.getCount() > 0) {
            enqueue(POISON);
        }
    }

    /** Mutable counters written by the pipeline thread only; read racily for progress, exactly at stop. */
    private static final class PipelineCounters {
        volatile long events;
        volatile long lost;
        volatile long enrichErrors;
        volatile long heals;
    }
}
