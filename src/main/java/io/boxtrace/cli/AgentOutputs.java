package io.boxtrace.cli;

import io.boxtrace.sink.prometheus.AgentMetrics;
import io.boxtrace.sink.prometheus.MetricsServer;
import java.io.PrintWriter;

/** What the agent serves or exports beside its sinks, closed once at the end. Owned by the command. */
final class AgentOutputs implements AutoCloseable {

    AgentMetrics metrics;
    MetricsServer server;
    volatile boolean ready;

    /** The outputs' own counters, one line on stderr, after the pipeline's summary. */
    void reportSummary(PrintWriter err) {
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
