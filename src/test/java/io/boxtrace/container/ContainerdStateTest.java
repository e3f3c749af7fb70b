package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd's state read as boxtrace reads it on a host: {@code meta.db} is a copy of this host's
 * containerd metadata database taken while {@code ctr -n default run … bt-rt-c1} and
 * {@code ctr -n k8s.io run … bt-rt-k1} ran (docker.io/boxtrace-test/busybox:latest imported into both
 * namespaces).
 */
class ContainerdStateTest {

    @TempDir
    Path tmp;

    private Path metaDb() throws IOException {
        Path db = tmp.resolve("meta.db");
        try (InputStream in = getClass().getResourceAsStream("/containerd/meta.db")) {
            Files.copy(in, db);
        }
        return db;
    }

    @Test
    void imageAndLabelsComeFromTheMetadataDatabaseInEachNamespace() throws IOException {
        ContainerdState state = new ContainerdState(tmp.resolve("tasks"), metaDb());
        ContainerMeta a = state.lookup("default", "bt-rt-c1").orElseThrow();
        assertThat(a.name()).isEqualTo("bt-rt-c1");
        assertThat(a.image()).isEqualTo("docker.io/boxtrace-test/busybox:latest");
        assertThat(a.labels()).containsEntry("containerd.namespace", "default")
                .containsEntry("io.containerd.image.config.stop-signal", "SIGTERM");
        ContainerMeta b = state.lookup("k8s.io", "bt-rt-k1").orElseThrow();
        assertThat(b.image()).isEqualTo("docker.io/boxtrace-test/busybox:latest");
        assertThat(b.labels()).containsEntry("containerd.namespace", "k8s.io");
        assertThat(state.lookup("default", "bt-rt-k1").orElseThrow().image()).as("not in that namespace").isNull();
    }

    @Test
    void aCgroupIsContainerdsOnlyWhileContainerdHasThatTask() throws IOException {
        Path tasks = tmp.resolve("tasks");
        Files.createDirectories(tasks.resolve("default").resolve("bt-rt-c1"));
        ContainerdState state = new ContainerdState(tasks, metaDb());
        CgroupRef ref = state.fromCgroup("/default/bt-rt-c1").orElseThrow();
        assertThat(ref.runtime()).isEqualTo("containerd");
        assertThat(ref.namespace()).isEqualTo("default");
        assertThat(ref.id()).isEqualTo("bt-rt-c1");
        assertThat(state.fromCgroup("/default/other")).isEmpty();
        assertThat(state.fromCgroup("/user.slice/session-1")).isEmpty();
        assertThat(state.fromCgroup("/default/..")).isEmpty();
    }

    @Test
    void aDamagedOrForeignFileAnswersNothingRatherThanGarbage() throws IOException {
        byte[] db = Files.readAllBytes(metaDb());
        for (int i = 16; i < 80; i++) {
            db[i] ^= 0x5a; // first meta page's checksum no longer holds: the second one is used
        }
        assertThat(BoltFile.of(ByteBuffer.wrap(db)).orElseThrow().get("v1", "default", "containers", "bt-rt-c1", "image"))
                .isPresent();
        for (int i = 4096 + 16; i < 4096 + 80; i++) {
            db[i] ^= 0x5a;
        }
        assertThat(BoltFile.of(ByteBuffer.wrap(db))).as("no valid meta page").isEmpty();
        assertThat(BoltFile.of(ByteBuffer.wrap("not a database".getBytes()))).isEmpty();
        Path garbage = tmp.resolve("garbage.db");
        Files.write(garbage, new byte[8192]);
        ContainerdState state = new ContainerdState(tmp, garbage);
        assertThat(state.lookup("default", "x").orElseThrow().image()).isNull();
    }
}
