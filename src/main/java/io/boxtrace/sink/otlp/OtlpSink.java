package io.boxtrace.sink.otlp;

import io.boxtrace.event.Clock;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.render.json.Signals;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Severity;
import java.util.concurrent.TimeUnit;

/**
 * Every process event as an OTLP log record (README, "boxtrace agent"): the kernel's timestamp,
 * {@code event.name} {@code boxtrace.<type>}, the semantic-convention attributes of the process and
 * its container, and a one-line body. Thread events (a thread's creation or exit) are left out: they
 * would double the volume and no convention describes them. Losses are warnings.
 *
 * <p>Pipeline thread only; emitting never blocks (a full queue drops and counts, {@link OtlpExport}).
 */
public final class OtlpSink implements Sink {

    private final OtlpExport export;
    private final Clock clock;

    public OtlpSink(OtlpExport export, Clock clock) {
        this.export = export;
        this.clock = clock;
    }

    @Override
    public void accept(TracedEvent t) {
        if (t.event() instanceof ForkEvent f && f.isThread()
                || t.event() instanceof ExitEvent x && x.task().isThread()) {
            return;
        }
        if (!export.logs.tryEmit(1)) {
            return;
        }
        AttributesBuilder a = Attributes.builder().put(SemanticAttributes.EVENT_NAME, "boxtrace." + t.event().type());
        SemanticAttributes.process(a, t.process());
        SemanticAttributes.container(a, t.event() instanceof ContainerEvent ce ? ce.container() : t.container());
        Severity severity = Severity.INFO;
        String body = t.event().type();
        switch (t.event()) {
            case ExecEvent x -> {
                SemanticAttributes.nsPid(a, x.task());
                if (x.cwd() != null) {
                    a.put(SemanticAttributes.CWD, x.cwd());
                }
                if (x.failed()) {
                    // the process is still the old program: its argv is not the attempt's; the file names it
                    a.put(SemanticAttributes.ERRNO, x.errno());
                    severity = Severity.WARN;
                    body = "exec " + (x.filename() != null ? x.filename() : String.join(" ", x.args()))
                            + " failed: errno " + x.errno();
                } else {
                    body = "exec " + String.join(" ", x.args());
                }
            }
            case ExitEvent x -> {
                SemanticAttributes.nsPid(a, x.task());
                if (x.killedBySignal()) {
                    a.put(SemanticAttributes.SIGNAL, Signals.name(x.signal()));
                    body = "exit by " + Signals.name(x.signal());
                } else {
                    a.put(SemanticAttributes.EXIT_CODE, x.exitCode());
                    body = "exit " + x.exitCode();
                }
                if (t.process() != null && t.process().startNs() > 0 && x.timeNs() >= t.process().startNs()) {
                    a.put(SemanticAttributes.DURATION_MS, (x.timeNs() - t.process().startNs()) / 1e6);
                }
            }
            case ForkEvent f -> body = "fork " + f.childPid();
            case NamespaceEvent n -> body = n.op().jsonName() + " " + n.namespaces();
            case LostEvent l -> {
                severity = Severity.WARN;
                body = l.count() + " events lost (" + l.source() + ": " + l.reason() + ")";
            }
            case ContainerEvent ce -> body = t.event().type() + " " + ce.container().displayName();
            default -> { }
        }
        export.logger.logRecordBuilder()
                .setTimestamp(clock.toEpochNs(t.event().timeNs()), TimeUnit.NANOSECONDS)
                .setObservedTimestamp(System.currentTimeMillis(), TimeUnit.MILLISECONDS)
                .setSeverity(severity)
                .setBody(body.length() > 4096 ? body.substring(0, 4096) : body)
                .setAllAttributes(a.build())
                .emit();
    }
}
