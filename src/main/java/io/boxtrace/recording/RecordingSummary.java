package io.boxtrace.recording;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The last line of a complete recording: the run's counters and when it ended. A recording cut
 * off by a crash has none; readers then take the last event's time as the end.
 *
 * <p>Immutable.
 *
 * @param events       events the pipeline received
 * @param lost         events the kernel dropped
 * @param argvMissed   execs whose argv could not be read
 * @param sinkErrors   exceptions thrown by outputs
 * @param enrichErrors exceptions thrown by enrichers
 * @param heals        times the process table was healed from /proc
 * @param endMonoNs    when the recording ended, CLOCK_MONOTONIC
 */
public record RecordingSummary(long events, long lost, long argvMissed, long sinkErrors, long enrichErrors,
                               long heals, long endMonoNs) {

    public String toJson() {
        return "{\"type\":\"summary\",\"events\":" + events + ",\"lost\":" + lost
                + ",\"argv_missed\":" + argvMissed + ",\"heals\":" + heals
                + ",\"sink_errors\":" + sinkErrors + ",\"enrich_errors\":" + enrichErrors
                + ",\"end_mono_ns\":" + endMonoNs + "}";
    }

    public static RecordingSummary fromJson(JsonNode n) {
        return new RecordingSummary(JsonFields.l(n, "events", 0), JsonFields.l(n, "lost", 0), JsonFields.l(n, "argv_missed", 0),
                JsonFields.l(n, "sink_errors", 0), JsonFields.l(n, "enrich_errors", 0), JsonFields.l(n, "heals", 0),
                JsonFields.l(n, "end_mono_ns", 0));
    }
}
