package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PSI totals of containers' cgroups, on a fixture cgroup tree with the kernel's file format. */
class CgroupPressureTest {

    static final String ID = "33fffc3c337ef926736f9175647f39fc8049f305f4f9db62db3980eacd0d300d";

    @TempDir
    Path root;

    static void psi(Path dir, long cpuUs, long memUs, long ioUs) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cpu.pressure"), "some avg10=1.00 avg60=0.20 avg300=0.04 total=" + cpuUs
                + "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        Files.writeString(dir.resolve("memory.pressure"), "some avg10=0.00 avg60=0.00 avg300=0.00 total=" + memUs
                + "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        Files.writeString(dir.resolve("io.pressure"), "some avg10=0.00 avg60=0.00 avg300=0.00 total=" + ioUs
                + "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    }

    static Optional<CgroupPressure.Totals> await(CgroupPressure p, String id, long cpuNs) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Optional<CgroupPressure.Totals> t = p.of(id);
            if (t.isPresent() && t.get().cpuNs() == cpuNs) {
                return t;
            }
            Thread.sleep(20);
        }
        return p.of(id);
    }

    @Test
    void readsTheSomeTotalsOfAContainersCgroupAndKeepsTheLastAfterItIsRemoved() throws Exception {
        psi(root, 0, 0, 0); // the hierarchy's root has PSI: sampling is possible
        Path dir = root.resolve("docker").resolve(ID);
        psi(dir, 1_500, 20, 7);
        try (CgroupPressure p = new CgroupPressure(root)) {
            p.start();
            p.cgroupCreated(41, "/docker/" + ID);
            assertThat(await(p, ID, 1_500_000)).contains(new CgroupPressure.Totals(1_500_000, 20_000, 7_000));
            psi(dir, 2_500, 20, 7);
            p.taskExited(41); // read at once, before the runtime removes the cgroup
            assertThat(await(p, ID, 2_500_000).orElseThrow().cpuNs()).isEqualTo(2_500_000);
            p.cgroupRemoved(41);
            for (Path f : new Path[] {dir.resolve("cpu.pressure"), dir.resolve("memory.pressure"), dir.resolve("io.pressure")}) {
                Files.delete(f);
            }
            Thread.sleep(3 * CgroupPressure.PERIOD_MS);
            assertThat(p.of(ID)).as("the last totals read while it existed").contains(
                    new CgroupPressure.Totals(2_500_000, 20_000, 7_000));
        }
    }

    @Test
    void offUntilStartedAndCgroupsThatNameNoContainerAreNotTracked() throws Exception {
        psi(root, 0, 0, 0);
        psi(root.resolve("docker").resolve(ID), 1_000, 0, 0);
        psi(root.resolve("user.slice"), 9_000, 0, 0);
        try (CgroupPressure p = new CgroupPressure(root)) {
            p.cgroupCreated(41, "/docker/" + ID);
            p.start();
            p.cgroupCreated(42, "/user.slice");
            Thread.sleep(3 * CgroupPressure.PERIOD_MS);
            assertThat(p.of(ID)).as("made before start").isEmpty();
            assertThat(p.of("user.slice")).isEmpty();
        }
    }

    @Test
    void aHostWithoutPsiIsNeverSampled() throws Exception {
        Files.createDirectories(root.resolve("docker").resolve(ID));
        try (CgroupPressure p = new CgroupPressure(root)) {
            p.start();
            p.cgroupCreated(41, "/docker/" + ID);
            Thread.sleep(2 * CgroupPressure.PERIOD_MS);
            assertThat(p.of(ID)).isEmpty();
        }
    }
}
