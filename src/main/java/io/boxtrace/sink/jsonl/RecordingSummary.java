package io.boxtrace.sink.jsonl;

import com.fasterxml.jackson.databind.JsonNode;
import io.boxtrace.pipeline.PipelineStats;

/**
 * The last line of a complete recording: the run's counters and when it ended. A recording cut
 * off by a crash has none; readers then take the last event's time as the end.
 *
 * <p>Immutable.
 */
public record RecordingSummary(PipelineStats stats, long endMonoNs) {

    String toJson() {
        return "{\"type\":\"summary\",\"events\":" + stats.events() + ",\"lost\":" + stats.lost()
                + ",\"argv_missed\":" + stats.argvMissed() + ",\"heals\":" + stats.heals()
                + ",\"sink_errors\":" + stats.sinkErrors() + ",\"enrich_errors\":" + stats.enrichErrors()
                + ",\"end_mono_ns\":" + endMonoNs + "}";
    }

    static RecordingSummary fromJson(JsonNode n) {
        return new RecordingSummary(new PipelineStats(n.path("events").asLong(), n.path("lost").asLong(),
                n.path("argv_missed").asLong(), n.path("sink_errors").asLong(), n.path("enrich_errors").asLong(),
                n.path("heals").asLong()), n.path("end_mono_ns").asLong());
    }
}
