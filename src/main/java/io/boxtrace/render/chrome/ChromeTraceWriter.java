package io.boxtrace.render.chrome;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.boxtrace.analysis.timeline.Span;
import io.boxtrace.analysis.timeline.Timeline;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.render.json.Signals;
import io.boxtrace.render.json.TimeFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one writer of the Chrome Trace Event Format (JSON object form) for Perfetto UI and
 * chrome://tracing, for every {@link Timeline}: a recording ({@code trace}/{@code record}/{@code report}),
 * a build profile ({@code build --trace}) and a container start ({@code run --trace}). Each track
 * (host, container, build step, start-up phases) is a trace "process" named after it; each row of
 * the timeline is a "thread"; each process is a complete ({@code "X"}) slice over its lifetime with
 * its argv, pids and exit status in {@code args} (a slice that is no process, such as a build step,
 * carries its own details); execs, failed execs, namespace operations, renames and id changes are
 * thread instants; forks whose child is not drawn directly under its parent are flow arrows
 * ({@code "s"}/{@code "f"}); lost events are global instants. Timestamps are microseconds since the
 * timeline's start (with nanosecond decimals); for a recording, the wall time of that start is in
 * {@code otherData}. Written as a stream with Jackson's generator. Stateless.
 */
public final class ChromeTraceWriter {

    private static final JsonFactory JSON = new JsonFactory();

    private ChromeTraceWriter() {
    }

