package io.boxtrace.source.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process chooses its command line, up to megabytes: /proc/PID/cmdline is read no further than the
 * kernel-side sources capture, so forty such processes cannot exhaust boxtrace's heap (they did, in tree).
 */
class ProcCmdlineCapTest {

    @TempDir
    Path proc;

    @Test
    void aMegabyteCommandLineIsReadOnlyUpToTheCap() throws Exception {
        Path dir = Files.createDirectories(proc.resolve("42"));
        StringBuilder argv = new StringBuilder("sleep\0");
        String arg = "a".repeat(120_000);
        for (int i = 0; i < 15; i++) {
            argv.append(arg).append('\0');
        }
        Files.writeString(dir.resolve("cmdline"), argv);
        List<String> args = new ProcReader(proc).cmdline(42).orElseThrow();
        assertThat(args.getFirst()).isEqualTo("sleep");
        assertThat(args.stream().mapToInt(a -> a.length() + 1).sum()).isLessThanOrEqualTo(ProcReader.MAX_CMDLINE_BYTES + 1);
        assertThat(args).hasSize(2); // sleep and the first 16 KiB of the first argument
    }

    @Test
    void anOrdinaryCommandLineIsReadWhole() throws Exception {
        Path dir = Files.createDirectories(proc.resolve("7"));
        Files.writeString(dir.resolve("cmdline"), "sh\0-c\0echo hi\0");
        assertThat(new ProcReader(proc).cmdline(7)).contains(List.of("sh", "-c", "echo hi"));
    }
}
