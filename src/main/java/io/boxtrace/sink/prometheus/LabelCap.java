package io.boxtrace.sink.prometheus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Bounds the number of label sets a metric can grow to. Values from the traced world (container
 * names, program names) are unbounded; Prometheus keeps every series it ever scraped, so each new
 * value takes a slot until {@code cap} slots are taken, after which values map to the single
 * {@link #OTHER} set and totals stay right. A slot whose owner is gone (a stopped container) is
 * freed once it has been {@link #release released} for {@code retainNs}, so a churning host keeps
 * naming its new containers; the freed series is removed from the metric through {@code onEvict}.
 *
 * <p>Not thread-safe: the pipeline thread owns it.
 */
final class LabelCap {

    static final String OTHER = "other";

    private final int cap;
    private final long retainNs;
    private final Consumer<List<String>> onEvict;
    /** admitted label set → release time (0 while in use). */
    private final Map<List<String>, Long> admitted = new HashMap<>();
    private long overflowed;

    LabelCap(int cap, long retainNs, Consumer<List<String>> onEvict) {
        this.cap = cap;
        this.retainNs = retainNs;
        this.onEvict = onEvict;
    }

    /** The label values to use for {@code values}: themselves when admitted, else the "other" set. */
    List<String> admit(List<String> values, long nowNs) {
        Long released = admitted.get(values);
        if (released != null) {
            if (released != 0) {
                admitted.put(values, 0L);
            }
            return values;
        }
        if (admitted.size() >= cap) {
            evictReleased(nowNs);
        }
        if (admitted.size() < cap) {
            admitted.put(values, 0L);
            return values;
        }
        overflowed++;
        return values.stream().map(v -> OTHER).toList();
    }

    /** The owner of this set is gone: its slot may be reused after the retention time. */
    void release(List<String> values, long nowNs) {
        admitted.computeIfPresent(values, (k, v) -> Math.max(1, nowNs));
    }

    private void evictReleased(long nowNs) {
        admitted.entrySet().removeIf(e -> {
            boolean old = e.getValue() != 0 && nowNs - e.getValue() >= retainNs;
            if (old) {
                onEvict.accept(e.getKey());
            }
            return old;
        });
    }

    /** Values that went to the "other" set because every slot was taken. */
    long overflowed() {
        return overflowed;
    }

    int size() {
        return admitted.size();
    }
}
