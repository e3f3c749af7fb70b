package io.boxtrace.render.json;

import io.boxtrace.analysis.build.BuildStep;

import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.CommandNode;
import io.boxtrace.analysis.build.CriticalPath;
import io.boxtrace.analysis.build.StepProfile;
import io.boxtrace.analysis.build.StepResources;
import io.boxtrace.event.ProcessResources;
import io.boxtrace.recording.ResourceJson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Writes a {@link BuildProfile} as one JSON document (docs/build.md, "JSON"):
 * {@code {"builder","command","started_at","duration_ms","exit_code","notices","steps":[{"index",
 * "position","instruction","cached","start","end","duration_ms","setup_ms","teardown_ms","container",
 * "attribution","error","exit_code","processes":[{"pid","args","argv_lost","start","end","duration_ms",
 * "exit_code","signal","replaced_parent", the resource fields of README "JSON output", "children_cpu_ms",
 * "children":[...]}], "cpu_ms","peak_memory_bytes","read_bytes","write_bytes","runq_delay_ms","pressure",
 * "verdict"}]}}. {@code start}/{@code end} are
 * milliseconds since the build command started. Stateless.
 */
public final class BuildProfileJson {

    private static final JsonFactory FACTORY = JsonOutput.FACTORY;

    private BuildProfileJson() {
    }

    public static void write(BuildProfile p, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("builder", p.builder().jsonName());
            g.writeArrayFieldStart("command");
            for (String a : p.command()) {
                g.writeString(a);
            }
            g.writeEndArray();
            g.writeStringField("started_at", p.startedAt().toString());
            g.writeFieldName("duration_ms");
            g.writeNumber(ms(p.durationNs()));
            g.writeNumberField("exit_code", p.exitCode());
            g.writeArrayFieldStart("notices");
            for (String n : p.notices()) {
                g.writeString(n);
            }
            g.writeEndArray();
            CriticalPath cp = p.criticalPath();
            g.writeArrayFieldStart("steps");
            for (StepProfile s : p.steps()) {
                step(g, s, p.startNs(), cp);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("critical_path");
            for (StepProfile s : cp.steps()) {
                g.writeNumber(s.step().index());
            }
            g.writeEndArray();
            g.writeFieldName("critical_path_ms");
            g.writeNumber(ms(cp.totalNs()));
            g.writeArrayFieldStart("critical_path_savings");
            for (CriticalPath.Saving sv : cp.savings()) {
                g.writeStartObject();
                g.writeNumberField("index", sv.step().step().index());
                g.writeFieldName("sooner_ms");
                g.writeNumber(ms(sv.soonerNs()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static void step(JsonGenerator g, StepProfile s, long t0, CriticalPath cp) throws IOException {
        BuildStep b = s.step();
        g.writeStartObject();
        g.writeNumberField("index", b.index());
        g.writeStringField("position", b.position());
        g.writeStringField("instruction", b.instruction());
        g.writeBooleanField("cached", b.cached());
        g.writeFieldName("start");
        g.writeNumber(ms(s.startNs() - t0));
        g.writeFieldName("end");
        g.writeNumber(ms(s.endNs() - t0));
        g.writeFieldName("duration_ms");
        g.writeNumber(ms(s.durationNs()));
        g.writeFieldName("setup_ms");
        g.writeNumber(ms(s.setupNs()));
        g.writeFieldName("teardown_ms");
        g.writeNumber(ms(s.teardownNs()));
        g.writeStringField("container", s.containerId());
        g.writeStringField("attribution", s.attribution().jsonName());
        g.writeStringField("error", b.error());
        if (b.exitCode() >= 0) {
            g.writeNumberField("exit_code", b.exitCode());
        } else {
            g.writeNullField("exit_code");
        }
        if (b.builderDurationNs() >= 0) {
            g.writeFieldName("builder_duration_ms");
            g.writeNumber(ms(b.builderDurationNs()));
        }
        stepResources(g, s.resources());
        g.writeArrayFieldStart("processes");
        for (CommandNode c : s.processes()) {
            command(g, c, t0, cp);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void command(JsonGenerator g, CommandNode c, long t0, CriticalPath cp) throws IOException {
        g.writeStartObject();
        g.writeNumberField("pid", c.pid());
        g.writeArrayFieldStart("args");
        for (String a : c.args()) {
            g.writeString(a);
        }
        g.writeEndArray();
        if (c.argvLost()) {
            g.writeBooleanField("argv_lost", true);
        }
        if (c.args().isEmpty()) {
            g.writeStringField("comm", c.comm());
        }
        if (c.argvFromBuilder()) {
            g.writeStringField("args_source", "builder");
        }
        g.writeFieldName("start");
        g.writeNumber(ms(c.startNs() - t0));
        if (c.endNs() == 0) {
            g.writeNullField("end");
            g.writeNullField("duration_ms");
        } else {
            g.writeFieldName("end");
            g.writeNumber(ms(c.endNs() - t0));
            g.writeFieldName("duration_ms");
            g.writeNumber(ms(c.durationNs()));
        }
        if (c.exitCode() >= 0) {
            g.writeNumberField("exit_code", c.exitCode());
        } else {
            g.writeNullField("exit_code");
        }
        if (c.signal() != 0) {
            g.writeNumberField("signal", c.signal());
        }
        if (c.replacedParent()) {
            g.writeBooleanField("replaced_parent", true);
        }
        if (cp.containsCommand(c)) {
            g.writeBooleanField("critical_path", true);
        }
        ResourceJson.write(g, c.resources());
        if (ProcessResources.known(c.childrenCpuNs())) {
            g.writeFieldName("children_cpu_ms");
            g.writeNumber(ms(c.childrenCpuNs()));
        }
        g.writeArrayFieldStart("children");
        for (CommandNode k : c.children()) {
            command(g, k, t0, cp);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Step totals; unknown figures left out. */
    private static void stepResources(JsonGenerator g, StepResources r) throws IOException {
        if (ProcessResources.known(r.cpuNs())) {
            g.writeFieldName("cpu_ms");
            g.writeNumber(ms(r.cpuNs()));
        }
        if (ProcessResources.known(r.peakMemoryBytes())) {
            g.writeNumberField("peak_memory_bytes", r.peakMemoryBytes());
        }
        if (ProcessResources.known(r.readBytes())) {
            g.writeNumberField("read_bytes", r.readBytes());
        }
        if (ProcessResources.known(r.writeBytes())) {
            g.writeNumberField("write_bytes", r.writeBytes());
        }
        if (ProcessResources.known(r.runqDelayNs())) {
            g.writeFieldName("runq_delay_ms");
            g.writeNumber(ms(r.runqDelayNs()));
        }
        if (r.pressure() != null) {
            g.writeObjectFieldStart("pressure");
            g.writeFieldName("cpu_ms");
            g.writeNumber(ms(r.pressure().cpuNs()));
            g.writeFieldName("memory_ms");
            g.writeNumber(ms(r.pressure().memoryNs()));
            g.writeFieldName("io_ms");
            g.writeNumber(ms(r.pressure().ioNs()));
            g.writeEndObject();
        }
        if (r.verdict() != null) {
            g.writeStringField("verdict", r.verdict().jsonName());
        }
    }

    /** Milliseconds with microsecond precision. */
    public static BigDecimal ms(long ns) {
        return BigDecimal.valueOf(ns / 1000).movePointLeft(3).setScale(3, RoundingMode.UNNECESSARY);
    }
}
