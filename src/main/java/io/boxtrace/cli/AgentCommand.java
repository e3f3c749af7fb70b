package io.boxtrace.cli;

import io.boxtrace.analysis.build.BuildAttach;
import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.startup.ContainerStartup;
import io.boxtrace.analysis.startup.ContainerStartupWatch;
import io.boxtrace.pipeline.ContainerFilter;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.render.json.EventJson;
import io.boxtrace.sink.json.JsonLinesSink;
import io.boxtrace.sink.otlp.OtlpExport;
import io.boxtrace.sink.otlp.OtlpSink;
import io.boxtrace.sink.otlp.OtlpSpans;
import io.boxtrace.sink.prometheus.AgentMetrics;
import io.boxtrace.sink.prometheus.MetricsServer;
import io.boxtrace.sink.prometheus.MetricsSink;
import io.boxtrace.sink.rotating.RotatingLineOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code boxtrace agent}: traces the whole host unattended until SIGTERM/SIGINT and feeds fleet
 * systems: Prometheus metrics, OTLP logs and traces, rotated JSON-lines files. Only wiring here: the
 * outputs live in {@code sink.prometheus}, {@code sink.otlp}, {@code sink.rotating}.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Trace the whole host unattended until SIGTERM or SIGINT, then flush and exit 0: Prometheus "
                + "metrics (--metrics), OpenTelemetry logs and traces (--otlp-endpoint), rotated JSON-lines files "
                + "(--output). Settings may come from a YAML or TOML file (--config); flags override it."})
public final class AgentCommand implements java.util.concurrent.Callable<Integer> {

    static final String NAME = "boxtrace agent";

