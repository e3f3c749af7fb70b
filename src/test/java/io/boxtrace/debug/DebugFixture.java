package io.boxtrace.debug;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the debug ITs share: boxtrace's jar run as a user would, containers and images made for
 * the test (prefix bt-debug-) and removed afterwards, and the host facts compared before and
 * after a session.
 */
final class DebugFixture implements AutoCloseable {

    static final String IMAGE = "boxtrace-test/busybox:latest";
    final String tag = "bt-debug-" + UUID.randomUUID().toString().substring(0, 6);
    private final List<String[]> cleanup = new ArrayList<>();

    record Result(int exit, String out, String err) {
    }

    /** Runs boxtrace with the given command-line prefix (e.g. setpriv), capturing its output. */
    static Result boxtraceWith(List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("bt-debug-out", ".txt");
        Path err = Files.createTempFile("bt-debug-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            // Generous: on a loaded shared machine a JVM start and a /proc scan alone can take tens of seconds.
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("boxtrace finished").isTrue();
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    static Result boxtrace(String... args) throws Exception {
        return boxtraceWith(List.of(), args);
    }

    /** A command that must succeed; its trimmed output. */
    static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    void removeLater(String... cmd) {
        cleanup.add(cmd);
    }

    /** docker run -d --name NAME OPTIONS... IMAGE COMMAND...; the container's id. */
    String docker(String name, List<String> options, String image, String... cmd) throws Exception {
        removeLater("docker", "rm", "-f", name);
        List<String> all = new ArrayList<>(List.of("docker", "run", "-d", "--name", name));
        all.addAll(options);
        all.add(image);
        all.addAll(List.of(cmd));
        return sh(all.toArray(String[]::new));
    }

    /** A FROM-scratch image holding one static binary, the host's busybox, as /busybox (its name picks its applets). */
    String scratchImage() throws Exception {
        String image = tag + "-scratch";
        Path dir = Files.createTempDirectory("bt-debug-scratch");
        Files.copy(Path.of("/bin/busybox"), dir.resolve("busybox"));
        sh("tar", "-C", dir.toString(), "-cf", dir.resolve("rootfs.tar").toString(), "busybox");
        sh("docker", "import", "-c", "ENTRYPOINT [\"/busybox\"]", dir.resolve("rootfs.tar").toString(), image);
        removeLater("docker", "rmi", "-f", image);
        Files.delete(dir.resolve("rootfs.tar"));
        Files.delete(dir.resolve("busybox"));
        Files.delete(dir);
        return image;
    }

    static int mainPid(String runtime, String name) throws Exception {
        return Integer.parseInt(sh(runtime, "inspect", "-f", "{{.State.Pid}}", name));
    }

    /** The host pids in the pid namespace of pid, with their comm: the container's process list. */
    static List<String> processesInPidNsOf(int pid) throws Exception {
        String ns = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid")).toString();
        List<String> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).sorted().toList()) {
                try {
                    if (Files.readSymbolicLink(p.resolve("ns/pid")).toString().equals(ns)) {
                        out.add(p.getFileName() + " " + Files.readString(p.resolve("comm")).strip());
                    }
                } catch (java.io.IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return out;
    }

    /** Files the JVM's temporary directory holds that a session could have left (its helper copy). */
    static List<String> helperCopies() throws Exception {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("boxtrace-debug-")).sorted().toList();
        }
    }

    @Override
    public void close() throws Exception {
        for (String[] c : cleanup.reversed()) {
            new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }
}
