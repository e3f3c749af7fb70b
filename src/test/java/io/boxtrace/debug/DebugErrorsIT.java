package io.boxtrace.debug;

import static io.boxtrace.debug.DebugFixture.boxtrace;
import static io.boxtrace.debug.DebugFixture.sh;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every error of boxtrace debug, caused for real: one line, the documented exit code. */
class DebugErrorsIT {

    private final DebugFixture fx = new DebugFixture();

    @AfterEach
    void cleanUp() throws Exception {
        fx.close();
    }

    private static void assertOneLine(DebugFixture.Result r, int exit, String message) {
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("boxtrace debug: ").contains(message);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void noSuchContainerAndNotRunningAreRuntimeErrors() throws Exception {
        assertOneLine(boxtrace("debug", fx.tag + "-none", "--", "true"), 1, "no such container: " + fx.tag + "-none");
        String created = fx.tag + "-created";
        fx.removeLater("docker", "rm", "-f", created);
        sh("docker", "create", "--name", created, DebugFixture.IMAGE, "sleep", "300");
        assertOneLine(boxtrace("debug", created, "--", "true"), 1, "container " + created + " is not running");
    }

    @Test
    void anAmbiguousIdPrefixIsAUsageErrorListingTheCandidates() throws Exception {
        // Start containers until two of ours share their id's first character (at most 17 by pigeonhole).
        Map<Character, String> byFirst = new HashMap<>();
        String first = null;
        String second = null;
        for (int i = 0; i < 17 && second == null; i++) {
            String id = fx.docker(fx.tag + "-amb" + i, List.of(), DebugFixture.IMAGE, "sleep", "300");
            String earlier = byFirst.putIfAbsent(id.charAt(0), id);
            if (earlier != null) {
                first = earlier;
                second = id;
            }
        }
        assertThat(second).isNotNull();
        var r = boxtrace("debug", second.substring(0, 1), "--", "true");
        assertOneLine(r, 2, "is ambiguous: ");
        assertThat(r.err()).contains(first.substring(0, 12)).contains(second.substring(0, 12));
    }

    @Test
    void aContainerExitingDuringTheSessionEndsItWithOneLine() throws Exception {
        String c = fx.tag + "-exits";
        fx.docker(c, List.of(), DebugFixture.IMAGE, "sleep", "300");
        java.nio.file.Path ready = java.nio.file.Path.of("/tmp", fx.tag + "-ready");
        fx.removeLater("rm", "-f", ready.toString());
        var session = CompletableFuture.supplyAsync(() -> {
            try {
                return boxtrace("debug", c, "--", "sh", "-c", "touch " + ready + "; exec sleep 60");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Wait until the session runs in the container, then stop the container under it.
        for (int i = 0; i < 300 && !java.nio.file.Files.exists(ready); i++) {
            Thread.sleep(100);
        }
        sh("docker", "kill", c);
        assertOneLine(session.get(), 1, "container " + c + " exited during the session");
    }

    @Test
    void missingCapabilitiesAreNamedWithExit3() throws Exception {
        String c = fx.tag + "-caps";
        fx.docker(c, List.of(), DebugFixture.IMAGE, "sleep", "300");
        // Root without CAP_SYS_ADMIN and CAP_SYS_PTRACE in its bounding set has neither after exec.
        var r = DebugFixture.boxtraceWith(List.of("setpriv", "--bounding-set", "-sys_admin,-sys_ptrace", "--"),
                "debug", c, "--", "true");
        assertOneLine(r, 3, "needs CAP_SYS_ADMIN and CAP_SYS_PTRACE");
    }

    @Test
    void badArgumentsAreUsageErrorsAndAMissingImageARuntimeError() throws Exception {
        String c = fx.tag + "-args";
        fx.docker(c, List.of(), DebugFixture.IMAGE, "sleep", "300");
        assertOneLine(boxtrace("debug", c, "--mount-at", "relative/dir", "--", "true"), 2, "--mount-at relative/dir");
        assertOneLine(boxtrace("debug", c, "--mount-at", "/no-such-dir/below", "--", "true"), 2,
                "--mount-at /no-such-dir/below: must be an existing directory or a new name directly under /");
        assertOneLine(boxtrace("debug", c, "--tools", fx.tag + "/no-image", "--", "true"), 1,
                "no local image " + fx.tag + "/no-image in Docker or Podman");
    }
}
