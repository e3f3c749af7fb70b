package io.boxtrace.agent;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A minimal OTLP/HTTP collector for tests: decodes what arrives on /v1/logs and /v1/traces with the
 * official opentelemetry-proto classes and keeps it. Can be stopped and started again on the same
 * port, to play a collector that is down for a while.
 */
final class OtlpReceiver implements AutoCloseable {

    private final int port;
    private final List<LogRecord> logs = new ArrayList<>();
    private final List<Span> spans = new ArrayList<>();
    private HttpServer server;

    OtlpReceiver(int port) {
        this.port = port;
    }

    synchronized OtlpReceiver start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/v1/logs", ex -> {
            ExportLogsServiceRequest r = ExportLogsServiceRequest.parseFrom(read(ex.getRequestBody()));
            synchronized (this) {
                r.getResourceLogsList().forEach(rl -> rl.getScopeLogsList().forEach(sl -> logs.addAll(sl.getLogRecordsList())));
            }
            reply(ex, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
        });
        server.createContext("/v1/traces", ex -> {
            ExportTraceServiceRequest r = ExportTraceServiceRequest.parseFrom(read(ex.getRequestBody()));
            synchronized (this) {
                r.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList())));
            }
            reply(ex, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
        });
        server.start();
        return this;
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }

    /** Down: connections are refused until {@link #start} again. */
    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    synchronized List<LogRecord> logs() {
        return List.copyOf(logs);
    }

    synchronized List<Span> spans() {
        return List.copyOf(spans);
    }

    static Map<String, AnyValue> attributes(List<KeyValue> kvs) {
        return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue, (a, b) -> b));
    }

    static String str(List<KeyValue> kvs, String key) {
        AnyValue v = attributes(kvs).get(key);
        return v == null ? null : v.getStringValue();
    }

    static Long num(List<KeyValue> kvs, String key) {
        AnyValue v = attributes(kvs).get(key);
        return v == null ? null : v.getIntValue();
    }

    static List<String> strings(List<KeyValue> kvs, String key) {
        AnyValue v = attributes(kvs).get(key);
        return v == null ? null : v.getArrayValue().getValuesList().stream().map(AnyValue::getStringValue).toList();
    }

    @Override
    public void close() {
        stop();
    }
}
