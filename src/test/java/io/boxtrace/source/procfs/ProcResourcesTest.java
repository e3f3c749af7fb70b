package io.boxtrace.source.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ProcessResources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /proc files copied off this kernel from a zombie: {@code dd if=/dev/zero of=/dev/null bs=1M
 * count=3000} whose parent had exec'd into sleep and so never reaped it.
 */
class ProcResourcesTest {

    @TempDir
    Path root;

    private ProcReader zombieTree(boolean zombie) throws IOException {
        Path dir = Files.createDirectories(root.resolve("24552"));
        for (String f : new String[] {"stat", "io", "status", "schedstat"}) {
            try (InputStream in = getClass().getResourceAsStream("/proc-zombie/24552/" + f)) {
                String text = new String(in.readAllBytes());
                Files.writeString(dir.resolve(f), zombie ? text : text.replace(") Z ", ") R "));
            }
        }
        return new ProcReader(root);
    }

    @Test
    void aZombieGivesItsGroupTimesIoAndSwitches() throws IOException {
        ProcessResources r = new ProcResources(zombieTree(true)).ofZombie(24552).orElseThrow();
        assertThat(r.source()).isEqualTo(ProcessResources.Source.PROC);
        assertThat(r.cpuUserNs()).isZero();
        assertThat(r.cpuSysNs()).isEqualTo(60_000_000L); // 6 ticks
        assertThat(r.readBytes()).isEqualTo(98_304L);
        assertThat(r.writeBytes()).isEqualTo(4_096L);
        assertThat(r.ctxVoluntary()).isEqualTo(5);
        assertThat(r.ctxInvoluntary()).isEqualTo(36);
        assertThat(r.runqDelayNs()).isEqualTo(414_129_275L);
        assertThat(r.maxRssKb()).as("gone with the memory map").isEqualTo(ProcessResources.UNKNOWN);
    }

    @Test
    void aLiveProcessUnderThatPidIsNotTakenForTheOneThatExited() throws IOException {
        assertThat(new ProcResources(zombieTree(false)).ofZombie(24552)).isEmpty();
        assertThat(new ProcResources(new ProcReader(root)).ofZombie(1)).isEmpty();
    }
}
