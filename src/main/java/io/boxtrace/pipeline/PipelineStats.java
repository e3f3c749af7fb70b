package io.boxtrace.pipeline;

import io.boxtrace.recording.RecordingSummary;

/**
 * Final or running counters of a tracing run, reported at the end of every command.
 *
 * @param events        events delivered to the sinks (past the filter): as many as an output holds
 * @param lost          events the kernel dropped
 * @param argvMissed    execs whose argv could not be read
 * @param sinkErrors    exceptions thrown by sinks (each event skipped for that sink only)
 * @param enrichErrors  exceptions thrown by enrichers (event went on without the field)
 * @param heals         times the process table was healed from /proc after a loss
 */
public record PipelineStats(long events, long lost, long argvMissed, long sinkErrors, long enrichErrors, long heals) {

    /** The counters a recording's summary line holds. */
    public static PipelineStats of(RecordingSummary s) {
        return new PipelineStats(s.events(), s.lost(), s.argvMissed(), s.sinkErrors(), s.enrichErrors(), s.heals());
    }

    /** These counters as a recording's summary line, ending at endMonoNs. */
    public RecordingSummary toSummary(long endMonoNs) {
        return new RecordingSummary(events, lost, argvMissed, sinkErrors, enrichErrors, heals, endMonoNs);
    }
}
