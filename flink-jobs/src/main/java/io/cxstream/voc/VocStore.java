package io.cxstream.voc;

import io.cxstream.state.StateCache;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * The minute and hour buckets of the VoC keys an aggregation instance saw last, on the heap: an answer
 * then costs a hash lookup instead of two RocksDB reads and two writes of a serialized bucket, and a
 * minute's rolling windows read the heap instead of iterating two map states (whose RocksDB iterators
 * walk past the removed buckets' tombstones). VoC keys are few and hot ({@code voc.max-values} per
 * dimension), so the cache normally holds all of them.
 *
 * <p>Write-through until {@link #writeBack(KeyContext)}: each change is written to the key's map states
 * when the caller is {@link #done}. After it, changes are held back and written once per key when the
 * key leaves the cache (least recently used, over capacity) or on {@link #flush()}, which {@link
 * VocAggregateOperator} calls before every checkpoint and savepoint, so snapshots hold exactly what
 * writing each change at once would have written (same states as before the cache; a restored instance
 * starts with an empty cache); the cache is the journey's {@link StateCache}, without a time-to-live
 * (VoC state has none). Only for state backends that copy on write (RocksDB): on the heap backend
 * the buckets are the state's own objects, so capacity 0 there.
 */
final class VocStore {
    /** One key's buckets. */
    static final class Series {
        final VocBuckets minutes;
        final VocBuckets hours;

        Series(VocBuckets minutes, VocBuckets hours) {
            this.minutes = minutes;
            this.hours = hours;
        }

        boolean dirty() {
            return minutes.dirty() || hours.dirty();
        }
    }

    private final MapState<Long, VocBucket> minuteState;
    private final MapState<Long, VocBucket> hourState;
    private final StateCache<Series> cache;
    private final Counter hits;
    private final Counter misses;
    private final Counter writes;

    /**
     * @param capacity most keys on the heap (0: none)
     * @param hits reads served from the heap
     * @param misses reads that went to the map states (with a cache)
     * @param writes a key's changes written to its map states
     */
    VocStore(
            MapState<Long, VocBucket> minuteState,
            MapState<Long, VocBucket> hourState,
            int capacity,
            Counter hits,
            Counter misses,
            Counter writes) {
        this.minuteState = minuteState;
        this.hourState = hourState;
        this.cache = new StateCache<>(capacity, Long.MAX_VALUE);
        this.hits = hits;
        this.misses = misses;
        this.writes = writes;
    }

    /** From now on, changes are held back and written under their own key; {@code keys} is the operator's. */
    void writeBack(KeyContext keys) {
        cache.writeBackTo(StateCache.underItsKey(keys, this::write));
    }

    /** The current key's buckets: cached, or read from its map states. */
    Series get(String key) throws Exception {
        Series s = cache.get(key, 0);
        if (s != null) {
            hits.inc();
            return s;
        }
        if (cache.enabled()) {
            misses.inc();
        }
        return new Series(VocBuckets.load(minuteState), VocBuckets.load(hourState));
    }

    /** The caller is done with the current key's buckets: written now unless held back, and cached. */
    void done(String key, Series s) throws Exception {
        if (!cache.writesBack()) {
            write(s);
        }
        cache.put(key, s, 0);
    }

    /** Writes every key's held-back changes under its own key. */
    void flush() throws Exception {
        cache.flush(0);
    }

    /** The counts of cx_voc_cache_hits, cx_voc_cache_misses and cx_voc_state_writes so far. */
    long[] counts() {
        return new long[] {hits.getCount(), misses.getCount(), writes.getCount()};
    }

    /** Writes what changed in the current key's buckets (nothing, if nothing did). */
    private void write(Series s) throws Exception {
        if (s.dirty()) {
            writes.inc();
            s.minutes.writeTo(minuteState);
            s.hours.writeTo(hourState);
        }
    }
}
