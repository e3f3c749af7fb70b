package io.boxtrace.sink.prometheus;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code /metrics} (the Prometheus client's own handler), {@code /healthz} (200 while the
 * pipeline runs) and {@code /readyz} (200 once tracing has started, 503 before and while stopping)
 * on one address. One daemon thread: scrapes are rare and cheap.
 */
public final class MetricsServer implements AutoCloseable {

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /** Binds host:port (port 0: any free port) and starts serving. */
    public static MetricsServer start(AgentMetrics metrics, String host, int port, BooleanSupplier healthy,
                                      BooleanSupplier ready) throws IOException {
        HTTPServer s = HTTPServer.builder()
                .inetAddress(InetAddress.getByName(host))
                .port(port)
                .registry(metrics.registry())
                .executorService(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("boxtrace-metrics")
                        .daemon(true).unstarted(r)))
                // every path the client does not serve itself lands here
                .defaultHandler(exchange -> probe(exchange, healthy, ready))
                .buildAndStart();
        return new MetricsServer(s);
    }

    private static void probe(HttpExchange ex, BooleanSupplier healthy, BooleanSupplier ready) throws IOException {
        String path = ex.getRequestURI().getPath();
        int status;
        String body;
        switch (path) {
            case "/healthz" -> {
                status = healthy.getAsBoolean() ? 200 : 503;
                body = status == 200 ? "ok\n" : "tracing stopped\n";
            }
            case "/readyz" -> {
                status = ready.getAsBoolean() ? 200 : 503;
                body = status == 200 ? "ready\n" : "not ready\n";
            }
            default -> {
                status = 404;
                body = "boxtrace agent: /metrics, /healthz, /readyz\n";
            }
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
