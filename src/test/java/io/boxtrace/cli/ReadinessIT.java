package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "using the eBPF source" means ready: it comes before anything else a command prints (the first
 * frame of tree --watch), and an exec started right after it is traced.
 */
class ReadinessIT {

    @TempDir
    Path tmp;

    @Test
    void treeWatchSaysItIsReadyBeforeItsFirstFrame() throws Exception {
        // --all: the first frame holds the host's processes even when no container runs (a fresh CI host)
        Jar bt = Jar.start(tmp, Map.of(), true, "tree", "--watch", "--all", "--source", "ebpf");
        // the first frame holds the host's pid 1
        bt.awaitText(bt.out(), t -> t.toLowerCase(java.util.Locale.ROOT).contains("using the ebpf source") && t.lines().count() > 3);
        bt.stop();
        List<String> lines = Files.readString(bt.out()).lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines.getFirst()).isEqualToIgnoringCase("boxtrace tree: using the eBPF source");
    }

    @Test
    void anExecRightAfterTheReadyLineIsTraced() throws Exception {
        Path file = tmp.resolve("t.jsonl");
        Jar bt = Jar.start(tmp, Map.of(), false, "trace", "--json", "--source", "ebpf", "-o", file.toString());
        bt.awaitText(bt.err(), t -> t.toLowerCase(java.util.Locale.ROOT).contains("using the ebpf source"));
        new ProcessBuilder("/bin/true", "bt-ready-marker").start().waitFor();
        Thread.sleep(500);
        bt.stop();
        assertThat(Files.readString(file)).contains("\"bt-ready-marker\"");
    }
}
