package io.boxtrace.sink.otlp;

import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.CommandNode;
import io.boxtrace.analysis.build.StepProfile;
import io.boxtrace.analysis.startup.ContainerStartup;
import io.boxtrace.event.Clock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Container start-ups and image builds as OTLP traces with the kernel's timestamps: a start-up is a
 * root span {@code container start <name>} with its phases as children; a build is a root span
 * named by its command ({@code docker build -t app .}) with a child per step and, under each step, the commands it ran as nested
 * spans (a command's children are the commands it started), so a slow build opens as a flame graph.
 * A build's spans are capped at {@link #MAX_SPANS_PER_BUILD}, counted in {@code boxtrace.spans_left_out}.
 *
 * <p>Called on the pipeline thread; the whole trace is checked against the queue bound first and
 * dropped (counted) as one, so a trace is never half sent.
 */
public final class OtlpSpans {

    static final int MAX_SPANS_PER_BUILD = 2000;
    private static final AttributeKey<String> PHASE = AttributeKey.stringKey("boxtrace.phase");
    private static final AttributeKey<String> INSTRUCTION = AttributeKey.stringKey("boxtrace.build.instruction");
    private static final AttributeKey<String> POSITION = AttributeKey.stringKey("boxtrace.build.step");
    private static final AttributeKey<Boolean> CACHED = AttributeKey.booleanKey("boxtrace.build.cached");
    private static final AttributeKey<List<String>> BUILD_COMMAND = AttributeKey.stringArrayKey("boxtrace.build.command");
    private static final AttributeKey<String> BUILDER = AttributeKey.stringKey("boxtrace.build.builder");
    private static final AttributeKey<Long> LEFT_OUT = AttributeKey.longKey("boxtrace.spans_left_out");

    private final OtlpExport export;
    private final Clock clock;

    public OtlpSpans(OtlpExport export, Clock clock) {
        this.export = export;
        this.clock = clock;
    }

    private long wall(long monoNs) {
        return clock.toEpochNs(monoNs);
    }

    public void startup(ContainerStartup s) {
        int n = 1 + (s.runtimeNs() != 0 ? 1 : 0) + (s.initNs() > 0 ? 1 : 0);
        if (!export.spans.tryEmit(n)) {
            return;
        }
        AttributesBuilder a = Attributes.builder();
        SemanticAttributes.container(a, s.container());
        if (!s.program().isEmpty()) {
            a.put(SemanticAttributes.ARGS, s.program());
        }
        Span root = span("container start " + s.container().displayName(), null, s.startNs(), a.build());
        if (s.runtimeNs() != 0) {
            span("runtime create", root, s.runtimeNs(), Attributes.of(PHASE, "runtime_create")).end(wall(s.firstProcessNs()),
                    TimeUnit.NANOSECONDS);
        }
        if (s.initNs() > 0) {
            span("init", root, s.firstProcessNs(), Attributes.of(PHASE, "init")).end(wall(s.firstExecNs()),
                    TimeUnit.NANOSECONDS);
        }
        root.end(wall(s.firstExecNs()), TimeUnit.NANOSECONDS);
    }

    public void build(BuildProfile p) {
        List<Runnable> ends = new ArrayList<>();
        int[] budget = {MAX_SPANS_PER_BUILD - 1};
        long[] leftOut = {0};
        int total = 1 + p.steps().size() + (int) Math.min(Integer.MAX_VALUE, p.steps().stream()
                .mapToLong(s -> s.commands().count()).sum());
        if (!export.spans.tryEmit(Math.min(total, MAX_SPANS_PER_BUILD))) {
            return;
        }
        Attributes ra = Attributes.builder().put(BUILD_COMMAND, p.command()).put(BUILDER, p.builder().jsonName())
                .put(SemanticAttributes.EXIT_CODE, p.exitCode()).build();
        Span root = span(p.command().isEmpty() ? "build" : truncate(String.join(" ", p.command()), 120), null,
                p.startNs(), ra);
        if (p.exitCode() != 0) {
            root.setStatus(StatusCode.ERROR, "exit " + p.exitCode());
        }
        int index = 0;
        for (StepProfile s : p.steps()) {
            index++;
            if (budget[0]-- <= 0) {
                leftOut[0] += 1 + s.commands().count();
                continue;
            }
            AttributesBuilder sa = Attributes.builder();
            String name = "step " + index;
            if (s.step() != null) {
                SemanticAttributes.putIf(sa, POSITION, s.step().position());
                SemanticAttributes.putIf(sa, INSTRUCTION, s.step().instruction());
                sa.put(CACHED, s.step().cached());
                name = s.step().instruction() != null ? truncate(s.step().instruction(), 120) : name;
            }
            if (s.containerId() != null) {
                sa.put(SemanticAttributes.CONTAINER_ID, s.containerId());
            }
            long start = s.startNs() != 0 ? s.startNs() : p.startNs();
            Span step = span(name, root, start, sa.build());
            for (CommandNode c : s.processes()) {
                command(c, step, ends, budget, leftOut);
            }
            long end = Math.max(start, s.endNs());
            ends.add(() -> step.end(wall(end), TimeUnit.NANOSECONDS));
        }
        if (leftOut[0] > 0) {
            root.setAttribute(LEFT_OUT, leftOut[0]);
        }
        ends.forEach(Runnable::run);
        root.end(wall(Math.max(p.startNs(), p.endNs())), TimeUnit.NANOSECONDS);
    }

    private void command(CommandNode c, Span parent, List<Runnable> ends, int[] budget, long[] leftOut) {
        if (budget[0]-- <= 0) {
            leftOut[0] += c.flatten().count();
            return;
        }
        AttributesBuilder a = Attributes.builder().put(SemanticAttributes.PID, c.pid());
        if (!c.args().isEmpty()) {
            a.put(SemanticAttributes.ARGS, c.args());
        }
        SemanticAttributes.putIf(a, SemanticAttributes.EXE_NAME, c.comm());
        if (c.endNs() != 0 && c.signal() == 0 && c.exitCode() >= 0) {
            a.put(SemanticAttributes.EXIT_CODE, c.exitCode());
        }
        String name = c.args().isEmpty() ? (c.comm() == null ? "command" : c.comm())
                : truncate(String.join(" ", c.args()), 120);
        Span span = span(name, parent, c.startNs(), a.build());
        if (c.failed()) {
            span.setStatus(StatusCode.ERROR, c.signal() != 0 ? "signal " + c.signal() : "exit " + c.exitCode());
        }
        for (CommandNode child : c.children()) {
            command(child, span, ends, budget, leftOut);
        }
        long end = c.endNs() != 0 ? c.endNs() : c.startNs();
        ends.add(() -> span.end(wall(end), TimeUnit.NANOSECONDS));
    }

    private Span span(String name, Span parent, long startMono, Attributes attributes) {
        SpanBuilder b = export.tracer.spanBuilder(name).setStartTimestamp(wall(startMono), TimeUnit.NANOSECONDS)
                .setAllAttributes(attributes);
        if (parent == null) {
            b.setNoParent();
        } else {
            b.setParent(Context.root().with(parent));
        }
        return b.startSpan();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
