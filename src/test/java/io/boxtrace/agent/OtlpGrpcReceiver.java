package io.boxtrace.agent;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A minimal OTLP/gRPC collector for tests: grpc-java's server with the two OTLP export methods
 * declared by hand (their bytes are the official protobuf messages, decoded with opentelemetry-proto),
 * so no generated service stubs are needed.
 */
final class OtlpGrpcReceiver implements AutoCloseable {

    private final List<LogRecord> logs = new ArrayList<>();
    private final List<Span> spans = new ArrayList<>();
    private final Server server;

    OtlpGrpcReceiver(int port) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .addService(service("opentelemetry.proto.collector.logs.v1.LogsService", bytes -> {
                    ExportLogsServiceRequest r = ExportLogsServiceRequest.parseFrom(bytes);
                    synchronized (this) {
                        r.getResourceLogsList().forEach(rl -> rl.getScopeLogsList()
                                .forEach(sl -> logs.addAll(sl.getLogRecordsList())));
                    }
                    return ExportLogsServiceResponse.getDefaultInstance().toByteArray();
                }))
                .addService(service("opentelemetry.proto.collector.trace.v1.TraceService", bytes -> {
                    ExportTraceServiceRequest r = ExportTraceServiceRequest.parseFrom(bytes);
                    synchronized (this) {
                        r.getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
                                .forEach(ss -> spans.addAll(ss.getSpansList())));
                    }
                    return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                }))
                .build().start();
    }

    private interface Handler {
        byte[] handle(byte[] request) throws IOException;
    }

    private static ServerServiceDefinition service(String name, Handler handler) {
        MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(name, "Export"))
                .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
        return ServerServiceDefinition.builder(name).addMethod(export, ServerCalls.asyncUnaryCall((req, reply) -> {
            try {
                reply.onNext(handler.handle(req));
                reply.onCompleted();
            } catch (IOException e) {
                reply.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
            }
        })).build();
    }

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    synchronized List<LogRecord> logs() {
        return List.copyOf(logs);
    }

    synchronized List<Span> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
