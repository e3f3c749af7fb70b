package io.boxtrace.sink.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK set up for the agent: one logger and one tracer whose records go through
 * bounded batch queues to an OTLP collector (http/protobuf, sent with the JDK's HTTP client, or gRPC, sent
 * with OkHttp: the SDK's own senders), with
 * retries and exponential back-off while it is down. Emitting never blocks: a full queue drops the
 * new record and counts it ({@link DeliveryCounter}), as does a batch that failed all its retries.
 *
 * <p>Thread-safe (the SDK is); {@link #close} flushes what is queued, waiting a bounded time.
 */
public final class OtlpExport implements AutoCloseable {

    static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    /** The OTLP transports: {@code http/protobuf} (collector port 4318) and {@code grpc} (4317). */
    public enum Protocol {
        HTTP_PROTOBUF("http/protobuf"), GRPC("grpc");

        public final String id;

        Protocol(String id) {
            this.id = id;
        }

        /** The protocol named as OTEL_EXPORTER_OTLP_PROTOCOL names it, or empty. */
        public static java.util.Optional<Protocol> of(String id) {
            return java.util.Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
        }
    }

    static {
        // Both an OkHttp and a JDK sender are on the class path (OkHttp is the SDK's only gRPC sender):
        // http/protobuf takes the JDK's client, which needs no extra threads or Kotlin classes.
        if (System.getProperty("io.opentelemetry.sdk.common.export.HttpSenderProvider") == null) {
            System.setProperty("io.opentelemetry.sdk.common.export.HttpSenderProvider",
                    "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider");
        }
    }

    private final SdkLoggerProvider loggers;
    private final SdkTracerProvider tracers;
    final DeliveryCounter logs;
    final DeliveryCounter spans;
    final Logger logger;
    final Tracer tracer;

    /**
     * @param endpoint the collector's base URL, e.g. {@code http://127.0.0.1:4318} ({@code /v1/logs}
     *                 and {@code /v1/traces} are appended) or, for gRPC, {@code http://127.0.0.1:4317}
     * @param protocol how to send
     * @param queue    records held per signal while the collector is slow or down
     * @param resource attributes of this agent (service, host)
     */
    public OtlpExport(String endpoint, Protocol protocol, int queue, Attributes resource) {
        SdkLogLines.install(System.err, "boxtrace agent: ");
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        // Any I/O failure (refused, reset, timed out) is worth retrying: a collector restarting is normal.
        RetryPolicy retry = RetryPolicy.builder().setMaxAttempts(5).setInitialBackoff(Duration.ofMillis(500))
                .setMaxBackoff(Duration.ofSeconds(5)).setBackoffMultiplier(2).setRetryExceptionPredicate(e -> true)
                .build();
        Resource res = Resource.getDefault().merge(Resource.create(resource));
        this.logs = new DeliveryCounter(queue);
        this.spans = new DeliveryCounter(queue);
        this.loggers = SdkLoggerProvider.builder().setResource(res)
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(CountingExporters.logs(
                                logExporter(base, protocol, retry), logs))
                        .setMaxQueueSize(queue).setMaxExportBatchSize(Math.min(512, queue))
                        .setScheduleDelay(Duration.ofMillis(500)).build())
                .build();
        this.tracers = SdkTracerProvider.builder().setResource(res).setSampler(Sampler.alwaysOn())
                .addSpanProcessor(BatchSpanProcessor.builder(CountingExporters.spans(
                                spanExporter(base, protocol, retry), spans))
                        .setMaxQueueSize(queue).setMaxExportBatchSize(Math.min(512, queue))
                        .setScheduleDelay(Duration.ofMillis(500)).build())
                .build();
        this.logger = loggers.get("io.boxtrace");
        this.tracer = tracers.get("io.boxtrace");
    }

    private static LogRecordExporter logExporter(String base, Protocol protocol, RetryPolicy retry) {
        return switch (protocol) {
            case HTTP_PROTOBUF -> OtlpHttpLogRecordExporter.builder().setEndpoint(base + "/v1/logs")
                    .setTimeout(EXPORT_TIMEOUT).setRetryPolicy(retry).build();
            case GRPC -> OtlpGrpcLogRecordExporter.builder().setEndpoint(base)
                    .setTimeout(EXPORT_TIMEOUT).setRetryPolicy(retry).build();
        };
    }

    private static SpanExporter spanExporter(String base, Protocol protocol, RetryPolicy retry) {
        return switch (protocol) {
            case HTTP_PROTOBUF -> OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces")
                    .setTimeout(EXPORT_TIMEOUT).setRetryPolicy(retry).build();
            case GRPC -> OtlpGrpcSpanExporter.builder().setEndpoint(base)
                    .setTimeout(EXPORT_TIMEOUT).setRetryPolicy(retry).build();
        };
    }

    /** The agent's resource: service name and version, host name. */
    public static Attributes resource(String version, String hostName) {
        return Attributes.builder().put(AttributeKey.stringKey("service.name"), "boxtrace-agent")
                .put(AttributeKey.stringKey("service.version"), version)
                .put(AttributeKey.stringKey("host.name"), hostName).build();
    }

    /** Records of a signal ({@code logs} or {@code traces}) dropped so far. */
    public long dropped(String signal) {
        return (signal.equals("logs") ? logs : spans).dropped();
    }

    /** One line for the agent's summary: what was sent, delivered and dropped. */
    public String summary() {
        return "OTLP: " + logs.delivered() + " log records delivered, " + logs.dropped() + " dropped ("
                + logs.droppedQueueFull() + " waiting in a full queue or at exit, " + logs.droppedExportFailed()
                + " after failed retries); " + spans.delivered() + " spans delivered, " + spans.dropped() + " dropped";
    }

    /** Flushes what is queued, waiting at most {@link #SHUTDOWN_WAIT} per signal, and stops the SDK. */
    @Override
    public void close() {
        loggers.shutdown().join(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        tracers.shutdown().join(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        logs.abandonRest();
        spans.abandonRest();
    }
}
