package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The id → path index: walked from a cgroup tree, told by the kernel, bounded after removals. */
class CgroupIdIndexTest {

    @TempDir
    Path root;

    @Test
    void aWalkNamesTheCgroupsThatExist() throws IOException {
        Path dir = Files.createDirectories(root.resolve("docker/abc"));
        long ino = ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
        assertThat(new CgroupIdIndex(root).path(ino, true)).contains("/docker/abc");
    }

    @Test
    void aCgroupTheKernelMadeIsNamedWithoutAWalkAndStaysNamedAfterItsRemoval() {
        CgroupIdIndex index = new CgroupIdIndex(root);
        index.cgroupCreated(42, "/docker/step");
        assertThat(index.path(42, false)).contains("/docker/step");
        index.cgroupRemoved(42);
        // Its last events are handled after the removal was read.
        assertThat(index.path(42, true)).contains("/docker/step");
    }

    @Test
    void removedCgroupsAreForgottenOldestFirstBeyondTheBound() {
        CgroupIdIndex index = new CgroupIdIndex(root);
        int n = CgroupIdIndex.KEEP_REMOVED + 10;
        for (long id = 1; id <= n; id++) {
            index.cgroupCreated(id, "/c" + id);
            index.cgroupRemoved(id);
        }
        index.cgroupCreated(1_000_000, "/alive");
        assertThat(index.size()).isEqualTo(CgroupIdIndex.KEEP_REMOVED + 1);
        assertThat(index.path(1, false)).isEmpty();
        assertThat(index.path(n, false)).contains("/c" + n);
        assertThat(index.path(1_000_000, false)).as("a live cgroup is never dropped").contains("/alive");
    }

    @Test
    void theRemovalOfACgroupNeverToldIsIgnored() {
        CgroupIdIndex index = new CgroupIdIndex(root);
        index.cgroupRemoved(7);
        assertThat(index.size()).isZero();
    }
}
