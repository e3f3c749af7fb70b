package io.boxtrace.pipeline;

import io.boxtrace.event.TracedEvent;
import java.io.IOException;
import java.util.List;

/**
 * The outputs of one run, each isolated from the others and from one bad event: an exception
 * while writing one event is counted and that event is skipped for that sink only, the loop goes on
 * (JFR's dispatcher does the same); {@code Error}s propagate. Used by the live pipeline and by every
 * command that reads a recording, so both keep the same promise.
 *
 * <p>Not thread-safe: one owner thread (the pipeline thread, or the reading command's thread).
 */
public final class SinkSet {

    private final List<Sink> sinks;
    /** The same sinks, for the per-event loop: a for-each over a List makes an iterator per event (C1 code, which the launcher runs, does no escape analysis). */
    private final Sink[] perEvent;
    private volatile long errors;
    private volatile Exception lastError;

    public SinkSet(List<Sink> sinks) {
        this.sinks = List.copyOf(sinks);
        this.perEvent = this.sinks.toArray(new Sink[0]);
    }

    /** Hands every sink what was alive at the start (see {@link Sink#initialState}). */
    public void initialState(List<TracedEvent> alive) throws IOException {
        for (Sink s : sinks) {
            s.initialState(alive);
        }
    }

    /** Begins every sink; an output that cannot be opened ends the run. */
    public void begin() throws IOException {
        for (Sink s : sinks) {
            s.begin();
        }
    }

    public void accept(TracedEvent t) {
        for (Sink s : perEvent) {
            try {
                s.accept(t);
            } catch (IOException | RuntimeException ex) {
                count(ex);
            }
        }
    }

    public void flush() {
        for (Sink s : sinks) {
            try {
                s.flush();
            } catch (IOException | RuntimeException ex) {
                count(ex);
            }
        }
    }

    /** Ends and closes every sink with the final counters; the first I/O error is rethrown after all are closed. */
    public void end(PipelineStats stats) throws IOException {
        IOException first = null;
        for (Sink s : sinks) {
            try {
                s.end(stats);
            } catch (IOException ex) {
                first = first == null ? ex : first;
            } finally {
                try {
                    s.close();
                } catch (IOException ex) {
                    first = first == null ? ex : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void count(Exception ex) {
        errors++;
        lastError = ex;
        if (errors == 1) {
            onFirstError.accept(ex);
        }
    }

    private java.util.function.Consumer<Exception> onFirstError = ex -> { };

    /** Called once, on the owner thread, with the first write error (a long run says so then, not only at its end). */
    public void onFirstError(java.util.function.Consumer<Exception> c) {
        onFirstError = c;
    }

    /** Events a sink could not write (each skipped for that sink only). */
    public long errors() {
        return errors;
    }

    /** The last exception a sink threw, for the end-of-run message, or null. */
    public Exception lastError() {
        return lastError;
    }
}
