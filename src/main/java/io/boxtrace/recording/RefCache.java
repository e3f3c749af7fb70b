package io.boxtrace.recording;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last version of each process (or container) written in full, so later lines can refer to it
 * instead of repeating it: a process's record is the same on most of its events. Writer and reader
 * each keep one and apply the same operations in the same order (lookup then store on the writer,
 * store on the reader; access order moves the entry to the tail either way), so both evict the
 * same entries and a reference always resolves. Bounded: {@link #CAPACITY} entries.
 *
 * <p>Not thread-safe.
 */
public final class RefCache<K, V> {

    static final int CAPACITY = 8192;

    private final Map<K, V> map = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Writer: true when value equals the cached one (write a reference); else caches it (write it in full). */
    public boolean sameAsWritten(K key, V value) {
        V old = map.get(key);
        if (value.equals(old)) {
            return true;
        }
        map.put(key, value);
        return false;
    }

    /** Reader: a value read in full. */
    public void put(K key, V value) {
        map.put(key, value);
    }

    /** Reader: the value a reference names, or null when it was never written (a corrupt or spliced file). */
    public V get(K key) {
        return map.get(key);
    }
}
