package io.boxtrace.source.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process's command line is the traced world's to choose, up to megabytes: /proc/PID/cmdline is
 * read only up to {@link ProcReader#MAX_CMDLINE_BYTES}, as the eBPF source captures an exec's argv,
 * so a start-up snapshot of many such processes cannot exhaust the heap (the agent's image, with a
 * 128 MiB heap, died of it on a host where tests ran processes with huge argv).
 */
class ProcReaderBoundTest {

    @Test
    void aHugeCommandLineIsReadOnlyUpToTheBound() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "sleep 30", "bt-procreader"));
        for (int i = 0; i < 16; i++) {
            cmd.add("x".repeat(100_000)); // 1.6 MB of argv, under the kernel's 128 KiB per string
        }
        Process p = new ProcessBuilder(cmd).start();
        try {
            List<String> args = List.of();
            for (int i = 0; i < 100 && args.size() < 4; i++) { // until the exec has happened
                args = ProcReader.system().cmdline((int) p.pid()).orElse(List.of());
                Thread.sleep(20);
            }
            assertThat(args.subList(0, 4)).containsExactly("sh", "-c", "sleep 30", "bt-procreader");
            long bytes = args.stream().mapToLong(a -> a.length() + 1).sum() - 1; // NUL-separated
            assertThat(bytes).isLessThanOrEqualTo(ProcReader.MAX_CMDLINE_BYTES).isGreaterThan(ProcReader.MAX_CMDLINE_BYTES / 2);
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
