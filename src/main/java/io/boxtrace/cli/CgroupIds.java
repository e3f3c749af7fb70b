package io.boxtrace.cli;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.container.CgroupIdIndex;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup v2 ids (directory inode numbers, what bpf_get_current_cgroup_id returns) of selected
 * containers, for in-kernel filtering.
 */
final class CgroupIds {

    private CgroupIds() {
    }

    /** Ids for every selector, or empty when a selector names no running container (then no kernel filter). */
    static Optional<Set<Long>> of(List<ContainerInfo> live, List<String> selectors) {
        Set<Long> ids = new HashSet<>();
        for (String sel : selectors) {
            boolean found = false;
            for (ContainerInfo c : live) {
                if (c.matches(sel) && c.cgroup() != null) {
                    long id = CgroupIdIndex.idOf(c.cgroup());
                    if (id == 0) {
                        return Optional.empty();
                    }
                    ids.add(id);
                    found = true;
                }
            }
            if (!found) {
                return Optional.empty();
            }
        }
        return Optional.of(ids);
    }
}
