package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker client against a scripted server on a Unix socket, for answers a real dockerd does not
 * give on demand (truncated bodies, bad chunks, errors), and against recorded real responses.
 */
class DockerClientTest {

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private Thread thread;
    private int servers;
    private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();

    /** Serves the given raw responses, one per connection, in order. */
    private DockerClient serve(String... responses) throws IOException {
        Path sock = dir.resolve("docker-" + (++servers) + ".sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        List<String> script = new ArrayList<>(List.of(responses));
        thread = Thread.ofPlatform().daemon(true).start(() -> {
            for (String r : script) {
                try (SocketChannel c = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(4096);
                    c.read(in);
                    requests.add(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).lines().findFirst().orElse(""));
                    c.write(ByteBuffer.wrap(r.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new DockerClient(sock);
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static String ping(String version) {
        return "HTTP/1.1 200 OK\r\nApi-Version: " + version + "\r\nContent-Length: 2\r\n\r\nOK";
    }

    private static String resource(String name) throws IOException {
        try (var in = DockerClientTest.class.getResourceAsStream("/docker/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void negotiatesTheOlderVersionAndParsesARecordedInspect() throws Exception {
        String body = resource("inspect.json");
        DockerClient d = serve(ping("1.41"), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
        ContainerMeta m = d.inspect("88bcfc816f03").orElseThrow();
        assertThat(m.name()).isEqualTo("bt-a");
        assertThat(m.image()).isEqualTo("boxtrace-test/busybox:latest");
        assertThat(m.id()).isEqualTo("88bcfc816f034dbd4ffa326769148144b94ab61e697d62a8fac04dae4d4494e7");
        assertThat(m.labels()).containsEntry("com.docker.compose.project", "demo");
        assertThat(requests).contains("GET /v1.41/containers/88bcfc816f03/json HTTP/1.1");
    }

    @Test
    void capsANewerDaemonAtTheVersionBoxtraceSpeaks() throws Exception {
        DockerClient d = serve(ping("1.99"));
        assertThat(d.negotiate()).isEqualTo(DockerClient.MAX_API);
    }

    @Test
    void decodesChunkedBodies() throws Exception {
        DockerClient d = serve(ping("1.43"), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "9\r\n{\"Name\":\"\r\n12\r\n/web\",\"Config\":{}}\r\n0\r\n\r\n");
        assertThat(d.inspect("x").orElseThrow().name()).isEqualTo("web");
    }

    @Test
    void aGoneContainerIsEmptyNotAnError() throws Exception {
        DockerClient d = serve(ping("1.43"), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        assertThat(d.inspect("gone")).isEmpty();
    }

    @Test
    void truncatedGarbledAndFailingAnswersAreOneLineErrors() throws Exception {
        DockerClient cut = serve(ping("1.43"), "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"Name\":");
        assertThatThrownBy(() -> cut.inspect("x")).isInstanceOf(RuntimeUnavailableException.class)
                .hasMessageContaining("cut short");
        close();
        DockerClient badChunk = serve(ping("1.43"), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assertThatThrownBy(() -> badChunk.inspect("x")).hasMessageContaining("bad chunk size");
        close();
        DockerClient garbage = serve("SSH-2.0-OpenSSH\r\n");
        assertThatThrownBy(garbage::negotiate).hasMessageContaining("not an HTTP response");
        close();
        DockerClient error = serve(ping("1.43"), "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
        assertThatThrownBy(() -> error.inspect("x")).hasMessageContaining("HTTP 500");
    }

    @Test
    void aMissingSocketIsNamed() {
        DockerClient d = new DockerClient(dir.resolve("nope.sock"));
        assertThatThrownBy(d::negotiate).isInstanceOf(RuntimeUnavailableException.class)
                .hasMessage("no Docker socket at " + dir.resolve("nope.sock"));
    }

    @Test
    void aRefusedConnectionIsNamed() throws Exception {
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(Files.exists(stale)).isTrue(); // the file stays, nobody listens: ECONNREFUSED
        assertThatThrownBy(() -> new DockerClient(stale).negotiate()).hasMessageContaining("refused");
    }

    @Test
    void streamsEventsLineByLine() throws Exception {
        String ev1 = "{\"Type\":\"container\",\"Action\":\"create\",\"Actor\":{\"ID\":\"abc\",\"Attributes\":"
                + "{\"name\":\"short\",\"image\":\"busybox\",\"com.docker.compose.project\":\"p\"}}}\n";
        String ev2 = "{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\",\"Attributes\":{\"name\":\"short\"}}}\n";
        String chunked = Integer.toHexString(ev1.length()) + "\r\n" + ev1 + "\r\n" + Integer.toHexString(ev2.length())
                + "\r\n" + ev2 + "\r\n0\r\n\r\n";
        DockerClient d = serve(ping("1.43"), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);
        List<ContainerMeta> metas = new ArrayList<>();
        List<String> died = new ArrayList<>();
        d.events(metas::add, died::add);
        assertThat(metas.getFirst()).isEqualTo(new ContainerMeta("abc", "short", "busybox",
                java.util.Map.of("com.docker.compose.project", "p")));
        assertThat(died).containsExactly("abc");
    }
}
