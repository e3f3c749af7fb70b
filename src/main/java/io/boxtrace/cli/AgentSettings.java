package io.boxtrace.cli;

import io.boxtrace.cli.SourceMixin.SourceChoice;
import io.boxtrace.sink.prometheus.MetricsSink;
import io.boxtrace.sink.rotating.RotatingLineOutput;
import java.nio.file.Path;
import java.util.List;

/** The agent's effective settings: a flag when given, else the config file's value, else the default. */
record AgentSettings(String metrics, boolean kubernetesLabels, int execSeries, String otlpEndpoint,
                     String otlpProtocol, int otlpQueue, Path output, long rotateBytes, int keep,
                     List<String> containers, SourceChoice source, Integer maxArgs, Integer maxArgBytes) {

    /**
     * @param flagGiven whether an option was given on the command line (for the options whose flag
     *                  has a default value of its own, which cannot tell "not given" by null)
     * @return maxArgs and maxArgBytes are the file's, null when the flag was given or neither was
     */
    static AgentSettings resolve(AgentCommand f, AgentConfig c, java.util.function.Predicate<String> flagGiven) {
        String protocol = or(f.otlpProtocol, c.string("otlp_protocol"), "http/protobuf");
        if (!protocol.equals("http/protobuf") && !protocol.equals("grpc")) {
            throw BoxtraceException.usage("--otlp-protocol must be http/protobuf or grpc, not '" + protocol + "'");
        }
        String outFile = f.output != null ? f.output.toString() : c.string("output");
        long rotate;
        try {
            rotate = RotatingLineOutput.parseSize(or(f.rotateSize, c.string("rotate_size"), "100M"));
        } catch (IllegalArgumentException e) {
            throw BoxtraceException.usage("--rotate-size: " + e.getMessage());
        }
        int keep = FlagRanges.between("--keep", or(f.keep, c.integer("keep"), 5), 0, Integer.MAX_VALUE);
        int series = FlagRanges.between("--exec-series", or(f.execSeries, c.integer("exec_series"),
                MetricsSink.DEFAULT_EXEC_SERIES), 1, Integer.MAX_VALUE);
        int queue = FlagRanges.between("--otlp-queue", or(f.otlpQueue, c.integer("otlp_queue"), 8192), 1, Integer.MAX_VALUE);
        SourceChoice source = f.sourceOptions.choice();
        if (!flagGiven.test("--source") && c.string("source") != null) {
            try {
                source = SourceChoice.valueOf(c.string("source"));
            } catch (IllegalArgumentException e) {
                throw BoxtraceException.usage("config: source must be one of "
                        + java.util.Arrays.stream(SourceChoice.values()).map(Enum::name)
                                .collect(java.util.stream.Collectors.joining(", ")));
            }
        }
        String metrics = or(f.metrics, c.string("metrics"), null);
        if (metrics != null) {
            AgentCommand.metricsPort(metrics);
        }
        return new AgentSettings(metrics,
                or(f.kubernetesLabels, c.bool("kubernetes_labels"), false), series,
                checkEndpoint(or(f.otlpEndpoint, c.string("otlp_endpoint"), null)), protocol, queue,
                outFile == null ? null : Path.of(outFile), rotate, keep,
                f.containers.isEmpty() ? c.list("container") : List.copyOf(f.containers), source,
                argvLimit(c, "max_args", flagGiven.test("--max-args")),
                argvLimit(c, "max_arg_bytes", flagGiven.test("--max-arg-bytes")));
    }

    private static Integer argvLimit(AgentConfig c, String key, boolean flagGiven) {
        Integer n = flagGiven ? null : c.integer(key);
        if (n != null && (n < 1 || n > SourceMixin.MAX_ARG_LIMIT)) {
            throw BoxtraceException.usage("config: " + key + " must be between 1 and " + SourceMixin.MAX_ARG_LIMIT
                    + ", not " + n);
        }
        return n;
    }

    /** A collector URL the exporters accept (they would fail later with an internal error otherwise). */
    private static String checkEndpoint(String url) {
        if (url == null) {
            return null;
        }
        try {
            java.net.URI u = new java.net.URI(url);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return url;
            }
        } catch (java.net.URISyntaxException e) {
            // below
        }
        throw BoxtraceException.usage("--otlp-endpoint must be an http:// or https:// URL such as "
                + "http://127.0.0.1:4318, not '" + url + "'");
    }

    private static <T> T or(T flag, T file, T dflt) {
        return flag != null ? flag : file != null ? file : dflt;
    }
}
