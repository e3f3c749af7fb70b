package io.boxtrace.source.procfs;

import io.boxtrace.event.Clock;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.Task;
import io.boxtrace.source.EventSource;
import io.boxtrace.source.SourceSink;
import io.boxtrace.source.SourceStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The source of last resort: polls /proc and reports what changed between two looks. Works without
 * any privilege, but by its nature it misses every process that starts and ends between two polls,
 * sees no exit codes, and times events to the poll, not the kernel; its name says so wherever it is
 * used. A process counts as new when its pid is new or its start time changed (pid reuse), as
 * exec'd when its comm or command line changed.
 *
 * <p>One platform thread of its own; {@link #close} stops it within one interval.
 */
public final class ProcfsPollingSource implements EventSource {

    public static final int DEFAULT_INTERVAL_MS = 100;

    private final ProcReader proc;
    private final Clock clock;
    private final int intervalMs;
    private final AtomicLong events = new AtomicLong();
    private volatile boolean closed;
    private Thread thread;

    private record Seen(long startTicks, int ppid, String comm, List<String> args) {
    }

    public ProcfsPollingSource(ProcReader proc, Clock clock, int intervalMs) {
        this.proc = proc;
        this.clock = clock;
        this.intervalMs = intervalMs;
    }

    @Override
    public String name() {
        return "procfs";
    }

    @Override
    public void start(SourceSink sink) {
        Map<Integer, Seen> initial = look(Map.of());
        thread = Thread.ofPlatform().name("boxtrace-procfs").daemon(true).start(() -> {
            Map<Integer, Seen> before = initial;
            try {
                while (!closed) {
                    Thread.sleep(intervalMs);
                    before = diff(before, sink);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                sink.failed(e);
            }
        });
    }

    /** One look at /proc: stat for every pid, the command line only where something changed. */
    private Map<Integer, Seen> look(Map<Integer, Seen> before) {
        Map<Integer, Seen> now = new HashMap<>();
        for (int pid : proc.pids()) {
            proc.stat(pid).ifPresent(st -> {
                Seen old = before.get(pid);
                List<String> args = old != null && old.startTicks() == st.startTicks() && old.comm().equals(st.comm())
                        ? old.args() : proc.cmdline(pid).orElse(List.of());
                now.put(pid, new Seen(st.startTicks(), st.ppid(), st.comm(), args));
            });
        }
        return now;
    }

    private Map<Integer, Seen> diff(Map<Integer, Seen> before, SourceSink sink) {
        Map<Integer, Seen> now = look(before);
        long t = clock.nowMono();
        for (var e : before.entrySet()) {
            Seen n = now.get(e.getKey());
            if (n == null || n.startTicks() != e.getValue().startTicks()) {
                emit(sink, new ExitEvent(t, new Task(e.getKey(), e.getKey(), e.getValue().ppid(), Task.UNKNOWN,
                        e.getValue().comm(), 0, 0, Task.UNKNOWN), Task.UNKNOWN, 0, false));
            }
        }
        for (var e : now.entrySet()) {
            int pid = e.getKey();
            Seen n = e.getValue();
            Seen old = before.get(pid);
            boolean fresh = old == null || old.startTicks() != n.startTicks();
            if (fresh) {
                // Stamped with the process's own start from /proc (10 ms ticks), not the poll: with the
                // poll's time a child and its parent found in the same poll would share one start_ns.
                long started = Math.min(t, clock.bootToMono(n.startTicks() * (1_000_000_000L / ProcStat.TICKS_PER_SECOND)));
                emit(sink, new ForkEvent(started, Task.ids(n.ppid(), n.ppid()), pid, pid, 0));
            }
            if (fresh || !old.args().equals(n.args()) || !old.comm().equals(n.comm())) {
                Task task = new Task(pid, pid, n.ppid(), Task.UNKNOWN, n.comm(), 0, 0, Task.UNKNOWN);
                emit(sink, new ExecEvent(t, task, proc.exe(pid).orElse(null), n.args(), false,
                        proc.cwd(pid).orElse(null), 0, ExecEvent.ArgvSource.PROC));
            }
        }
        return now;
    }

    private void emit(SourceSink sink, io.boxtrace.event.Event e) {
        events.incrementAndGet();
        sink.accept(e);
    }

    @Override
    public SourceStats stats() {
        return new SourceStats(events.get(), 0, 0, 0);
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(intervalMs * 3L + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
