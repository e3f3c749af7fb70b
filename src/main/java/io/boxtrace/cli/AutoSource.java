package io.boxtrace.cli;

import io.boxtrace.source.EventSource;
import io.boxtrace.source.SourceSink;
import io.boxtrace.source.SourceStats;
import io.boxtrace.source.SourceUnavailableException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code --source auto}: tries the candidates in order when started (eBPF, then the proc connector,
 * then /proc polling) and keeps the first that opens, saying in one line on stderr which it took
 * and why the better ones were not possible. Delegates everything else to it.
 */
final class AutoSource implements EventSource {

    /**
     * @param description the source's name in messages
     * @param caveat      what a user should know when it is taken, or null
     * @param unavailable why it cannot run here (known before trying), or null
     */
    record Candidate(String description, String caveat, Supplier<EventSource> make, String unavailable) {
    }

    private final List<Candidate> candidates;
    private final PrintWriter err;
    private final String command;
    private final List<Integer> follows = new ArrayList<>();
    private final java.util.Set<Long> cgroups = new java.util.HashSet<>();
    private volatile EventSource chosen;
    /** The first candidate that may run, made and prepared early by {@link #prepare}. */
    private Candidate preparedFor;
    private EventSource prepared;

    AutoSource(List<Candidate> candidates, PrintWriter err, String command) {
        this.candidates = List.copyOf(candidates);
        this.err = err;
        this.command = command;
    }

    @Override
    public String name() {
        EventSource c = chosen;
        return c == null ? "auto" : c.name();
    }

    /** Prepares the candidate start will try first (eBPF's program loads while the snapshot is taken). */
    @Override
    public void prepare() {
        for (Candidate c : candidates) {
            if (c.unavailable() == null) {
                preparedFor = c;
                prepared = c.make().get();
                prepared.prepare();
                return;
            }
        }
    }

    @Override
    public void start(SourceSink sink) throws SourceUnavailableException {
        List<String> why = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.unavailable() != null) {
                why.add(c.description() + ": " + c.unavailable());
                continue;
            }
            EventSource s = c == preparedFor ? prepared : c.make().get();
            prepared = c == preparedFor ? null : prepared;
            follows.forEach(s::follow);
            s.restrictToCgroups(cgroups);
            try {
                s.start(sink);
            } catch (SourceUnavailableException e) {
                why.add(c.description() + ": " + e.getMessage());
                continue;
            }
            chosen = s;
            List<String> notes = new ArrayList<>();
            if (c.caveat() != null) {
                notes.add(c.caveat());
            }
            notes.addAll(why);
            err.println(command + ": using the " + c.description() + " source"
                    + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")"));
            err.flush();
            return;
        }
        throw new SourceUnavailableException("no event source can run here: " + String.join("; ", why));
    }

    @Override
    public void follow(int pid) {
        EventSource c = chosen;
        if (c != null) {
            c.follow(pid);
        } else {
            follows.add(pid);
        }
    }

    @Override
    public void restrictToCgroups(java.util.Set<Long> ids) {
        EventSource c = chosen;
        if (c != null) {
            c.restrictToCgroups(ids);
        } else {
            cgroups.addAll(ids);
        }
    }

    @Override
    public SourceStats stats() {
        EventSource c = chosen;
        return c == null ? new SourceStats(0, 0, 0, 0) : c.stats();
    }

    @Override
    public void close() {
        EventSource c = chosen;
        if (c != null) {
            c.close();
        }
        if (prepared != null) {
            prepared.close();
        }
    }
}
