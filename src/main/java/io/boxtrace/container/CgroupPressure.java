package io.boxtrace.container;

import io.boxtrace.source.CgroupListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Pressure stall totals (PSI, "some" line of {@code cpu.pressure}, {@code memory.pressure},
 * {@code io.pressure}) of the containers' cgroups made while it is on, read while each cgroup
 * exists: a build step's cgroup is gone by the time its profile is assembled. Fed by the eBPF
 * source's cgroup records ({@link CgroupListener}); a sampler thread reads every tracked cgroup
 * every {@value #PERIOD_MS} ms, and at once when one of its processes exits (the step's last
 * process ending is the moment before the runtime removes the cgroup). Figures are the last read:
 * stalls after it are missed, so they are lower bounds.
 *
 * <p>Off until {@link #start}: the commands that use it (build) turn it on. Bounded: at most
 * {@value #MAX_TRACKED} cgroups tracked at once and {@value #KEEP_FINISHED} finished ones kept.
 * Thread-safe.
 */
public final class CgroupPressure implements CgroupListener, AutoCloseable {

    static final long PERIOD_MS = 100;
    static final int MAX_TRACKED = 256;
    static final int KEEP_FINISHED = 1024;

    /** Stall totals of one cgroup, ns. */
    public record Totals(long cpuNs, long memoryNs, long ioNs) {
    }

    private record Tracked(String containerId, Path dir) {
    }

    private final Path root;
    private final Map<Long, Tracked> tracked = new ConcurrentHashMap<>();
    private final Map<String, Totals> latest = new ConcurrentHashMap<>();
    /** Finished containers' last totals, oldest first (guarded by itself). */
    private final Map<String, Totals> finished = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Totals> e) {
            return size() > KEEP_FINISHED;
        }
    };
    private final AtomicBoolean readNow = new AtomicBoolean();
    private volatile Thread sampler;
    private volatile boolean closed;

    public CgroupPressure(Path unifiedRoot) {
        this.root = unifiedRoot;
    }

    public static CgroupPressure host() {
        return new CgroupPressure(CgroupIdIndex.unifiedRoot());
    }

    /** Starts tracking the containers' cgroups made from now on. */
    public synchronized void start() {
        if (sampler == null && !closed && Files.exists(root.resolve("cpu.pressure"))) {
            sampler = Thread.ofPlatform().name("boxtrace-pressure").daemon(true).start(this::run);
        }
    }

    /** The last stall totals read for a container's cgroup, by container id. */
    public Optional<Totals> of(String containerId) {
        Totals t = latest.get(containerId);
        if (t != null) {
            return Optional.of(t);
        }
        synchronized (finished) {
            return Optional.ofNullable(finished.get(containerId));
        }
    }

    @Override
    public void cgroupCreated(long id, String path) {
        if (sampler == null || tracked.size() >= MAX_TRACKED) {
            return;
        }
        CgroupParser.parse(path).ifPresent(ref -> tracked.put(id,
                new Tracked(ref.id(), root.resolve(path.substring(1)))));
    }

    @Override
    public void cgroupRemoved(long id) {
        Tracked t = tracked.remove(id);
        if (t != null) {
            finish(t.containerId());
        }
    }

    private void finish(String containerId) {
        Totals last = latest.remove(containerId);
        if (last != null) {
            synchronized (finished) {
                finished.put(containerId, last);
            }
        }
    }

    @Override
    public void taskExited(long cgroupId) {
        Thread s = sampler;
        if (s != null && tracked.containsKey(cgroupId) && readNow.compareAndSet(false, true)) {
            LockSupport.unpark(s);
        }
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(PERIOD_MS * 1_000_000L);
            readNow.set(false);
            for (Map.Entry<Long, Tracked> e : tracked.entrySet()) {
                Tracked t = e.getValue();
                read(t.dir()).ifPresent(v -> {
                    latest.put(t.containerId(), v);
                    if (!tracked.containsKey(e.getKey())) {
                        finish(t.containerId()); // removed while being read: it must not stay in latest
                    }
                });
            }
        }
    }

    /** The three "some" totals of a cgroup directory, or empty when it is gone or unreadable. */
    static Optional<Totals> read(Path dir) {
        try {
            return Optional.of(new Totals(someTotalNs(dir.resolve("cpu.pressure")), someTotalNs(dir.resolve("memory.pressure")),
                    someTotalNs(dir.resolve("io.pressure"))));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code some avg10=0.00 avg60=0.00 avg300=0.00 total=1234} (µs) → ns. */
    static long someTotalNs(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("some ")) {
                int i = line.indexOf("total=");
                if (i >= 0) {
                    return Long.parseLong(line.substring(i + 6).trim()) * 1000;
                }
            }
        }
        throw new IOException("no some-total in " + file);
    }

    @Override
    public void close() {
        closed = true;
        Thread s = sampler;
        if (s != null) {
            LockSupport.unpark(s);
        }
    }
}
