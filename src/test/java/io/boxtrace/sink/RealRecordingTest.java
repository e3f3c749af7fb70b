package io.boxtrace.sink;

import io.boxtrace.pipeline.Sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.source.recording.RecordingReader;
import io.boxtrace.sink.jsonl.RecordingWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording captured from the real kernel by RecordingIT ({@code boxtrace record -- sh -c '/bin/echo
 * TAG; (sleep 0.2; /bin/true TAG) & /bin/ls /proc/self; wait; exit 3'}, eBPF source): rewritten
 * losslessly, and converted with the wall times its header's clock offsets give.
 */
class RealRecordingTest {

    static final Path REAL = Path.of("src/test/resources/recordings/real-command.jsonl");

    @TempDir
    Path dir;

    static List<TracedEvent> events(Path p) throws IOException {
        List<TracedEvent> out = new ArrayList<>();
        try (RecordingReader r = RecordingReader.open(p)) {
            TracedEvent e;
            while ((e = r.next()) != null) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void rewritingTheRealRecordingIsLosslessAndStable() throws IOException {
        RecordingHeader header;
        try (RecordingReader r = RecordingReader.open(REAL)) {
            header = r.header();
        }
        List<TracedEvent> events = events(REAL);
        assertThat(events).hasSize(23);
        assertThat(events).filteredOn(t -> t.event() instanceof ExecEvent x && x.failed()).isNotEmpty();
        // The fixture repeats every process record in full; rewriting it uses references (RefCache).
        Path copy = rewrite(header, events, dir.resolve("copy.jsonl"));
        assertThat(events(copy)).isEqualTo(events);
        assertThat(Files.size(copy)).isLessThan(Files.size(REAL) * 2 / 3);
        Path again = rewrite(header, events(copy), dir.resolve("again.jsonl"));
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(copy));
    }

    private static Path rewrite(RecordingHeader header, List<TracedEvent> events, Path out) throws IOException {
        try (RecordingWriter w = RecordingWriter.create(out, header, () -> 0L)) {
            w.begin();
            for (TracedEvent e : events) {
                w.accept(e);
            }
        }
        return out;
    }

    @Test
    void convertsToATimelineWithTheCommandsAndTheirExitCodes() throws IOException {
        Path json = dir.resolve("real.json");
        try (RecordingReader r = RecordingReader.open(REAL);
             Sink sink = Formats.forPath(json, r.header(), () -> r.summary().endMonoNs())) {
            sink.begin();
            TracedEvent e;
            while ((e = r.next()) != null) {
                sink.accept(e);
            }
            sink.end(PipelineStats.of(r.summary()));
        }
        Golden.compare(json, "real-command.json");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        Map<String, JsonNode> slices = new HashMap<>();
        root.get("traceEvents").forEach(ev -> {
            if (ev.get("ph").asText().equals("X")) {
                slices.put(ev.get("name").asText(), ev);
            }
        });
        assertThat(slices.get("/bin/echo bt-rec-61a68a74").get("args").get("exit_code").asInt()).isZero();
        assertThat(slices.get("sleep 0.2").get("dur").asDouble()).isBetween(200_000.0, 260_000.0);
        assertThat(slices.entrySet()).anySatisfy(en -> {
            assertThat(en.getKey()).startsWith("sh -c /bin/echo");
            assertThat(en.getValue().get("args").get("exit_code").asInt()).isEqualTo(3);
        });
        assertThat(root.get("otherData").get("recording_start").asText()).startsWith("2026-11-23T02:55:43.");
    }
}
