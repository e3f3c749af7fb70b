package io.boxtrace.cli;

import io.boxtrace.cli.SourceMixin.SourceChoice;
import io.boxtrace.sink.prometheus.MetricsSink;
import io.boxtrace.sink.rotating.RotatingLineWriter;
import java.nio.file.Path;
import java.util.List;

/** The agent's effective settings: a flag when given, else the config file's value, else the default. */
record AgentSettings(String metrics, boolean kubernetesLabels, int execSeries, String otlpEndpoint,
                     String otlpProtocol, int otlpQueue, Path output, long rotateBytes, int keep,
                     List<String> containers, SourceChoice source) {

    static AgentSettings resolve(AgentCommand f, AgentConfig c, boolean sourceFlagGiven) {
        String protocol = or(f.otlpProtocol, c.string("otlp_protocol"), "http/protobuf");
        if (!protocol.equals("http/protobuf") && !protocol.equals("grpc")) {
            throw BoxtraceException.usage("--otlp-protocol must be http/protobuf or grpc, not '" + protocol + "'");
        }
        String outFile = f.output != null ? f.output.toString() : c.string("output");
        long rotate;
        try {
            rotate = RotatingLineWriter.parseSize(or(f.rotateSize, c.string("rotate_size"), "100M"));
        } catch (IllegalArgumentException e) {
            throw BoxtraceException.usage("--rotate-size: " + e.getMessage());
        }
        int keep = FlagRanges.between("--keep", or(f.keep, c.integer("keep"), 5), 0, Integer.MAX_VALUE);
        int series = FlagRanges.between("--exec-series", or(f.execSeries, c.integer("exec_series"),
                MetricsSink.DEFAULT_EXEC_SERIES), 1, Integer.MAX_VALUE);
        int queue = FlagRanges.between("--otlp-queue", or(f.otlpQueue, c.integer("otlp_queue"), 8192), 1, Integer.MAX_VALUE);
        SourceChoice source = f.sourceOptions.choice();
        if (!sourceFlagGiven && c.string("source") != null) {
            try {
                source = SourceChoice.valueOf(c.string("source"));
            } catch (IllegalArgumentException e) {
                throw BoxtraceException.usage("config: source must be auto, ebpf, netlink or procfs");
            }
        }
        String metrics = or(f.metrics, c.string("metrics"), null);
        if (metrics != null) {
            AgentCommand.metricsPort(metrics);
        }
        return new AgentSettings(metrics,
                or(f.kubernetesLabels, c.bool("kubernetes_labels"), false), series,
                or(f.otlpEndpoint, c.string("otlp_endpoint"), null), protocol, queue,
                outFile == null ? null : Path.of(outFile), rotate, keep,
                f.containers.isEmpty() ? c.list("container") : List.copyOf(f.containers), source);
    }

    private static <T> T or(T flag, T file, T dflt) {
        return flag != null ? flag : file != null ? file : dflt;
    }
}
