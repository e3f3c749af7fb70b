package io.boxtrace.debug;

import static io.boxtrace.debug.DebugFixture.boxtrace;
import static io.boxtrace.debug.DebugFixture.sh;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * boxtrace debug end to end, as root, against the real dockerd and podman (scripts/setup-host.sh):
 * what the session sees, and that it leaves nothing behind.
 */
class DebugIT {

    private final DebugFixture fx = new DebugFixture();

    @AfterEach
    void cleanUp() throws Exception {
        fx.close();
    }

    /** A FROM-scratch container: /busybox (static) as pid 1, a marker file it wrote, no shell in PATH, no libc. */
    private String scratchContainer(String name) throws Exception {
        fx.docker(name, List.of(), fx.scratchImage(), "sh", "-c",
                "echo marker-" + name + " > /marker; exec /busybox sleep 300");
        for (int i = 0; i < 50 && !sh("docker", "exec", name, "/busybox", "ls", "/").contains("marker"); i++) {
            Thread.sleep(100);
        }
        return name;
    }

    private static List<String> names(String ipOLink) {
        return Arrays.stream(ipOLink.split("\n")).filter(l -> l.contains(": "))
                .map(l -> l.split(": ")[1].split("@")[0]).sorted().toList();
    }

    @Test
    void aScratchContainerIsSeenWithTheHostsToolsAndNothingIsLeftBehind() throws Exception {
        String c = scratchContainer(fx.tag + "-scratch");
        int pid = DebugFixture.mainPid("docker", c);
        String mountsBefore = Files.readString(Path.of("/proc/self/mountinfo"));
        List<String> processesBefore = DebugFixture.processesInPidNsOf(pid);
        String diffBefore = sh("docker", "diff", c);
        List<String> copiesBefore = DebugFixture.helperCopies();

        var ps = boxtrace("debug", c, "--", "ps", "-e", "-o", "pid=,comm=");
        assertThat(ps.exit()).as(ps.err()).isZero();
        List<String> listed = Arrays.stream(ps.out().strip().split("\n")).map(String::strip).toList();
        // Only the container's pid 1 and the session's own two processes (its init and ps): nothing of the host.
        assertThat(listed).hasSize(3).contains("1 busybox");
        assertThat(listed).anyMatch(l -> l.endsWith(" boxtrace-debug")).anyMatch(l -> l.endsWith(" ps"));

        var cat = boxtrace("debug", c, "--", "cat", "/to-debug/marker");
        assertThat(cat.out().strip()).as(cat.err()).isEqualTo("marker-" + c);

        var link = boxtrace("debug", c, "--", "ip", "-o", "link");
        assertThat(link.exit()).as(link.err()).isZero();
        List<String> inContainer = names(sh("nsenter", "--net=/proc/" + pid + "/ns/net", "ip", "-o", "link"));
        assertThat(names(link.out())).isEqualTo(inContainer).contains("eth0").doesNotContain("docker0");
        var hostNet = boxtrace("debug", c, "--no-net", "--", "ip", "-o", "link");
        assertThat(names(hostNet.out())).as(hostNet.err()).contains("docker0");

        // A session's leftovers (a background process) are killed when it ends; the environment is there.
        var bg = boxtrace("debug", c, "--", "sh", "-c", "sleep 300 & tr '\\0' '\\n' < /.boxtrace/environ");
        assertThat(bg.exit()).as(bg.err()).isZero();
        assertThat(bg.out()).contains("PATH=");
        var write = boxtrace("debug", c, "--", "sh", "-c", "echo from-debug > /to-debug/written");
        assertThat(write.exit()).as(write.err()).isZero();
        assertThat(sh("docker", "exec", c, "/busybox", "cat", "/written")).isEqualTo("from-debug");

        // Other tests' containers come and go in the host's mount table meanwhile: none of the new mounts may be
        // the session's (its root on /, the container at /to-debug, its /.boxtrace, a /proc).
        List<String> added = Files.readString(Path.of("/proc/self/mountinfo")).lines()
                .filter(l -> !mountsBefore.lines().toList().contains(l)).toList();
        assertThat(added).noneMatch(l -> {
            String mountPoint = l.split(" ")[4];
            return mountPoint.equals("/") || mountPoint.startsWith("/to-debug") || mountPoint.startsWith("/.boxtrace")
                    || mountPoint.startsWith("/proc");
        });
        assertThat(DebugFixture.processesInPidNsOf(pid)).isEqualTo(processesBefore);
        // The container's filesystem changed by the one file the user wrote, by nothing of the session's.
        assertThat(sh("docker", "diff", c).lines().sorted().toList())
                .isEqualTo((diffBefore + "\nA /written").strip().lines().sorted().toList());
        assertThat(DebugFixture.helperCopies()).isEqualTo(copiesBefore);
    }

