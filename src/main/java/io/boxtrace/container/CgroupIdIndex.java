package io.boxtrace.container;

import io.boxtrace.source.CgroupListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * cgroup v2 id → cgroup path, for events that carry the kernel's cgroup id (eBPF): the id is the
 * inode number of the cgroup's directory in the unified hierarchy (/sys/fs/cgroup on v2 hosts,
 * /sys/fs/cgroup/unified on hybrid ones). Learned by walking that tree, again on a miss but at most
 * every {@value #RESCAN_MS} ms, so a process gone before /proc could be read is still placed
 * exactly. A source that sees the kernel make cgroups (eBPF) tells it of each one as it is made
 * ({@link CgroupListener}), so a container that comes and goes between two walks is still named.
 * Look-ups are for the pipeline thread; the listener side may be called from the source's thread.
 */
public final class CgroupIdIndex implements CgroupListener {

    /**
     * Removed cgroups stay named this many removals longer: the events of their last tasks are
     * read before the removal but handled after it. Kernel cgroup ids are not reused (64-bit,
     * increasing), so an id kept a little longer cannot name another cgroup.
     */
    static final int KEEP_REMOVED = 2048;
    /** Told by the kernel, as made: id → path. */
    private final Map<Long, String> made = new ConcurrentHashMap<>();
    /** Removed ids still in {@link #made}, oldest first (the listener's thread only). */
    private final ArrayDeque<Long> removed = new ArrayDeque<>();

    private static final long RESCAN_MS = 100;
    private static final int MAX_DEPTH = 8;
    private final Path root;
    private final Map<Long, String> paths = new HashMap<>();
    private long lastScan;

    public CgroupIdIndex(Path root) {
        this.root = root;
    }

    public static CgroupIdIndex host() {
        return new CgroupIdIndex(unifiedRoot());
    }

    /** The cgroup v2 hierarchy: /sys/fs/cgroup on v2 hosts, /sys/fs/cgroup/unified on hybrid ones. */
    public static Path unifiedRoot() {
        Path v2 = Path.of("/sys/fs/cgroup");
        return Files.exists(v2.resolve("cgroup.controllers")) ? v2 : v2.resolve("unified");
    }

    /** The v2 id (directory inode) of a cgroup path such as /docker/ID on this host, 0 when it does not exist. */
    public static long idOf(String path) {
        Path dir = unifiedRoot().resolve(path.startsWith("/") ? path.substring(1) : path);
        try {
            return Files.isDirectory(dir) ? ((Number) Files.getAttribute(dir, "unix:ino")).longValue() : 0;
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    public Optional<String> path(long id) {
        return path(id, false);
    }

    /** With force, rescans on a miss even within the rate limit (for a process already gone from /proc). */
    public Optional<String> path(long id, boolean force) {
        String p = made.get(id);
        if (p == null) {
            p = paths.get(id);
        }
        if (p == null && (force || System.currentTimeMillis() - lastScan >= RESCAN_MS)) {
            scan();
            p = paths.get(id);
        }
        return Optional.ofNullable(p);
    }

    @Override
    public void cgroupCreated(long id, String path) {
        made.put(id, path);
    }

    @Override
    public synchronized void cgroupRemoved(long id) {
        if (!made.containsKey(id)) {
            return;
        }
        removed.addLast(id);
        while (removed.size() > KEEP_REMOVED) {
            made.remove(removed.removeFirst());
        }
    }

    /** Cgroup paths known now (a debug figure: it follows the host's cgroups up and down). */
    public int size() {
        return paths.size() + made.size();
    }

    /** Starts from nothing each time, so removed cgroups (containers come and go) do not pile up. */
    private void scan() {
        lastScan = System.currentTimeMillis();
        paths.clear();
        try (Stream<Path> dirs = Files.walk(root, MAX_DEPTH)) {
            dirs.filter(Files::isDirectory).forEach(d -> {
                try {
                    long ino = ((Number) Files.getAttribute(d, "unix:ino")).longValue();
                    String rel = "/" + root.relativize(d).toString();
                    paths.put(ino, rel.equals("/") ? "/" : rel);
                } catch (IOException | RuntimeException ignored) {
                    // a cgroup removed during the walk
                }
            });
        } catch (IOException | RuntimeException e) {
            // no unified hierarchy: callers fall back to /proc
        }
    }
}
