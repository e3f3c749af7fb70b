package io.boxtrace.source;

/**
 * What a source has seen so far.
 *
 * @param events       events delivered
 * @param lost         events the kernel dropped (counted, reported as lost events)
 * @param argvMissed   exec events whose argument vector could not be obtained
 * @param decodeErrors records that could not be decoded (skipped, counted)
 */
public record SourceStats(long events, long lost, long argvMissed, long decodeErrors) {
}
