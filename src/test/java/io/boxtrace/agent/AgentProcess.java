package io.boxtrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code boxtrace agent} as it runs on a node: the packaged jar in a child JVM, stopped with
 * SIGTERM. Test helper for the agent ITs.
 */
final class AgentProcess implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path stderr;

    private AgentProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
    }

    static AgentProcess start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "agent"));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("bt-agent-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
        return new AgentProcess(p, err);
    }

    /** Waits for the agent to say which source it uses: tracing has started. */
    AgentProcess awaitTracing() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (stderr().contains("using the")) {
                return this;
            }
            assertThat(process.isAlive()).as("agent alive; stderr: %s", stderr()).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("agent did not start tracing: " + stderr());
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, as kubelet and systemd stop it; returns the exit code. */
    int stop() throws Exception {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("agent exited after SIGTERM").isTrue();
        return process.exitValue();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
    }

    static void runQuietly(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // cleanup only
        }
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(stderr);
    }
}
