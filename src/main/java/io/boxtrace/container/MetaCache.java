package io.boxtrace.container;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * Container metadata as a daemon sent it, bounded in entries and in characters: a daemon's /events
 * stream can name any number of containers, each with labels up to the stream's line cap, and a
 * hostile or broken one would otherwise grow boxtrace's heap until it dies (a flood of made-up ids
 * did, in under a minute). Past either bound the least recently used entries go; a container
 * evicted that way is asked for again by id, so the bound costs a look-up, never a wrong name.
 * Thread-safe (every method synchronized).
 */
final class MetaCache {

    /** Containers kept: far more than one host runs at once. */
    static final int MAX_ENTRIES = 4096;
    /** Characters kept over all entries (ids, names, images, labels): 8 MiB of heap at most. */
    static final long MAX_CHARS = 4L * 1024 * 1024;

    private final int maxEntries;
    private final long maxChars;
    private final LinkedHashMap<String, ContainerMeta> map = new LinkedHashMap<>(64, 0.75f, true);
    private long chars;

    MetaCache() {
        this(MAX_ENTRIES, MAX_CHARS);
    }

    MetaCache(int maxEntries, long maxChars) {
        this.maxEntries = maxEntries;
        this.maxChars = maxChars;
    }

    synchronized ContainerMeta get(String id) {
        return map.get(id);
    }

    synchronized void put(String id, ContainerMeta m) {
        merge(id, m, (a, b) -> b);
    }

    /** Stores m, or remerge(old, m) when id is already there; then evicts down to the bounds. */
    synchronized void merge(String id, ContainerMeta m, BinaryOperator<ContainerMeta> remerge) {
        ContainerMeta old = map.get(id);
        ContainerMeta now = old == null ? m : remerge.apply(old, m);
        if (old != null) {
            chars -= weight(old);
        }
        map.put(id, now);
        chars += weight(now);
        Iterator<Map.Entry<String, ContainerMeta>> eldest = map.entrySet().iterator();
        while ((map.size() > maxEntries || chars > maxChars) && eldest.hasNext()) {
            Map.Entry<String, ContainerMeta> e = eldest.next();
            chars -= weight(e.getValue());
            eldest.remove();
        }
    }

    synchronized int size() {
        return map.size();
    }

    synchronized long chars() {
        return chars;
    }

    private static long weight(ContainerMeta m) {
        long w = len(m.id()) + len(m.name()) + len(m.image()) + 32;
        for (Map.Entry<String, String> l : m.labels().entrySet()) {
            w += len(l.getKey()) + len(l.getValue()) + 16;
        }
        return w;
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }
}
