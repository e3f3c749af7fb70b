package io.boxtrace.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.source.EventSource;
import io.boxtrace.source.SourceSink;
import io.boxtrace.source.SourceStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pipeline's own logic, driven by a scripted source: ordering, error isolation, heal on loss. */
class PipelineTest {

    /** Replays a fixed list from its own thread, as a kernel source would. */
    private static final class ScriptedSource implements EventSource {
        private final List<Event> events;
        private Thread thread;

        ScriptedSource(List<Event> events) {
            this.events = events;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public void start(SourceSink sink) {
            thread = Thread.ofPlatform().start(() -> events.forEach(sink::accept));
        }

        @Override
        public SourceStats stats() {
            return new SourceStats(events.size(), 0, 0, 0);
        }

        @Override
        public void close() {
            try {
                if (thread != null) {
                    thread.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ExecEvent exec(int pid) {
        return new ExecEvent(pid, Task.ids(pid, pid), "/bin/x", List.of("x", Integer.toString(pid)), false, null, 0,
                ExecEvent.ArgvSource.KERNEL);
    }

    private final AtomicInteger heals = new AtomicInteger();
    private final StateStage passThrough = new StateStage() {
        @Override
        public List<TracedEvent> apply(Event event) {
            return List.of(TracedEvent.bare(event));
        }

        @Override
        public List<TracedEvent> heal() {
            heals.incrementAndGet();
            return List.of();
        }
    };

    @Test
    void deliversInOrderIsolatesFailuresAndHealsAfterLoss() throws Exception {
        List<Event> script = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            script.add(exec(i));
        }
        script.add(500, new LostEvent(0, "scripted", 12, "test"));
        List<Integer> seen = new ArrayList<>();
        Sink good = t -> {
            if (t.event() instanceof ExecEvent x) {
                seen.add(x.task().pid());
            }
        };
        Sink failing = t -> {
            if (t.event() instanceof ExecEvent x && x.task().pid() % 100 == 0) {
                throw new java.io.IOException("disk full");
            }
        };
        Enricher flaky = t -> {
            if (t.event() instanceof ExecEvent x && x.task().pid() == 7) {
                throw new IllegalStateException("boom");
            }
            return t;
        };
        Pipeline p = new Pipeline(new ScriptedSource(script), passThrough, List.of(flaky),
                t -> !(t.event() instanceof ExecEvent x) || x.task().pid() != 3, List.of(good, failing));
        p.start();
        // stop() joins the source, then drains everything it delivered before ending the sinks.
        PipelineStats stats = p.stop();

        assertThat(seen).hasSize(999).isSorted().doesNotContain(3).contains(7);
        assertThat(stats.sinkErrors()).isEqualTo(10);
        assertThat(p.lastSinkError()).hasMessage("disk full");
        assertThat(stats.enrichErrors()).isEqualTo(1);
        assertThat(stats.lost()).isEqualTo(12);
        assertThat(stats.heals()).isEqualTo(1);
        assertThat(heals.get()).isEqualTo(1);
        // the count is what the sinks were given (1000 execs and the loss), not the exec of pid 3 the filter dropped
        assertThat(stats.events()).isEqualTo(1000);
    }

    @Test
    void aStuckPipelineHoldsAtMostTheBoundOfEventsAndTheSourceWaits() throws Exception {
        java.util.concurrent.CountDownLatch unstick = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger handed = new AtomicInteger();
        AtomicInteger processed = new AtomicInteger();
        int batches = 200;
        EventSource flood = new EventSource() {
            private Thread thread;

            @Override
            public String name() {
                return "flood";
            }

            @Override
            public void start(SourceSink sink) {
                thread = Thread.ofPlatform().start(() -> {
                    for (int b = 0; b < batches; b++) {
                        List<Event> batch = new ArrayList<>(Pipeline.MAX_BATCH);
                        for (int i = 0; i < Pipeline.MAX_BATCH; i++) {
                            batch.add(exec(b * Pipeline.MAX_BATCH + i + 1));
                        }
                        sink.acceptAll(batch);
                        handed.addAndGet(batch.size());
                    }
                });
            }

            @Override
            public SourceStats stats() {
                return new SourceStats(handed.get(), 0, 0, 0);
            }

            @Override
            public void close() {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        StateStage stuck = new StateStage() {
            @Override
            public List<TracedEvent> apply(Event event) {
                try {
                    unstick.await(); // a sink or enricher that stopped answering
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                processed.incrementAndGet();
                return List.of(TracedEvent.bare(event));
            }

            @Override
            public List<TracedEvent> heal() {
                return List.of();
            }
        };
        Pipeline p = new Pipeline(flood, stuck, List.of(), t -> true, List.of());
        p.start();
        for (int i = 0; i < 500 && handed.get() < Pipeline.MAX_QUEUED_EVENTS; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(200); // a source not held back would hand over all 200 batches by now
        // The first batch is being processed (out of the queue); at most the bound waits behind it.
        assertThat(handed.get()).isLessThanOrEqualTo(Pipeline.MAX_QUEUED_EVENTS + Pipeline.MAX_BATCH)
                .isGreaterThanOrEqualTo(Pipeline.MAX_QUEUED_EVENTS);
        unstick.countDown();
        p.stop();
        assertThat(processed.get()).as("nothing handed over is lost").isEqualTo(batches * Pipeline.MAX_BATCH);
    }
}
