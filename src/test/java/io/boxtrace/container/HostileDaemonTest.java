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
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Docker socket that accepts and never answers, answers half a line, or floods: none of it may
 * block the caller past the timeout, grow memory past the cap, or block the pipeline thread. A fake
 * server, since a real dockerd cannot be made to hang or flood on demand.
 */
class HostileDaemonTest {

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private int servers;
    private final List<SocketChannel> held = new CopyOnWriteArrayList<>();

    /** A server that runs behaviour on every connection it accepts, each on its own thread. */
    private Path serve(Behaviour behaviour) throws IOException {
        Path sock = dir.resolve("hostile-" + (++servers) + ".sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        Thread.ofPlatform().daemon(true).start(() -> {
            while (true) {
                try {
                    SocketChannel c = server.accept();
                    held.add(c);
                    Thread.ofPlatform().daemon(true).start(() -> {
                        try {
                            c.read(ByteBuffer.allocate(4096));
                            behaviour.serve(c);
                        } catch (IOException ignored) {
                            // the client gave up: that is the point
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return sock;
    }

    interface Behaviour {
        void serve(SocketChannel c) throws IOException;
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel c : held) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static final Behaviour SILENT = c -> { };

    private static Behaviour flood(String headers) {
        return c -> {
            c.write(ByteBuffer.wrap(headers.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer junk = ByteBuffer.allocate(1 << 16);
            while (c.isOpen()) { // up to a GiB: far more than any cap
                junk.clear();
                c.write(junk);
            }
        };
    }

    @Test
    void aDaemonThatAcceptsAndNeverAnswersTimesOutWithOneLine() throws Exception {
        DockerClient d = new DockerClient(serve(SILENT), 400);
        long t0 = System.nanoTime();
        assertThatThrownBy(d::negotiate).isInstanceOf(RuntimeUnavailableException.class)
                .hasMessageContaining("does not answer").hasMessageContaining("within 400 ms")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3_000);
    }

    @Test
    void aDaemonThatStopsInTheMiddleOfAnAnswerTimesOut() throws Exception {
        DockerClient d = new DockerClient(serve(c -> c.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nApi-Ver".getBytes(
                StandardCharsets.US_ASCII)))), 400);
        assertThatThrownBy(d::negotiate).hasMessageContaining("does not answer");
    }

    @Test
    void aFloodWithoutContentLengthIsRefusedAtTheCap() throws Exception {
        DockerClient d = new DockerClient(serve(flood("HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\n\r\n")), 2_000);
        assertThatThrownBy(d::negotiate).isInstanceOf(RuntimeUnavailableException.class)
                .hasMessageContaining("larger than 4 MiB");
    }

    @Test
    void aChunkedFloodAndAHugeContentLengthAreRefusedAtTheCap() throws Exception {
        DockerClient chunked = new DockerClient(serve(flood("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "40000000\r\n")), 2_000);
        assertThatThrownBy(chunked::negotiate).hasMessageContaining("larger than 4 MiB");
        close();
        DockerClient huge = new DockerClient(serve(flood("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n")), 2_000);
        assertThatThrownBy(huge::negotiate).hasMessageContaining("larger than 4 MiB");
        close();
        DockerClient negative = new DockerClient(serve(flood("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "-5\r\n")), 2_000);
        assertThatThrownBy(negative::negotiate).hasMessageContaining("bad chunk size");
    }

    @Test
    void anEventStreamWithoutNewlinesEndsAtTheLineCap() throws Exception {
        Path sock = serve(new Behaviour() {
            private int n;

            @Override
            public synchronized void serve(SocketChannel c) throws IOException {
                if (n++ == 0) {
                    c.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nContent-Length: 2\r\n\r\nOK"
                            .getBytes(StandardCharsets.US_ASCII)));
                    c.close();
                } else {
                    flood("HTTP/1.1 200 OK\r\n\r\n").serve(c);
                }
            }
        });
        DockerClient d = new DockerClient(sock, 2_000);
        assertThatThrownBy(() -> d.events(m -> { }, id -> { })).hasMessageContaining("longer than 1024 KiB");
    }

    @Test
    void lookupsNeverHoldThePipelineForLongAndSayOnceThatDockerDoesNotAnswer() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        ContainerMetadata meta = new ContainerMetadata(new DockerClient(serve(SILENT), 1_000),
                new PodmanStore(dir.resolve("no-podman.json")), warnings::add);
        try {
            String id = "a".repeat(64);
            long t0 = System.nanoTime();
            assertThat(meta.lookup(new CgroupRef("docker", id, null, null, null))).isEmpty();
            long first = (System.nanoTime() - t0) / 1_000_000;
            assertThat(first).as("one prompt wait at most").isLessThan(ContainerMetadata.PROMPT_WAIT_MS + 500);
            for (int i = 0; i < 20; i++) {
                long t1 = System.nanoTime();
                assertThat(meta.lookup(new CgroupRef("docker", Integer.toHexString(i).repeat(64).substring(0, 64), null,
                        null, null))).isEmpty();
                assertThat((System.nanoTime() - t1) / 1_000_000).as("later look-ups do not wait").isLessThan(50);
            }
            long deadline = System.currentTimeMillis() + 5_000;
            while (warnings.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1_500); // the other queued look-ups time out too: still one line
            assertThat(warnings).hasSize(1);
            assertThat(warnings.getFirst()).contains("does not answer").contains("shown by id");
        } finally {
            meta.close();
        }
    }

    @Test
    void aDaemonThatTricklesAByteAtATimeIsCutOffAtTheWholeRequestLimit() throws Exception {
        // Every byte comes well within the per-read timeout, so only a limit on the whole request ends it.
        DockerClient d = new DockerClient(serve(c -> {
            for (byte b : ("HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nX-Pad: " + "a".repeat(10_000)).getBytes(StandardCharsets.US_ASCII)) {
                c.write(ByteBuffer.wrap(new byte[] {b}));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }), 400, 1_500);
        long t0 = System.nanoTime();
        assertThatThrownBy(d::negotiate).isInstanceOf(RuntimeUnavailableException.class)
                .hasMessageContaining("does not answer").hasMessageContaining("no complete answer within 1500 ms");
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1_400L, 3_000L);
    }

    @Test
    void anEventStreamNamingEndlessNewContainersKeepsTheCacheBounded() throws Exception {
        int sent = MetaCache.MAX_ENTRIES * 3;
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Path sock = serve(new Behaviour() {
            private int n;

            @Override
            public void serve(SocketChannel c) throws IOException {
                int which;
                synchronized (this) {
                    which = n++;
                }
                if (which == 0) {
                    c.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nContent-Length: 2\r\n\r\nOK"
                            .getBytes(StandardCharsets.US_ASCII)));
                    c.close();
                    return;
                }
                c.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                String labels = "x".repeat(2_000); // 2 KB a container: 12,288 of them would be 24 MB of labels
                for (int i = 0; i < sent; i++) {
                    String line = "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\""
                            + String.format("%064x", i) + "\",\"Attributes\":{\"name\":\"n" + i + "\",\"image\":\"i\",\"l\":\""
                            + labels + "\"}}}\n";
                    ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                }
                done.countDown();
            }
        });
        ContainerMetadata meta = new ContainerMetadata(new DockerClient(sock, 2_000), new PodmanStore(dir.resolve("none.json")),
                w -> { });
        try {
            meta.startEvents();
            assertThat(done.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);
            assertThat(meta.cachedContainers()).isPositive().isLessThanOrEqualTo(MetaCache.MAX_ENTRIES);
            // the newest container is still named from the stream; the oldest made room
            String newest = String.format("%064x", sent - 1);
            assertThat(meta.lookup(new CgroupRef("docker", newest, null, null, null))).map(ContainerMeta::name)
                    .contains("n" + (sent - 1));
        } finally {
            meta.close();
        }
    }

    @Test
    void aSilentDaemonIsNamedAsTheReasonNamesAreMissing() throws Exception {
        ContainerMetadata meta = new ContainerMetadata(new DockerClient(serve(SILENT), 1_000),
                new PodmanStore(dir.resolve("none.json")), w -> { });
        try {
            assertThat(meta.namesPending()).isEmpty();
            assertThat(meta.lookup(new CgroupRef("docker", "c".repeat(64), null, null, null))).isEmpty();
            assertThat(meta.namesPending()).get().asString().contains("has not answered").contains("known by id only");
        } finally {
            meta.close();
        }
    }
}
