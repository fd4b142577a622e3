package io.cxstream.state;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.KeyContext;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * A keyed value state behind the heap {@link StateCache}: the journey's values ({@code JourneyStore})
 * and the outreach decision's ({@code DecisionStore}). Reads go to the cache first; writes go to the
 * backend at once, or — after {@link #writeBack(KeyContext)} — when a value leaves the cache or on
 * {@link #flush(long)} (before every snapshot). A value the {@code empty} predicate accepts is stored as
 * no value. Counts cache hits, misses and backend writes. Every method but {@link #flush(long)} works on
 * the current key's customer, named by the caller.
 */
public final class CachedValueState<V> {
    private final ValueState<V> state;
    private final StateCache<V> cache;
    private final Predicate<V> empty;
    private final Counter hits;
    private final Counter misses;
    private final Counter writes;

    /**
     * @param ttl the state's time-to-live after a write
     * @param cacheSize most values on the heap (0: no cache)
     * @param empty values stored as a clear
     */
    public CachedValueState(
            ValueState<V> state,
            Duration ttl,
            int cacheSize,
            Predicate<V> empty,
            Counter hits,
            Counter misses,
            Counter writes) {
        this.state = state;
        this.cache = new StateCache<>(cacheSize, ttl.toMillis());
        this.empty = empty;
        this.hits = hits;
        this.misses = misses;
        this.writes = writes;
    }

    /** The current customer's value as last put (cache, else the backend), or null. */
    public V get(String customer, long now) throws Exception {
        if (cache.enabled()) {
            V cached = cache.get(customer, now);
            if (cached != null) {
                hits.inc();
                return cached;
            }
            misses.inc();
        }
        return state.value();
    }

    /** Stores the current customer's value (in-place changes included): in the backend now, or held back. */
    public void put(String customer, V value, long now) throws Exception {
        if (!cache.writesBack()) {
            write(value);
        }
        cache.put(customer, value, now);
    }

    /** Writes the current customer's value to the backend now, past the cache (a value moved from an older layout). */
    public void write(V value) throws Exception {
        writes.inc();
        if (empty.test(value)) {
            state.clear();
        } else {
            state.update(value);
        }
    }

    /** Clears the current customer's value, and any change held back for it. */
    public void clear(String customer) {
        state.clear();
        cache.remove(customer);
    }

    /**
     * From now on, changes are held back (when the cache is on) and each written under its own
     * customer's key when it leaves the cache or on {@link #flush(long)}; {@code keys} is the operator's.
     */
    public void writeBack(KeyContext keys) {
        cache.writeBackTo(StateCache.underItsKey(keys, this::write));
    }

    /** Writes every change held back to the backend (as of processing time {@code now}). */
    public void flush(long now) throws Exception {
        cache.flush(now);
    }
}