    @Mixin
    SourceMixin sourceOptions;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file (TOML when named *.toml) with the same settings (snake_case keys).")
    Path config;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT",
            description = "Serve /metrics, /healthz and /readyz here (e.g. 127.0.0.1:9464, :9464 for every address).")
    String metrics;

    @Option(names = "--kubernetes-labels", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Add namespace and pod labels to boxtrace_execs_total (more series; off by default).")
    Boolean kubernetesLabels;

    @Option(names = "--exec-series", paramLabel = "N",
            description = "Most label sets of boxtrace_execs_total before \"other\" (default "
                    + MetricsSink.DEFAULT_EXEC_SERIES + ").")
    Integer execSeries;

    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            description = "Send process events as OTLP logs and start-ups and builds as traces to this collector.")
    String otlpEndpoint;

    @Option(names = "--otlp-protocol", paramLabel = "PROTOCOL",
            description = "http/protobuf (default; a collector's port 4318) or grpc (port 4317).")
    String otlpProtocol;

    @Option(names = "--otlp-queue", paramLabel = "N",
            description = "Records held per signal while the collector is slow or down, then dropped and counted "
                    + "(default 8192).")
    Integer otlpQueue;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write JSON lines to FILE, rotated by size.")
    Path output;

    @Option(names = "--rotate-size", paramLabel = "SIZE", description = "Rotate FILE at this size (default 100M).")
    String rotateSize;

    @Option(names = "--keep", paramLabel = "N", description = "Rotated files kept: FILE.1 … FILE.N (default 5).")
    Integer keep;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME|ID-PREFIX",
            description = "Only events of this container (repeatable).")
    List<String> containers = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        AgentSettings s = AgentSettings.resolve(this, config == null ? AgentConfig.empty() : AgentConfig.load(config, spec.commandLine().getErr()),
                spec.commandLine().getParseResult()::hasMatchedOption);
        if (s.metrics() == null && s.otlpEndpoint() == null && s.output() == null) {
            throw BoxtraceException.usage("nothing to feed: give --metrics, --otlp-endpoint or --output (or a --config)");
        }
        sourceOptions.source = s.source();
        if (s.maxArgs() != null) {
            sourceOptions.maxArgs = s.maxArgs();
        }
        if (s.maxArgBytes() != null) {
            sourceOptions.maxArgBytes = s.maxArgBytes();
        }
        try (TraceSession session = TraceSession.open(NAME, sourceOptions, err);
             AgentOutputs outputs = new AgentOutputs()) {
            List<Consumer<ContainerStartup>> onStartup = new ArrayList<>();
            List<Consumer<BuildProfile>> onBuild = new ArrayList<>();
            if (s.metrics() != null) {
                AgentMetrics m = new AgentMetrics(s.kubernetesLabels());
                m.heals(() -> session.pipeline() == null ? 0 : session.pipeline().stats().heals());
                m.outputErrors(() -> session.pipeline() == null ? 0 : session.pipeline().stats().sinkErrors());
                MetricsSink sink = new MetricsSink(m, () -> session.components().table().stats().live(),
                        () -> session.components().containers().live(), s.execSeries());
                session.sink(sink);
                onStartup.add(sink::startup);
                onBuild.add(sink::build);
                outputs.metrics = m;
                outputs.server = startServer(m, s.metrics(), session, outputs);
            }
            if (s.otlpEndpoint() != null) {
                OtlpExport export = new OtlpExport(s.otlpEndpoint(),
                        OtlpExport.Protocol.of(s.otlpProtocol()).orElseThrow(), s.otlpQueue(),
                        OtlpExport.resource(VersionProvider.version(), hostName()));
                outputs.otlp = export;
                session.sink(new OtlpSink(export, session.clock()));
                OtlpSpans spans = new OtlpSpans(export, session.clock());
                onStartup.add(spans::startup);
                onBuild.add(spans::build);
                if (outputs.metrics != null) {
                    outputs.metrics.otlpDropped(export::dropped);
                }
            }
            session.warnOnFirstWriteError();
            if (s.output() != null) {
                session.output(s.output().toString(), () -> -1);
                RotatingLineOutput w = openRotating(s);
                session.sink(new JsonLinesSink(w, new EventJson(session.clock()), true));
            }
            if (!onStartup.isEmpty()) {
                session.sink(new ContainerStartupWatch(x -> onStartup.forEach(c -> c.accept(x))));
                session.sink(new BuildAttach(session.clock(), p -> onBuild.forEach(c -> c.accept(p))));
            }
            if (!s.containers().isEmpty()) {
                session.filter(new ContainerFilter(s.containers()));
            }
            return runUntilStopped(session, outputs, err);
        }
    }

    /** The node's name as Kubernetes' downward API gives it (NODE_NAME), else this host's name. */
    private static String hostName() {
        String node = System.getenv("NODE_NAME");
        if (node != null && !node.isBlank()) {
            return node;
        }
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The port of an ADDR:PORT metrics address; a usage error when it is not one (checked before anything starts). */
    static int metricsPort(String addr) {
        int colon = addr.lastIndexOf(':');
        if (colon < 0) {
            throw BoxtraceException.usage("--metrics wants ADDR:PORT (e.g. 127.0.0.1:9464 or :9464), not '" + addr + "'");
        }
        int port;
        try {
            port = Integer.parseInt(addr.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw BoxtraceException.usage("--metrics: '" + addr.substring(colon + 1) + "' is not a port");
        }
        return FlagRanges.between("--metrics port", port, 0, 65535); // 0: any free port
    }

    private static MetricsServer startServer(AgentMetrics m, String addr, TraceSession session, AgentOutputs outputs) {
        int colon = addr.lastIndexOf(':');
        String host = colon == 0 ? "0.0.0.0" : addr.substring(0, colon).replaceAll("^\\[|]$", "");
        int port = metricsPort(addr);
        try {
            return MetricsServer.start(m, host, port,
                    () -> session.pipeline() != null && !session.pipeline().ended(),
                    () -> outputs.ready && session.pipeline() != null && !session.pipeline().ended()
                            && session.pipeline().stats().sinkErrors() == 0); // an output that fails is not ready
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot serve metrics on " + addr + ": " + e.getMessage());
        }
    }

    private static RotatingLineOutput openRotating(AgentSettings s) {
        try {
            return new RotatingLineOutput(s.output(), s.rotateBytes(), s.keep());
        } catch (IOException e) {
            throw BoxtraceException.runtime("cannot write " + s.output() + ": " + TraceCommand.describe(e));
        }
    }

    /**
     * Runs until SIGTERM or SIGINT (the session's {@link Interruption}), then stops the source, drains,
     * flushes every output and returns 0, as service managers expect of a clean stop; 1 when the
     * source died on its own.
     */
    private int runUntilStopped(TraceSession session, AgentOutputs outputs, PrintWriter err) {
        session.start();
        outputs.ready = true;
        session.interruption().await(() -> session.pipeline().ended(), Long.MAX_VALUE);
        boolean sourceDied = !session.interruption().wasInterrupted();
        outputs.ready = false;
        PipelineStats stats = session.stop();
        outputs.close();
        session.reportSummary(stats);
        outputs.reportSummary(err);
        return sourceDied ? ExitCode.RUNTIME_ERROR.code() : ExitCode.OK.code();
    }
}
