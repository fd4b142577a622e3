package io.cxstream.journey;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values one instance of the journey operator wrote last, on the heap, so that a customer's next
 * event or rule timer skips the RocksDB read and the Avro decode of its value (write-through: every
 * change is still written to the state backend at once, so checkpoints, savepoints and restores see
 * exactly what they did without it; a restored or rescaled instance starts with an empty cache).
 *
 * <p>Only for state backends that copy on write (RocksDB serializes every update): the heap backend
 * keeps the written object itself and may be snapshotting it. Least recently used entries leave first;
 * an entry older than the state's time-to-live (processing time since its write) is never returned,
 * as the backend would not return the value either.
 */
final class StateCache<V> {
    private final int capacity;
    private final long ttlMillis;
    private final LinkedHashMap<String, Entry<V>> entries;

    private static final class Entry<V> {
        final V value;
        final long writtenAt;

        Entry(V value, long writtenAt) {
            this.value = value;
            this.writtenAt = writtenAt;
        }
    }

    /**
     * @param capacity most entries (0: no cache)
     * @param ttlMillis the state's time-to-live after a write
     */
    StateCache(int capacity, long ttlMillis) {
        this.capacity = capacity;
        this.ttlMillis = ttlMillis;
        this.entries = new LinkedHashMap<>(capacity > 0 ? Math.min(capacity, 1 << 16) : 1, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry<V>> eldest) {
                return size() > StateCache.this.capacity;
            }
        };
    }

    boolean enabled() {
        return capacity > 0;
    }

    /** The value last written for {@code key}, if cached and not expired at {@code now}; otherwise null. */
    V get(String key, long now) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (now - e.writtenAt >= ttlMillis) {
            entries.remove(key);
            return null;
        }
        return e.value;
    }

    /** Remembers the value just written for {@code key} at {@code now}. */
    void put(String key, V value, long now) {
        if (capacity > 0) {
            entries.put(key, new Entry<>(value, now));
        }
    }

    /** Forgets {@code key} (its state was cleared). */
    void remove(String key) {
        entries.remove(key);
    }

    int size() {
        return entries.size();
    }
}
