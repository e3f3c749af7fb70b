package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process in a real container renames itself to forge output lines ({@code a\nFAKE} plus escape
 * sequences written to /proc/self/comm): neither {@code tree} nor {@code trace} may print a line
 * the process made up, nor a raw control byte.
 */
class HostileCommIT {

    private static final String IMAGE = "boxtrace-test/busybox:latest";
    private final String name = "bt-hostile-" + UUID.randomUUID().toString().substring(0, 6);

    @TempDir
    Path tmp;

    @AfterEach
    void remove() throws Exception {
        new ProcessBuilder("docker", "rm", "-f", name).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void aCommWithNewlineAndEscapesForgesNoLineInTreeOrTrace() throws Exception {
        // printf is a busybox sh builtin: the shell itself writes its own comm, then keeps forking.
        Process run = new ProcessBuilder("docker", "run", "-d", "--name", name, IMAGE, "sh", "-c",
                "printf 'a\\nFAKE\\033[2J\\007' > /proc/self/comm; while true; do sleep 0.2; done")
                .redirectErrorStream(true).start();
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).isZero();
        Thread.sleep(800);

        CliIT.Result tree = CliIT.boxtrace("tree", "-c", name);
        assertThat(tree.exit()).as(tree.err()).isZero();
        assertThat(tree.out()).contains("a\\x0aFAKE\\x1b[2J\\x07");
        assertNoForgery(tree.out());

        Path out = tmp.resolve("trace.txt");
        Process trace = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "trace", "-c", name, "-o", out.toString())).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("trace.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000; // JVM start and eBPF load take seconds on a busy host
        while (System.currentTimeMillis() < deadline && (!Files.exists(out) || !Files.readString(out).contains("FAKE"))) {
            Thread.sleep(200);
        }
        Thread.sleep(500);
        trace.destroy();
        assertThat(trace.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(out);
        assertThat(text).as(Files.readString(tmp.resolve("trace.log"))).contains("a\\x0aFAKE");
        assertNoForgery(text);
    }

    private static void assertNoForgery(String text) {
        assertThat(text).doesNotContain("\u001b", "\u0007", "\r");
        assertThat(text.lines()).noneMatch(l -> l.startsWith("FAKE"));
    }
}
