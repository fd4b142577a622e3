package io.cxstream.voc;

import org.apache.flink.api.common.state.MapState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * One VoC key's minute (or hour) buckets on the heap, by start, with the starts changed or removed
 * since they were last written to the key's map state ({@link #writeTo}). A bucket read from here may be
 * changed in place and then {@link #put} back.
 */
final class VocBuckets {
    private final TreeMap<Long, VocBucket> buckets = new TreeMap<>();
    private final Set<Long> changed = new HashSet<>();
    private final Set<Long> removed = new HashSet<>();

    /** The current key's buckets as its map state holds them. */
    static VocBuckets load(MapState<Long, VocBucket> state) throws Exception {
        VocBuckets b = new VocBuckets();
        for (Map.Entry<Long, VocBucket> e : state.entries()) {
            b.buckets.put(e.getKey(), e.getValue());
        }
        return b;
    }

    VocBucket get(long start) {
        return buckets.get(start);
    }

    void put(long start, VocBucket bucket) {
        buckets.put(start, bucket);
        changed.add(start);
        removed.remove(start);
    }

    /** Removes every bucket that starts before {@code cutoff}; returns whether any did. */
    boolean removeBefore(long cutoff) {
        NavigableMap<Long, VocBucket> old = buckets.headMap(cutoff, false);
        if (old.isEmpty()) {
            return false;
        }
        List<Long> starts = new ArrayList<>(old.keySet());
        old.clear();
        changed.removeAll(starts);
        removed.addAll(starts);
        return true;
    }

    /** The buckets by start, read-only. */
    NavigableMap<Long, VocBucket> view() {
        return Collections.unmodifiableNavigableMap(buckets);
    }

    /** The start of the newest bucket; Long.MIN_VALUE: none. */
    long newest() {
        return buckets.isEmpty() ? Long.MIN_VALUE : buckets.lastKey();
    }

    /** Whether anything changed since the last {@link #writeTo}. */
    boolean dirty() {
        return !changed.isEmpty() || !removed.isEmpty();
    }

    /** Writes what changed to the current key's map state: one put per changed bucket, one remove per removed. */
    void writeTo(MapState<Long, VocBucket> state) throws Exception {
        for (Long start : changed) {
            state.put(start, buckets.get(start));
        }
        for (Long start : removed) {
            state.remove(start);
        }
        changed.clear();
        removed.clear();
    }
}
