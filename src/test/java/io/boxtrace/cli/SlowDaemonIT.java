package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Docker daemon that answers, but later than the 300 ms the pipeline waits for a name (as dockerd
 * under load did, and HostileCommIT failed so): {@code tree -c NAME} must still find the container by
 * its name, not say that none matches. The daemon is a fake in front of a real container, since a
 * real dockerd cannot be made slow on demand; the container and the kernel's view of it are real.
 */
class SlowDaemonIT {

    @TempDir
    Path tmp;
    private final String container = "bt-hostile-slow-" + ProcessHandle.current().pid();
    private ServerSocketChannel server;

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.close();
        }
        new ProcessBuilder("docker", "rm", "-f", container).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** Answers /_ping at once and an inspect of id after a second, naming it; anything else 404. */
    private Path slowDaemon(String id, String name) throws IOException {
        Path sock = tmp.resolve("slow.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        Thread.ofPlatform().daemon(true).start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel c = server.accept();
                    Thread.ofPlatform().daemon(true).start(() -> answer(c, id, name));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return sock;
    }

    private static void answer(SocketChannel c, String id, String name) {
        try (c) {
            ByteBuffer in = ByteBuffer.allocate(8192);
            c.read(in);
            String path = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).split(" ")[1];
            String body;
            int status = 200;
            if (path.equals("/_ping")) {
                body = "OK";
            } else if (path.endsWith("/containers/" + id + "/json")) {
                Thread.sleep(1_000);
                body = "{\"Id\":\"" + id + "\",\"Name\":\"/" + name + "\",\"Config\":{\"Image\":\"slow-image\",\"Labels\":{}}}";
            } else {
                status = 404;
                body = "{\"message\":\"no such container\"}";
            }
            String head = "HTTP/1.1 " + status + " X\r\nApi-Version: 1.43\r\nContent-Length: " + body.length() + "\r\n\r\n";
            c.write(ByteBuffer.wrap((head + body).getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client gave up
        }
    }

    @Test
    void treeFindsAContainerByNameWhenTheDaemonAnswersLate() throws Exception {
        String id = sh("docker", "run", "-d", "--name", container, "boxtrace-test/busybox:latest", "sleep", "120");
        Path sock = slowDaemon(id, container);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "tree", "-c", container));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("err").toFile())
                .redirectOutput(tmp.resolve("out").toFile());
        pb.environment().put("DOCKER_HOST", "unix://" + sock);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(tmp.resolve("err"));
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(Files.readString(tmp.resolve("out"))).startsWith(container + "  " + id.substring(0, 12) + "  slow-image")
                .contains("sleep 120");
    }
}
