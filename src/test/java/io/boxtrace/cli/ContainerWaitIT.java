package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** trace --container with no such container running says once that it waits, instead of looking hung. */
class ContainerWaitIT {

    @TempDir
    Path tmp;

    @Test
    void traceOfAContainerNotRunningSaysOnceThatItWaitsForIt() throws Exception {
        String name = "bt-nosuch-" + UUID.randomUUID().toString().substring(0, 8);
        Jar bt = Jar.start(tmp, Map.of(), false, "trace", "--container", name);
        bt.awaitText(bt.err(), t -> t.contains("waiting"));
        Thread.sleep(1500);
        int exit = bt.stop();
        String err = Files.readString(bt.err());
        assertThat(exit).as(err).isEqualTo(143);
        assertThat(err.lines().filter(l -> l.contains("waiting")).toList()).containsExactly(
                "boxtrace trace: no running container matches " + name + " yet; waiting for it to start");
    }
}
