package io.boxtrace.debug;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebugLauncherTest {

    private static final DebugTarget TARGET = new DebugTarget("abc", "web", "docker", 42, 777);

    @Test
    void theHelpersArgumentsCarryTheTargetAndTheCommandAfterDoubleDash() {
        var r = new DebugLauncher.Request(TARGET, "/to-debug", List.of(), true, List.of("ps", "-e", "--", "x"));
        assertThat(DebugLauncher.argv(Path.of("/tmp/d/boxtrace-debug"), r)).containsExactly("/tmp/d/boxtrace-debug",
                "--pid", "42", "--start", "777", "--name", "web", "--mount-at", "/to-debug", "--", "ps", "-e", "--", "x");
    }

    @Test
    void withoutCommandTheHelperStartsAShellAndImageLayersComeTopFirst() {
        var r = new DebugLauncher.Request(TARGET, "/mnt", List.of(Path.of("/l/top"), Path.of("/l/base")), false, List.of());
        assertThat(DebugLauncher.argv(Path.of("h"), r)).containsExactly("h", "--pid", "42", "--start", "777", "--name",
                "web", "--mount-at", "/mnt", "--no-net", "--layer", "/l/top", "--layer", "/l/base", "--shell");
    }

    @Test
    void theHelperIsBuiltIntoTheJar() {
        assertThat(DebugLauncher.class.getResource(DebugLauncher.HELPER_RESOURCE)).isNotNull();
    }
}
