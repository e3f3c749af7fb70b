package io.boxtrace.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * cgroup v2 id → cgroup path, for events that carry the kernel's cgroup id (eBPF): the id is the
 * inode number of the cgroup's directory in the unified hierarchy (/sys/fs/cgroup on v2 hosts,
 * /sys/fs/cgroup/unified on hybrid ones). Learned by walking that tree, again on a miss but at most
 * every {@value #RESCAN_MS} ms, so a process gone before /proc could be read is still placed
 * exactly. Not thread-safe (pipeline thread).
 */
public final class CgroupIdIndex {

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
        String p = paths.get(id);
        if (p == null && (force || System.currentTimeMillis() - lastScan >= RESCAN_MS)) {
            scan();
            p = paths.get(id);
        }
        return Optional.ofNullable(p);
    }

    /** Cgroup paths known now (a debug figure: it follows the host's cgroups up and down). */
    public int size() {
        return paths.size();
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
