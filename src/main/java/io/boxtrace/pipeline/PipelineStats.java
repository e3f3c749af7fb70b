package io.boxtrace.pipeline;

/**
 * Final or running counters of a tracing run, reported at the end of every command.
 *
 * @param events        events received from the source
 * @param lost          events the kernel dropped
 * @param argvMissed    execs whose argv could not be read
 * @param sinkErrors    exceptions thrown by sinks (each event skipped for that sink only)
 * @param enrichErrors  exceptions thrown by enrichers (event went on without the field)
 * @param heals         times the process table was healed from /proc after a loss
 */
public record PipelineStats(long events, long lost, long argvMissed, long sinkErrors, long enrichErrors, long heals) {
}