    /** Writes the whole trace to out (left open). */
    public static void write(Timeline tl, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeArrayFieldStart("traceEvents");
            Map<Long, Integer> tids = new HashMap<>();
            int next = 1;
            for (Timeline.Track t : tl.tracks()) {
                int pid = t.index() + 1;
                metadata(g, "process_name", pid, 0, "name", t.title());
                metadata(g, "process_sort_index", pid, 0, "sort_index", t.sortIndex());
                for (int lane = 0; lane < tl.lanesPerTrack()[t.index()]; lane++) {
                    tids.put(((long) t.index() << 32) | lane, next);
                    metadata(g, "thread_name", pid, next, "name", "row " + (lane + 1));
                    metadata(g, "thread_sort_index", pid, next, "sort_index", lane);
                    next++;
                }
            }
            long flowId = 1;
            for (Span s : tl.spans()) {
                int pid = s.track + 1;
                int tid = tids.get(((long) s.track << 32) | s.lane);
                slice(g, tl, s, pid, tid);
                for (Span.Mark m : s.marks) {
                    instant(g, tl, m.timeNs(), m.name(), m.kind(), "t", pid, tid, m.detail());
                }
                Span parent = s.parent;
                if (parent != null && !s.nestedUnderParent && s.realStartNs >= tl.startNs()) {
                    int ppid = parent.track + 1;
                    int ptid = tids.get(((long) parent.track << 32) | parent.lane);
                    flow(g, "s", flowId, ts(tl, s.startNs), ppid, ptid);
                    flow(g, "f", flowId, ts(tl, s.startNs), pid, tid);
                    flowId++;
                }
            }
            for (Timeline.Global gl : tl.globals()) {
                if (gl.container() == null) {
                    instant(g, tl, gl.timeNs(), gl.name(), gl.kind(), "g", 0, 0, gl.detail());
                } else {
                    int track = trackOf(tl, gl.container());
                    instant(g, tl, gl.timeNs(), gl.name(), gl.kind(), "p", track + 1, 0, gl.detail());
                }
            }
            g.writeEndArray();
            g.writeStringField("displayTimeUnit", "ms");
            if (tl.header() != null) {
                otherData(g, tl);
            }
            g.writeEndObject();
        }
    }

    private static void slice(JsonGenerator g, Timeline tl, Span s, int pid, int tid) throws IOException {
        long end = s.endNs(tl.endNs());
        g.writeStartObject();
        g.writeStringField("ph", "X");
        g.writeStringField("cat", s.category);
        g.writeStringField("name", s.label());
        g.writeFieldName("ts");
        g.writeRawValue(ts(tl, s.startNs));
        g.writeFieldName("dur");
        g.writeRawValue(micros(end - s.startNs));
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        if (s.isProcess()) {
            processArgs(g, tl, s);
        } else {
            for (String[] kv : s.detail) {
                g.writeStringField(kv[0], kv[1]);
            }
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void processArgs(JsonGenerator g, Timeline tl, Span s) throws IOException {
        g.writeNumberField("pid", s.pid());
        g.writeNumberField("ppid", s.ppid);
        if (s.nsPid != 0) {
            g.writeNumberField("nspid", s.nsPid);
        }
        if (s.comm != null) {
            g.writeStringField("comm", s.comm);
        }
        if (s.exe != null) {
            g.writeStringField("exe", s.exe);
        }
        g.writeArrayFieldStart("argv");
        for (String a : s.args) {
            g.writeString(a);
        }
        g.writeEndArray();
        if (tl.header() != null) {
            g.writeStringField("start", new TimeFormat().rfc3339(tl.header().clock().toEpochNs(s.realStartNs)));
        }
        if (s.exitNs != 0) {
            if (s.signal != 0) {
                g.writeStringField("killed_by", Signals.name(s.signal));
            } else {
                g.writeNumberField("exit_code", s.exitCode);
            }
            g.writeNumberField("duration_ms", (s.exitNs - s.realStartNs) / 1e6);
        } else {
            g.writeBooleanField("running_at_end", true);
        }
        if (s.realStartNs < tl.startNs()) {
            g.writeBooleanField("started_before_recording", true);
        }
        if (s.container != null) {
            g.writeStringField("container", s.container.displayName());
            g.writeStringField("container_id", s.container.id());
        }
        if (s.threads > 0) {
            g.writeNumberField("threads_created", s.threads);
        }
        if (s.marksDropped > 0) {
            g.writeNumberField("instants_not_shown", s.marksDropped);
        }
    }

    private static void instant(JsonGenerator g, Timeline tl, long t, String name, String cat, String scope, int pid, int tid,
                         List<String[]> detail) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "i");
        g.writeStringField("s", scope);
        g.writeStringField("cat", cat);
        g.writeStringField("name", name);
        g.writeFieldName("ts");
        g.writeRawValue(ts(tl, t));
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        for (String[] kv : detail) {
            g.writeStringField(kv[0], kv[1]);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void flow(JsonGenerator g, String ph, long id, String ts, int pid, int tid) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", ph);
        g.writeStringField("cat", "fork");
        g.writeStringField("name", "fork");
        g.writeNumberField("id", id);
        g.writeFieldName("ts");
        g.writeRawValue(ts);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        if (ph.equals("f")) {
            g.writeStringField("bp", "e");
        }
        g.writeEndObject();
    }

    private static void metadata(JsonGenerator g, String name, int pid, int tid, String key, Object value) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "M");
        g.writeStringField("name", name);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        if (value instanceof Integer i) {
            g.writeNumberField(key, i);
        } else {
            g.writeStringField(key, String.valueOf(value));
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void otherData(JsonGenerator g, Timeline tl) throws IOException {
        RecordingHeader h = tl.header();
        g.writeObjectFieldStart("otherData");
        g.writeStringField("generator", "boxtrace " + h.boxtraceVersion());
        g.writeStringField("hostname", h.hostname());
        g.writeStringField("kernel", h.kernel());
        g.writeStringField("source", h.source());
        g.writeStringField("recording_start", new TimeFormat().rfc3339(h.clock().toEpochNs(tl.startNs())));
        g.writeNumberField("recording_start_mono_ns", tl.startNs());
        g.writeNumberField("duration_ms", (tl.endNs() - tl.startNs()) / 1e6);
        g.writeNumberField("processes", tl.spans().size());
        g.writeNumberField("processes_not_shown_over_limit", tl.dropped());
        g.writeNumberField("lost_events", tl.lost());
        g.writeEndObject();
    }

    static int trackOf(Timeline tl, io.boxtrace.event.ContainerInfo c) {
        for (Timeline.Track t : tl.tracks()) {
            if (t.container() != null && t.container().id().equals(c.id())) {
                return t.index();
            }
        }
        return 0;
    }

    /** Microseconds since the recording start with nanosecond decimals: exact, unlike a double. */
    static String ts(Timeline tl, long monoNs) {
        return micros(monoNs - tl.startNs());
    }

    static String micros(long ns) {
        String sign = ns < 0 ? "-" : "";
        long a = Math.abs(ns);
        return sign + (a / 1000) + "." + String.format("%03d", a % 1000);
    }
}
