package io.cxstream.state;

import org.apache.flink.streaming.api.operators.KeyContext;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values one keyed operator instance changed last, on the heap, so that a customer's next event
 * or timer skips the RocksDB read and the Avro decode of its value ({@link CachedValueState}: the
 * journey's and the outreach decision's).
 *
 * <p>Write-through by default: the caller writes every change to the state backend itself. After
 * {@link #writeBackTo(Sink)} the cache holds changed values back instead, and writes one only when it
 * leaves the cache (least recently used, over capacity) or on {@link #flush(long)}, which the operator
 * calls before every checkpoint and savepoint ({@code JourneyOperator}, {@code OutreachDecisionOperator}): a customer whose events
 * and timers fall between two checkpoints costs one backend write, not one per event and timer, and
 * checkpoints, savepoints and restores see exactly what write-through would have written (a restored
 * or rescaled instance starts with an empty cache).
 *
 * <p>Only for state backends that copy on write (RocksDB serializes every update): the heap backend
 * keeps the written object itself and may be snapshotting it. An entry older than the state's
 * time-to-live (processing time since its last change) is never returned and never written, as the
 * backend would not return it either.
 */
public final class StateCache<V> {
    /** Writes one customer's value to the state backend. */
    public interface Sink<V> {
        void write(String key, V value) throws Exception;
    }

    /** Writes the current key's value to the state backend. */
    public interface Write<V> {
        void write(V value) throws Exception;
    }

    /**
     * A sink that writes each value under its own key: makes it the operator's current key ({@code keys}),
     * writes, and makes the key before it current again.
     */
    public static <V> Sink<V> underItsKey(KeyContext keys, Write<V> write) {
        return (key, value) -> {
            Object current = keys.getCurrentKey();
            keys.setCurrentKey(key);
            write.write(value);
            if (current != null) {
                keys.setCurrentKey(current);
            }
        };
    }

    private final int capacity;
    private final long ttlMillis;
    private final LinkedHashMap<String, Entry<V>> entries;
    /**
     * The entries changed since the last flush, so that a flush visits those and not the whole cache
     * (a checkpoint every few seconds over a full cache of 100,000 mostly unchanged values cost 12 % of
     * the decision's thread: docs/performance.md, session 18). An entry that left the cache or was written
     * since it was added here is skipped ({@code changed} false).
     */
    private final ArrayList<Entry<V>> dirty = new ArrayList<>();

    private Sink<V> sink;
    private long changed;

    private static final class Entry<V> {
        final String key;
        V value;
        long writtenAt;
        /** Held back: not yet written to the sink. */
        boolean changed;

        Entry(String key, V value, long writtenAt, boolean changed) {
            this.key = key;
            this.value = value;
            this.writtenAt = writtenAt;
            this.changed = changed;
        }
    }

    /**
     * @param capacity most entries (0: no cache)
     * @param ttlMillis the state's time-to-live after a write
     */
    public StateCache(int capacity, long ttlMillis) {
        this.capacity = capacity;
        this.ttlMillis = ttlMillis;
        this.entries = new LinkedHashMap<>(capacity > 0 ? Math.min(capacity, 1 << 16) : 1, 0.75f, true);
    }

    /**
     * A heap cache's size as configured where the state backend copies on write ({@code rocksdb}), else 0:
     * the heap backend keeps the written object itself and may be snapshotting it.
     */
    public static int sizeFor(String stateBackend, int configured) {
        return "rocksdb".equals(stateBackend) ? configured : 0;
    }

    public boolean enabled() {
        return capacity > 0;
    }

    /** From now on, {@link #put} holds changes back and writes them to {@code sink} on eviction or {@link #flush(long)}. */
    public void writeBackTo(Sink<V> sink) {
        if (enabled()) {
            this.sink = sink;
        }
    }

    /** Whether changes are held back (the caller must not write them itself). */
    public boolean writesBack() {
        return sink != null;
    }

    /** The value last put for {@code key}, if cached and not expired at {@code now}; otherwise null. */
    public V get(String key, long now) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (now - e.writtenAt >= ttlMillis) {
            remove(key);
            return null;
        }
        return e.value;
    }

    /**
     * Remembers the value of {@code key} changed at {@code now}: held back until it leaves the cache or
     * the next {@link #flush(long)} when {@link #writesBack()}, otherwise already written by the caller.
     * The least recently used entry over capacity leaves, written first if it was held back.
     */
    public void put(String key, V value, long now) throws Exception {
        if (capacity == 0) {
            return;
        }
        boolean holdBack = sink != null;
        Entry<V> cached = entries.get(key); // the most recently used now
        if (cached != null) {
            if (holdBack && !cached.changed) {
                markChanged(cached);
            }
            cached.value = value;
            cached.writtenAt = now;
            cached.changed = holdBack;
            return;
        }
        Entry<V> added = new Entry<>(key, value, now, holdBack);
        entries.put(key, added);
        if (holdBack) {
            markChanged(added);
        }
        if (entries.size() > capacity) {
            Iterator<Map.Entry<String, Entry<V>>> eldest = entries.entrySet().iterator();
            Entry<V> e = eldest.next().getValue();
            eldest.remove();
            if (e.changed) {
                changed--;
                e.changed = false;
                if (now - e.writtenAt < ttlMillis) {
                    sink.write(e.key, e.value);
                }
            }
        }
    }

    private void markChanged(Entry<V> e) {
        changed++;
        if (dirty.size() > 2 * capacity) {
            dirty.removeIf(d -> !d.changed); // left or written since: at most capacity remain
        }
        dirty.add(e);
    }

    /** Forgets {@code key} and any change held back for it (its state was cleared). */
    public void remove(String key) {
        Entry<V> e = entries.remove(key);
        if (e != null && e.changed) {
            changed--;
            e.changed = false;
        }
    }

    /**
     * Writes every change held back to the sink (but those expired at {@code now}, which leave); the
     * values stay cached. Returns how many were written.
     */
    public int flush(long now) throws Exception {
        int written = 0;
        for (Entry<V> entry : dirty) {
            if (!entry.changed) {
                continue; // left the cache, or written, since it changed
            }
            entry.changed = false;
            if (now - entry.writtenAt >= ttlMillis) {
                entries.remove(entry.key);
            } else {
                sink.write(entry.key, entry.value);
                written++;
            }
        }
        dirty.clear();
        changed = 0;
        return written;
    }

    /** Changes held back, not yet written. */
    public long pending() {
        return changed;
    }

    public int size() {
        return entries.size();
    }
}
