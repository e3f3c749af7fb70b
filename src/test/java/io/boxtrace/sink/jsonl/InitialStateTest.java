package io.boxtrace.sink.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.sink.SampleStreams;
import io.boxtrace.source.recording.RecordingReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processes alive when recording began: written after the header, read back first, told apart from events. */
class InitialStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static final ContainerInfo SVC = new ContainerInfo("a2202551".repeat(8), "svc", "busybox", "docker",
            Map.of(), null, "/system.slice/docker-" + "a2202551".repeat(8) + ".scope");

    private static ProcessInfo proc(int pid, int ppid, String comm, List<String> args, List<Integer> nsPids) {
        return new ProcessInfo(new ProcessKey(pid, SampleStreams.T0 - 60_000_000_000L + pid), ppid, 0, comm, "/bin/" + comm,
                args, "/", "/c", 7, nsPids, Map.of("pid", 4026532201L), 0, Task.UNKNOWN, 0, false);
    }

    /** As the pipeline hands them over: snapshot events stamped when /proc was read, a little after the start. */
    private static List<TracedEvent> alive() {
        long scanned = SampleStreams.T0 + 40_000_000L;
        ProcessInfo shim = proc(900, 1, "containerd-shim", List.of("containerd-shim-runc-v2"), List.of(900));
        ProcessInfo sh = proc(1000, 900, "sh", List.of("sh", "-c", "while true; do sleep 1; done"), List.of(1000, 1));
        ProcessInfo sleep = proc(1001, 1000, "sleep", List.of("sleep", "1"), List.of(1001, 7));
        return List.of(new TracedEvent(new SnapshotEvent(scanned, shim), shim, null, null),
                new TracedEvent(new SnapshotEvent(scanned, sh), sh, shim, SVC),
                new TracedEvent(new SnapshotEvent(scanned, sleep), sleep, sh, SVC));
    }

    private Path write(List<TracedEvent> initial, List<TracedEvent> events) throws IOException {
        Path f = dir.resolve("rec.jsonl");
        try (RecordingWriter w = RecordingWriter.create(f, SampleStreams.header(), () -> SampleStreams.T0 + 2_000_000_000L)) {
            w.initialState(initial);
            w.begin();
            for (TracedEvent e : events) {
                w.accept(e);
            }
            w.end(new PipelineStats(events.size(), 0, 0, 0, 0, 0));
        }
        return f;
    }

    @Test
    void theInitialStateFollowsTheHeaderAndIsReadBackFirstAtTheStart() throws IOException {
        ProcessInfo sleep = alive().get(2).process();
        TracedEvent exit = new TracedEvent(new ExitEvent(SampleStreams.T0 + 500_000_000L,
                new Task(1001, 1001, 1000, 0, "sleep", 7, 4026532201L, 7), 0, 0, false), sleep, null, SVC);
        Path f = write(alive(), List.of(exit));

        List<String> lines = Files.readAllLines(f);
        assertThat(lines).hasSize(6);
        JsonNode header = JSON.readTree(lines.get(0));
        assertThat(header.get("initial_state").asBoolean()).isTrue();
        for (String l : lines.subList(1, 4)) {
            JsonNode n = JSON.readTree(l);
            assertThat(n.get("type").asText()).isEqualTo("snapshot");
            assertThat(n.get("initial").asBoolean()).isTrue();
            assertThat(n.get("mono_ns").asLong()).isEqualTo(SampleStreams.T0);
        }
        assertThat(JSON.readTree(lines.get(2)).get("container").get("name").asText()).isEqualTo("svc");
        assertThat(JSON.readTree(lines.get(4)).has("initial")).isFalse();
        assertThat(JSON.readTree(lines.get(5)).get("events").asInt()).isEqualTo(1);

        try (RecordingReader r = RecordingReader.open(f)) {
            assertThat(r.header().initialState()).isTrue();
            List<TracedEvent> back = RecordingRoundTripTest.readAll(r);
            assertThat(back).hasSize(4);
            for (int i = 0; i < 3; i++) {
                TracedEvent t = back.get(i);
                assertThat(t.event()).isInstanceOfSatisfying(SnapshotEvent.class, s -> {
                    assertThat(s.timeNs()).isEqualTo(SampleStreams.T0);
                });
                assertThat(((SnapshotEvent) t.event()).process()).isEqualTo(alive().get(i).process());
                assertThat(t.container()).isEqualTo(alive().get(i).container());
            }
            assertThat(back.get(3)).isEqualTo(exit);
            assertThat(r.initialCount()).isEqualTo(3);
            assertThat(r.eventCount()).isEqualTo(r.summary().events()).isEqualTo(1);
        }
    }

    @Test
    void aRecordingWithNothingMatchingAtTheStartStillSaysItsInitialStateWasWritten() throws IOException {
        Path f = write(List.of(), List.of());
        try (RecordingReader r = RecordingReader.open(f)) {
            assertThat(r.header().initialState()).isTrue();
            assertThat(r.next()).isNull();
            assertThat(r.initialCount()).isZero();
        }
    }

    @Test
    void anOlderRecordingWithoutInitialStateIsStillRead() throws IOException {
        Path f = dir.resolve("old.jsonl");
        // as boxtrace wrote recordings before the initial state: no initial_state, no initial lines
        try (RecordingWriter w = RecordingWriter.create(f, SampleStreams.header(), () -> SampleStreams.T0)) {
            w.begin();
            w.end(new PipelineStats(0, 0, 0, 0, 0, 0));
        }
        assertThat(Files.readAllLines(f).getFirst()).doesNotContain("initial_state");
        try (RecordingReader r = RecordingReader.open(f)) {
            assertThat(r.header()).isEqualTo(SampleStreams.header());
            assertThat(r.header().initialState()).isFalse();
            assertThat(r.next()).isNull();
        }
        RecordingHeader parsed = RecordingHeader.fromJson(JSON.readTree(
                "{\"type\":\"boxtrace_recording\",\"version\":1,\"clock\":{\"wall_minus_mono_ns\":5,\"boot_minus_mono_ns\":0},"
                        + "\"start_mono_ns\":9,\"containers\":[]}"));
        assertThat(parsed.initialState()).isFalse();
        assertThat(parsed.startMonoNs()).isEqualTo(9);
    }
}
