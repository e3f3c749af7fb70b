package io.boxtrace.render.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.boxtrace.analysis.builddiff.BuildDiffReport;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes a {@link BuildDiffReport} as JSON (README, docs/build.md "build diff"):
 * {@code {"old","new","old_builder","new_builder","wall_ms":{"old","new"},"slower_percent","notices",
 * "steps":[{"instruction","change","wall_ms":{"old","new"},"cpu_ms":{...},"peak_memory_bytes":{...},
 * "commands":[{"args","change","wall_ms":{...},"cpu_ms":{...}}]}]}}}. A side that is missing (added,
 * removed, unknown) is left out of its pair; commands whose change is {@code same} are left out.
 * Stateless.
 */
public final class BuildDiffJson {

    private static final JsonFactory FACTORY = JsonOutput.FACTORY;

    private BuildDiffJson() {
    }

    public static void write(BuildDiffReport r, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("old", r.oldName());
            g.writeStringField("new", r.newName());
            g.writeStringField("old_builder", r.oldBuilder());
            g.writeStringField("new_builder", r.newBuilder());
            pair(g, "wall_ms", r.wallMs());
            g.writeNumberField("slower_percent", Math.round(r.slowerPercent() * 10) / 10.0);
            g.writeArrayFieldStart("notices");
            for (String n : r.notices()) {
                g.writeString(n);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("steps");
            for (BuildDiffReport.StepDiff s : r.steps()) {
                g.writeStartObject();
                if (s.instruction() != null) {
                    g.writeStringField("instruction", s.instruction());
                }
                g.writeStringField("change", s.change().jsonName());
                pair(g, "wall_ms", s.wallMs());
                pair(g, "cpu_ms", s.cpuMs());
                pair(g, "peak_memory_bytes", s.peakMemoryBytes());
                g.writeArrayFieldStart("commands");
                for (BuildDiffReport.CommandDiff c : s.commands()) {
                    if (c.change() == BuildDiffReport.Change.SAME) {
                        continue;
                    }
                    g.writeStartObject();
                    g.writeArrayFieldStart("args");
                    for (String a : c.args()) {
                        g.writeString(a);
                    }
                    g.writeEndArray();
                    g.writeStringField("change", c.change().jsonName());
                    pair(g, "wall_ms", c.wallMs());
                    pair(g, "cpu_ms", c.cpuMs());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static void pair(JsonGenerator g, String name, BuildDiffReport.Pair p) throws IOException {
        g.writeObjectFieldStart(name);
        number(g, "old", p.oldValue());
        number(g, "new", p.newValue());
        g.writeEndObject();
    }

    /** Milliseconds to µs; whole numbers (bytes) as integers. */
    private static void number(JsonGenerator g, String name, Double v) throws IOException {
        if (v == null) {
            return;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            g.writeNumberField(name, v.longValue());
        } else {
            g.writeNumberField(name, Math.round(v * 1000) / 1000.0);
        }
    }
}