    @Test
    void theCommandsExitStatusIsPropagatedAndAFileInTmpIsSeenByDockerExec() throws Exception {
        String c = fx.tag + "-bb";
        fx.docker(c, List.of(), DebugFixture.IMAGE, "sleep", "300");
        assertThat(boxtrace("debug", c, "--", "sh", "-c", "exit 7").exit()).isEqualTo(7);
        assertThat(boxtrace("debug", c, "--", "sh", "-c", "kill -TERM $$").exit()).isEqualTo(128 + 15);
        var w = boxtrace("debug", c, "--", "sh", "-c", "echo hi > /to-debug/tmp/from-debug");
        assertThat(w.exit()).as(w.err()).isZero();
        assertThat(sh("docker", "exec", c, "cat", "/tmp/from-debug")).isEqualTo("hi");
        var missing = boxtrace("debug", c, "--", "no-such-command-xyz");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err().strip()).startsWith("boxtrace debug: cannot run no-such-command-xyz");
    }

    @Test
    void withoutCommandTheHostsShellRunsOnATerminalWithAPromptNamingTheContainer() throws Exception {
        String c = fx.tag + "-shell";
        fx.docker(c, List.of(), DebugFixture.IMAGE, "sleep", "300");
        String boxtrace = ProcessHandle.current().info().command().orElseThrow()
                + " --enable-native-access=ALL-UNNAMED -jar " + Path.of("target/boxtrace.jar").toAbsolutePath() + " debug " + c;
        // script(1) gives the session a pseudo-terminal, as a user's terminal would.
        Process p = new ProcessBuilder("script", "-qec", boxtrace, "/dev/null").redirectErrorStream(true).start();
        StringBuffer seen = new StringBuffer();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    seen.append(new String(buf, 0, n));
                }
            } catch (java.io.IOException ignored) {
                // the session ended
            }
        });
        for (int i = 0; i < 600 && !seen.toString().contains("(debug " + c + ")"); i++) {
            Thread.sleep(100);
        }
        p.getOutputStream().write("echo inside-$BOXTRACE_DEBUG_CONTAINER-$(hostname)\nexit 4\n".getBytes());
        p.getOutputStream().flush();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        assertThat(p.exitValue()).as(seen.toString()).isEqualTo(4);
        String hostname = sh("docker", "inspect", "-f", "{{.Config.Hostname}}", c);
        assertThat(seen.toString()).contains("(debug " + c + ")").contains("inside-" + c + "-" + hostname);
    }

    @Test
    void aReadOnlyContainerRunAsUser1000IsReadableAndStaysUnwritable() throws Exception {
        String c = fx.tag + "-ro";
        fx.docker(c, List.of("--read-only", "--user", "1000"), DebugFixture.IMAGE, "sleep", "300");
        var r = boxtrace("debug", c, "--", "sh", "-c",
                "ps -o uid=,pid=,comm= -p 1; head -1 /to-debug/etc/passwd; touch /to-debug/x 2>&1; echo touch=$?");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("1000 +1 sleep").contains("root:x:0:0").contains("Read-only file system").contains("touch=1");
    }

    @Test
    void aPodmanContainerIsEntered() throws Exception {
        String c = fx.tag + "-pod";
        fx.removeLater("podman", "rm", "-f", "-t", "0", c);
        sh("podman", "run", "-d", "--name", c, "--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit",
                "nproc=1024:1024", DebugFixture.IMAGE, "sh", "-c", "echo podman-marker > /pm; exec sleep 300");
        Thread.sleep(300);
        var r = boxtrace("debug", c, "--", "sh", "-c", "ps -e -o pid=,comm=; cat /to-debug/pm");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 sleep").contains("podman-marker");
    }

    @Test
    void aBareRuncContainerIsFoundByItsIdAndEntered() throws Exception {
        Path bundle = Files.createTempDirectory("bt-debug-bundle");
        fx.removeLater("rm", "-rf", bundle.toString());
        sh("cp", "-a", "/var/lib/boxtrace-test/bundle", bundle.resolve("b").toString());
        String id = fx.tag + "-runc";
        fx.removeLater("runc", "delete", "-f", id);
        Process run = new ProcessBuilder("runc", "run", "-d", "--bundle", bundle.resolve("b").toString(), id)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).isZero();
        var r = boxtrace("debug", id, "--", "sh", "-c", "ps -e -o pid=,args=; ls /to-debug/bin/busybox");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 sleep 3600").contains("/to-debug/bin/busybox");
    }

    @Test
    void aContainerWhosePid1BelongsToAnotherIsEnteredAtItsOwnRoot() throws Exception {
        String a = fx.tag + "-a";
        String b = fx.tag + "-b";
        fx.docker(a, List.of(), DebugFixture.IMAGE, "sleep", "300");
        fx.docker(b, List.of("--pid", "container:" + a), DebugFixture.IMAGE, "sh", "-c",
                "echo i-am-b > /who; exec sleep 301");
        Thread.sleep(300);
        var r = boxtrace("debug", b, "--", "sh", "-c", "ps -e -o pid=,args=; cat /to-debug/who");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 sleep 300").contains("sleep 301").contains("i-am-b");
    }

    @Test
    void toolsFromALocalImageAreTheRootAndTheImageIsNotModified() throws Exception {
        String c = scratchContainer(fx.tag + "-tools");
        // The test image also exists in podman only under a tag of our own: its layers come from podman's store.
        String podmanOnly = "localhost/" + fx.tag + "-tools:latest";
        sh("podman", "tag", DebugFixture.IMAGE, podmanOnly);
        fx.removeLater("podman", "rmi", podmanOnly);
        for (String image : List.of(DebugFixture.IMAGE, podmanOnly)) {
            var r = boxtrace("debug", c, "--tools", image, "--", "sh", "-c",
                    "ls /; cat /to-debug/marker; touch /bin/added-by-debug; ps");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("marker-" + c).contains("/busybox sleep 300").doesNotContain("usr\n");
        }
        var check = sh("docker", "run", "--rm", DebugFixture.IMAGE, "sh", "-c", "ls /bin/added-by-debug 2>&1; true");
        assertThat(check).contains("No such file");
        var pcheck = sh("podman", "run", "--rm", "--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit",
                "nproc=1024:1024", podmanOnly, "sh", "-c", "ls /bin/added-by-debug 2>&1; true");
        assertThat(pcheck).contains("No such file");
    }

    @Test
    void mountAtAnExistingDirectoryHidesItOnlyInTheSession() throws Exception {
        String c = scratchContainer(fx.tag + "-mnt");
        List<String> hostMnt;
        try (var s = Files.list(Path.of("/mnt"))) {
            hostMnt = s.map(Path::toString).sorted().toList();
        }
        var r = boxtrace("debug", c, "--mount-at", "/mnt", "--", "cat", "/mnt/marker");
        assertThat(r.out().strip()).as(r.err()).isEqualTo("marker-" + c);
        try (var s = Files.list(Path.of("/mnt"))) {
            assertThat(s.map(Path::toString).sorted().toList()).isEqualTo(hostMnt);
        }
        assertThat(Files.exists(Path.of("/to-debug"))).isFalse();
    }

    @Test
    void treeMarksTheSessionAsADebugSessionOfTheContainer() throws Exception {
        String c = fx.tag + "-tree";
        fx.docker(c, List.of(), DebugFixture.IMAGE, "sleep", "300");
        // The session's /tmp is the host's: it runs until the test creates the file.
        Path done = Path.of("/tmp", fx.tag + "-done");
        var session = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return boxtrace("debug", c, "--", "sh", "-c", "touch " + done + "-ready; while [ ! -e " + done
                        + " ]; do sleep 0.1; done; rm " + done + "-ready");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // The session's processes are in a host cgroup, not the container's: docker top does not list them.
        for (int i = 0; i < 300 && !Files.exists(Path.of(done + "-ready")); i++) {
            Thread.sleep(100);
        }
        // While the session runs, its mounts are in its own namespace only.
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(" /to-debug ").doesNotContain(" /.boxtrace ");
        var tree = boxtrace("tree", "--json", "-c", c);
        var text = boxtrace("tree", "-c", c);
        Files.writeString(done, "");
        try {
            assertThat(session.get().exit()).isZero();
        } finally {
            Files.delete(done);
        }
        var processes = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tree.out())
                .get("containers").get(0).get("processes");
        assertThat(processes).hasSize(2);
        assertThat(processes.get(0).get("nspid").asInt()).isEqualTo(1);
        assertThat(processes.get(0).has("debug_session")).isFalse();
        assertThat(processes.get(1).get("debug_session").asBoolean()).isTrue();
        assertThat(processes.get(1).get("comm").asText()).isEqualTo("boxtrace-debug");
        assertThat(processes.get(1).get("children").get(0).get("comm").asText()).isEqualTo("sh");
        assertThat(text.out()).contains("[debug session] boxtrace-debug,");
    }
}
