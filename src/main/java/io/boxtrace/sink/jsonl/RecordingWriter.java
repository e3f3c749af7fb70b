package io.boxtrace.sink.jsonl;

import io.boxtrace.recording.RecordCodec;
import io.boxtrace.recording.RecordingSummary;

import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.recording.RefCache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.event.CommEvent;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.IdChangeEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.render.json.EventJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a {@code .jsonl} / {@code .jsonl.gz} recording: a header line, then one line per event
 * (the {@code trace --json} object plus a {@code "rec"} object that makes it lossless), then a
 * summary line. Between the header and the first event, the processes alive at the start (see
 * {@link #initialState}). Lines reach the file at every {@link #flush} (the pipeline calls it whenever it is
 * idle) and at least once a second under load, so a recording cut off by SIGKILL or a crash is
 * readable up to its last flush. Gzip output uses SYNC_FLUSH for the same reason: every flush ends
 * a deflate block on a byte boundary, so a truncated file decompresses up to it.
 *
 * <p>Not thread-safe: the pipeline thread owns it, as every {@link Sink}.
 */
public final class RecordingWriter implements Sink {

    static final long FLUSH_INTERVAL_NS = 1_000_000_000L;

    private final Writer out;
    private RecordingHeader header;
    private List<TracedEvent> initial = List.of();
    private final EventJson json;
    private final LongSupplier monoNow;
    private long lastFlushNs;

    public RecordingWriter(OutputStream stream, boolean gzip, RecordingHeader header, LongSupplier monoNow)
            throws IOException {
        OutputStream s = gzip ? new GZIPOutputStream(stream, 1 << 16, true) : stream;
        this.out = new BufferedWriter(new OutputStreamWriter(s, StandardCharsets.UTF_8), 1 << 16);
        this.header = header;
        this.json = new EventJson(header.clock());
        this.monoNow = monoNow;
        this.lastFlushNs = System.nanoTime();
    }

    /** Creates (or truncates) path; gzip when its name ends in {@code .gz}. */
    public static RecordingWriter create(Path path, RecordingHeader header, LongSupplier monoNow) throws IOException {
        io.boxtrace.sink.file.CountedOutput file = io.boxtrace.sink.file.OutputFiles.create(path);
        RecordingWriter w = new RecordingWriter(file, path.getFileName().toString().endsWith(".gz"), header, monoNow);
        w.written = file::written;
        return w;
    }

    /** Bytes of the file written so far (for the message when a write fails), or -1 when unknown. */
    public long bytesWritten() {
        return written.getAsLong();
    }

    private LongSupplier written = () -> -1;

    /**
     * Keeps what was alive at the start for {@link #begin}, which writes it right after the header as
     * snapshot lines marked {@code "initial":true} and stamped with the recording's start, so that
     * a replay at any time of the recording starts from the processes and containers that were there.
     */
    @Override
    public void initialState(List<TracedEvent> alive) {
        initial = List.copyOf(alive);
        header = header.withInitialState();
    }

    @Override
    public void begin() throws IOException {
        out.write(header.toJson().toString());
        out.write('\n');
        for (TracedEvent t : initial) {
            if (t.event() instanceof SnapshotEvent s) {
                write(new TracedEvent(new SnapshotEvent(header.startMonoNs(), s.process()), t.process(), t.parent(),
                        t.container()), true);
            }
        }
        initial = List.of();
        flush();
    }

    @Override
    public void accept(TracedEvent t) throws IOException {
        write(t, false);
        if (System.nanoTime() - lastFlushNs > FLUSH_INTERVAL_NS) {
            flush();
        }
    }

    private void write(TracedEvent t, boolean initialLine) throws IOException {
        String line = json.toJson(t);
        // Splice "rec" in before the closing brace: the line stays the trace --json object.
        out.write(line, 0, line.length() - 1);
        if (initialLine) {
            out.write(",\"initial\":true");
        }
        out.write(",\"rec\":");
        out.write(rec(t).toString());
        out.write("}\n");
    }

    private final RefCache<ProcessKey, ProcessInfo> processes = new RefCache<>();
    private final RefCache<String, ContainerInfo> containers = new RefCache<>();

    /** What the public fields leave out; see docs/json-events.md, "Recording lines". */
    ObjectNode rec(TracedEvent t) {
        ObjectNode rec = JsonNodeFactory.instance.objectNode();
        Task task = switch (t.event()) {
            case ForkEvent f -> f.parent();
            case ExecEvent x -> x.task();
            case ExitEvent x -> x.task();
            case CommEvent c -> c.task();
            case IdChangeEvent i -> i.task();
            case NamespaceEvent n -> n.task();
            case SnapshotEvent s -> null;
            case LostEvent l -> null;
            case ContainerEvent c -> null;
        };
        if (task != null) {
            rec.set("task", RecordCodec.task(task));
        }
        if (t.event() instanceof ExitEvent x && x.killedBySignal() && x.exitCode() != Task.UNKNOWN) {
            rec.put("exit_code", x.exitCode());
        }
        if (t.event() instanceof SnapshotEvent s && !s.process().equals(t.process())) {
            rec.set("snapshot", RecordCodec.process(s.process()));
        }
        if (t.event() instanceof ContainerEvent c) {
            rec.set("event_container", container(c.container()));
        }
        if (t.process() != null) {
            rec.set("process", process(t.process()));
        }
        if (t.parent() != null) {
            rec.set("parent", process(t.parent()));
        }
        if (t.container() != null) {
            rec.set("container", container(t.container()));
        }
        return rec;
    }

    /** In full, or {@code [pid, start_ns]} when unchanged since last written. Reader: EventDecoder, same order. */
    private JsonNode process(ProcessInfo p) {
        if (processes.sameAsWritten(p.key(), p)) {
            return JsonNodeFactory.instance.arrayNode().add(p.pid()).add(p.startNs());
        }
        return RecordCodec.process(p);
    }

    /** In full, or its id as a string when unchanged since last written. */
    private JsonNode container(ContainerInfo c) {
        if (containers.sameAsWritten(c.id(), c)) {
            return JsonNodeFactory.instance.textNode(c.id());
        }
        return RecordCodec.container(c);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
        lastFlushNs = System.nanoTime();
    }

    @Override
    public void end(PipelineStats stats) throws IOException {
        out.write(stats.toSummary(monoNow.getAsLong()).toJson());
        out.write('\n');
        flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
