package io.boxtrace.cli;

import io.boxtrace.event.ContainerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup v2 ids (directory inode numbers, what bpf_get_current_cgroup_id returns) of selected
 * containers, for in-kernel filtering. The unified hierarchy is /sys/fs/cgroup on v2 hosts and
 * /sys/fs/cgroup/unified on hybrid ones.
 */
final class CgroupIds {

    private CgroupIds() {
    }

    /** Ids for every selector, or empty when a selector names no running container (then no kernel filter). */
    static Optional<Set<Long>> of(List<ContainerInfo> live, List<String> selectors) {
        Path root = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? Path.of("/sys/fs/cgroup")
                : Path.of("/sys/fs/cgroup/unified");
        Set<Long> ids = new HashSet<>();
        for (String sel : selectors) {
            boolean found = false;
            for (ContainerInfo c : live) {
                if (c.matches(sel) && c.cgroup() != null) {
                    try {
                        ids.add(((Number) Files.getAttribute(root.resolve(c.cgroup().substring(1)), "unix:ino")).longValue());
                        found = true;
                    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                        return Optional.empty();
                    }
                }
            }
            if (!found) {
                return Optional.empty();
            }
        }
        return Optional.of(ids);
    }
}
