package io.boxtrace.sink.jsonl;

import io.boxtrace.source.recording.RecordingReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.sink.SampleStreams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingRoundTripTest {

    @TempDir
    Path dir;

    static Path write(Path file, List<TracedEvent> events, boolean withSummary) throws IOException {
        try (RecordingWriter w = RecordingWriter.create(file, SampleStreams.header(), () -> SampleStreams.T0 + 2_000_000_000L)) {
            w.begin();
            for (TracedEvent e : events) {
                w.accept(e);
            }
            if (withSummary) {
                w.end(new PipelineStats(events.size(), 3, 0, 0, 0, 1));
            }
        }
        return file;
    }

    static List<TracedEvent> readAll(RecordingReader r) throws IOException {
        List<TracedEvent> out = new ArrayList<>();
        TracedEvent e;
        while ((e = r.next()) != null) {
            out.add(e);
        }
        return out;
    }

    @Test
    void everyEventComesBackEqual() throws IOException {
        List<TracedEvent> events = SampleStreams.containerSession();
        for (String name : List.of("rec.jsonl", "rec.jsonl.gz")) {
            Path f = write(dir.resolve(name), events, true);
            try (RecordingReader r = RecordingReader.open(f)) {
                assertThat(r.header()).isEqualTo(SampleStreams.header());
                List<TracedEvent> back = readAll(r);
                for (int i = 0; i < events.size(); i++) {
                    assertThat(back.get(i)).as("event %d of %s", i, name).isEqualTo(events.get(i));
                }
                assertThat(back).hasSize(events.size());
                assertThat(r.summary().lost()).isEqualTo(3);
                assertThat(r.summary().endMonoNs()).isEqualTo(SampleStreams.T0 + 2_000_000_000L);
                assertThat(r.warning()).isNull();
            }
        }
    }

    @Test
    void linesAreTraceJsonObjectsPlusRec() throws IOException {
        Path f = write(dir.resolve("rec.jsonl"), SampleStreams.containerSession(), true);
        List<String> lines = Files.readAllLines(f);
        assertThat(lines.getFirst()).startsWith("{\"type\":\"boxtrace_recording\",\"version\":1");
        assertThat(lines.get(5)).startsWith("{\"type\":\"fork\",\"time\":\"2026-").contains("\"rec\":{\"task\":");
        assertThat(lines.getLast()).startsWith("{\"type\":\"summary\"");
    }

    @Test
    void truncatedPlainRecordingYieldsEventsBeforeTheCut() throws IOException {
        List<TracedEvent> events = SampleStreams.containerSession();
        byte[] all = Files.readAllBytes(write(dir.resolve("full.jsonl"), events, true));
        Path cut = dir.resolve("cut.jsonl");
        Files.write(cut, Arrays.copyOf(all, all.length * 2 / 3));
        try (RecordingReader r = RecordingReader.open(cut)) {
            List<TracedEvent> back = readAll(r);
            assertThat(back).isNotEmpty().isEqualTo(events.subList(0, back.size()));
            assertThat(r.summary()).isNull();
            assertThat(r.warning()).startsWith(cut + ":" + (back.size() + 2) + ": the last line is incomplete")
                    .endsWith("using the " + back.size() + " events before it");
        }
    }

    @Test
    void truncatedGzipRecordingYieldsEventsUpToTheLastFlush() throws IOException {
        List<TracedEvent> events = SampleStreams.containerSession();
        Path gz = dir.resolve("rec.jsonl.gz");
        try (RecordingWriter w = RecordingWriter.create(gz, SampleStreams.header(), () -> 0L)) {
            w.begin();
            for (int i = 0; i < 30; i++) {
                w.accept(events.get(i));
            }
            w.flush();
            long flushed = Files.size(gz);
            for (int i = 30; i < events.size(); i++) {
                w.accept(events.get(i));
            }
            // Copy what a SIGKILL right now would leave: the bytes up to the last flush.
            Path cut = dir.resolve("cut.jsonl.gz");
            Files.write(cut, Arrays.copyOf(Files.readAllBytes(gz), (int) flushed));
            try (RecordingReader r = RecordingReader.open(cut)) {
                assertThat(readAll(r)).isEqualTo(events.subList(0, 30));
                assertThat(r.warning()).startsWith(cut + ": the compressed data stops at byte " + flushed);
            }
        }
    }

    @Test
    void foreignAndCorruptFilesGiveOneLineErrorsNamingFileAndLine() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        assertThatThrownBy(() -> RecordingReader.open(empty)).hasMessage(empty + ": empty file, not a boxtrace recording");
        Path chrome = Files.writeString(dir.resolve("t.json"), "{\"traceEvents\":[]}\n");
        assertThatThrownBy(() -> RecordingReader.open(chrome)).hasMessageStartingWith(chrome + ":1: not a boxtrace recording");
        Path png = dir.resolve("x.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        assertThatThrownBy(() -> RecordingReader.open(png)).hasMessageStartingWith(png + ":1: not a boxtrace recording");
        Path badGz = dir.resolve("bad.jsonl.gz");
        Files.write(badGz, new byte[] {0x1f, (byte) 0x8b, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
        assertThatThrownBy(() -> RecordingReader.open(badGz)).hasMessageStartingWith(badGz + ": ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> RecordingReader.open(dir.resolve("missing.jsonl"))).hasMessageEndingWith("no such file");

        List<String> lines = new ArrayList<>(Files.readAllLines(write(dir.resolve("ok.jsonl"), SampleStreams.containerSession(), true)));
        lines.set(6, lines.get(6).substring(0, 40) + "garbage");
        Path corrupt = Files.write(dir.resolve("corrupt.jsonl"), lines, StandardCharsets.UTF_8);
        try (RecordingReader r = RecordingReader.open(corrupt)) {
            for (int i = 0; i < 5; i++) {
                assertThat(r.next()).isNotNull();
            }
            assertThatThrownBy(r::next).hasMessageStartingWith(corrupt + ":7: not JSON").hasMessageNotContaining("\n");
        }
    }

    @Test
    void unchangedProcessesAreReferencedAndADanglingReferenceIsAnError() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(write(dir.resolve("ok.jsonl"), SampleStreams.containerSession(), true)));
        assertThat(lines).anyMatch(l -> l.contains("\"parent\":[1000,"));
        // drop every line that wrote sh (pid 1000) in full: the first reference to it cannot resolve
        lines.removeIf(l -> l.contains("\"process\":{\"pid\":1000,") || l.contains("\"parent\":{\"pid\":1000,"));
        int first = 0;
        while (!lines.get(first).contains("[1000,")) {
            first++;
        }
        Path spliced = Files.write(dir.resolve("spliced.jsonl"), lines, StandardCharsets.UTF_8);
        try (RecordingReader r = RecordingReader.open(spliced)) {
            assertThatThrownBy(() -> readAll(r)).hasMessageStartingWith(spliced + ":" + (first + 1)
                    + ": cannot rebuild the event: reference to process 1000@").hasMessageNotContaining("\n");
        }
    }
}
