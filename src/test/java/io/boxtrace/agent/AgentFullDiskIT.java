package io.boxtrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent runs for days: an --output on a disk that fills up must be said when it happens (one line,
 * a counter, /readyz failing), not only at SIGTERM. It was silent until then, with /readyz 200.
 */
class AgentFullDiskIT {

    @TempDir
    Path tmp;
    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullDiskIsSaidAtOnceCountedAndMakesTheAgentNotReady() throws Exception {
        Path disk = Files.createDirectory(tmp.resolve("small"));
        assertThat(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "bt-hostile-agent", disk.toString())
                .inheritIO().start().waitFor()).isZero();
        mounted = disk;
        int port = AgentProcess.freePort();
        try (AgentProcess agent = AgentProcess.start("--output", disk.resolve("events.jsonl").toString(), "--rotate-size",
                "10M", "--metrics", "127.0.0.1:" + port)) {
            agent.awaitTracing();
            AgentProcess.run("sh", "-c", "i=0; while [ $i -lt 1500 ]; do /bin/true 0123456789012345678901234567890123456789; "
                    + "i=$((i+1)); done");
            long deadline = System.currentTimeMillis() + 15_000;
            String metrics = "";
            while (System.currentTimeMillis() < deadline && !metrics.matches("(?s).*boxtrace_output_errors_total [1-9].*")) {
                Thread.sleep(200);
                metrics = AgentProcess.get("http://127.0.0.1:" + port + "/metrics").body();
            }
            assertThat(metrics).containsPattern("boxtrace_output_errors_total [1-9]");
            assertThat(AgentProcess.get("http://127.0.0.1:" + port + "/readyz").statusCode()).isEqualTo(503);
            assertThat(agent.stderr()).as("said while running").contains("cannot write " + disk.resolve("events.jsonl")
                    + ": No space left on device; events go on being traced and counted");
            assertThat(agent.stop()).isEqualTo(1);
            assertThat(agent.stderr()).doesNotContain("Exception", "\tat ");
        }
    }
}
