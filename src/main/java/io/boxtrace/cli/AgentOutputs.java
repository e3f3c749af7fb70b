package io.boxtrace.cli;

import io.boxtrace.sink.otlp.OtlpExport;
import io.boxtrace.sink.prometheus.AgentMetrics;
import io.boxtrace.sink.prometheus.MetricsServer;
import java.io.PrintWriter;

/** What the agent serves or exports beside its sinks, closed once at the end. Owned by the command. */
final class AgentOutputs implements AutoCloseable {

    AgentMetrics metrics;
    MetricsServer server;
    OtlpExport otlp;
    volatile boolean ready;

    /** The outputs' own counters, one line on stderr, after the pipeline's summary. */
    void reportSummary(PrintWriter err) {
        if (otlp != null) {
            err.println(AgentCommand.NAME + ": " + otlp.summary());
            err.flush();
        }
    }

    /** Flushes the exporters (bounded wait), then stops serving metrics. Idempotent. */
    @Override
    public void close() {
        if (otlp != null && !otlpClosed) {
            otlpClosed = true;
            otlp.close();
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private boolean otlpClosed;
}
