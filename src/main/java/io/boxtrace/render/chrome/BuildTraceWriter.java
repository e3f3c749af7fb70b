package io.boxtrace.render.chrome;

import io.boxtrace.render.json.BuildProfileJson;
import io.boxtrace.analysis.build.StepProfile;

import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.CommandNode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.boxtrace.render.console.ArgvFormat;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link BuildProfile} in the Chrome trace event format (JSON object form, complete "X"
 * events, microseconds), for chrome://tracing, Perfetto or speedscope. Each step is one process
 * track named after its instruction, with a slice for the step, one for container set-up, and one
 * per command. Commands that overlap without nesting (a background child running beside its
 * siblings) go to the next lane of the step, because viewers only draw properly nested slices on
 * one thread. Stateless.
 */
public final class BuildTraceWriter {

    private static final JsonFactory FACTORY = new JsonFactory();

    private BuildTraceWriter() {
    }

    public static void write(BuildProfile p, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ms");
            g.writeArrayFieldStart("traceEvents");
            for (StepProfile s : p.steps()) {
                int pid = s.step().index();
                String name = "[" + (s.step().position() == null ? String.valueOf(pid) : s.step().position()) + "] "
                        + (s.step().instruction() == null ? "container " + s.containerId() : s.step().instruction());
                meta(g, "process_name", pid, 0, name);
                meta(g, "process_sort_index", pid, 0, null);
                slice(g, pid, 0, s.step().cached() ? "CACHED " + name : name, s.startNs(), s.durationNs(), p.startNs(), s.step().error());
                if (s.setupNs() > 0) {
                    slice(g, pid, 1, "container set-up", s.startNs(), s.setupNs(), p.startNs(), null);
                }
                List<Lane> lanes = new ArrayList<>();
                for (CommandNode c : s.processes()) {
                    place(g, pid, c, lanes, p.startNs());
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    /** Open intervals on one lane: a new slice must nest inside the innermost still-open one or follow it. */
    private static final class Lane {
        final List<long[]> open = new ArrayList<>();

        boolean fits(long start, long end) {
            while (!open.isEmpty() && open.getLast()[1] <= start) {
                open.removeLast();
            }
            return open.isEmpty() || end <= open.getLast()[1];
        }
    }

    private static void place(JsonGenerator g, int pid, CommandNode c, List<Lane> lanes, long t0) throws IOException {
        long end = c.endNs() == 0 ? c.startNs() : c.endNs();
        int lane = 0;
        while (lane < lanes.size() && !lanes.get(lane).fits(c.startNs(), end)) {
            lane++;
        }
        if (lane == lanes.size()) {
            lanes.add(new Lane());
        }
        lanes.get(lane).open.add(new long[] {c.startNs(), end});
        String name = c.args().isEmpty() ? (c.comm() == null ? "?" : c.comm()) : ArgvFormat.join(c.args());
        String exit = c.endNs() == 0 ? "running" : c.signal() != 0 ? "signal " + c.signal() : "exit " + c.exitCode();
        slice(g, pid, 2 + lane, name, c.startNs(), end - c.startNs(), t0, "pid " + c.pid() + ", " + exit);
        for (CommandNode k : c.children()) {
            place(g, pid, k, lanes, t0);
        }
    }

    private static void slice(JsonGenerator g, int pid, int tid, String name, long startNs, long durNs, long t0,
                              String detail) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("cat", "build");
        g.writeStringField("ph", "X");
        g.writeFieldName("ts");
        g.writeNumber(BuildProfileJson.ms((startNs - t0) * 1000));
        g.writeFieldName("dur");
        g.writeNumber(BuildProfileJson.ms(Math.max(durNs, 0) * 1000));
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        if (detail != null) {
            g.writeObjectFieldStart("args");
            g.writeStringField("detail", detail);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void meta(JsonGenerator g, String what, int pid, int tid, String name) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", what);
        g.writeStringField("ph", "M");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        if (name != null) {
            g.writeStringField("name", name);
        } else {
            g.writeNumberField("sort_index", pid);
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
