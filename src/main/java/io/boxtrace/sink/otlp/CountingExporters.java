package io.boxtrace.sink.otlp;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** Exporters that tell a {@link DeliveryCounter} what left the queue and whether it arrived. */
final class CountingExporters {

    private CountingExporters() {
    }

    static LogRecordExporter logs(LogRecordExporter delegate, DeliveryCounter counter) {
        return new LogRecordExporter() {
            @Override
            public CompletableResultCode export(Collection<LogRecordData> logs) {
                return track(delegate.export(logs), logs.size(), counter);
            }

            @Override
            public CompletableResultCode flush() {
                return delegate.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return delegate.shutdown();
            }
        };
    }

    static SpanExporter spans(SpanExporter delegate, DeliveryCounter counter) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return track(delegate.export(spans), spans.size(), counter);
            }

            @Override
            public CompletableResultCode flush() {
                return delegate.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return delegate.shutdown();
            }
        };
    }

    private static CompletableResultCode track(CompletableResultCode result, int n, DeliveryCounter counter) {
        counter.taken(n);
        result.whenComplete(() -> counter.exported(n, result.isSuccess()));
        return result;
    }
}
