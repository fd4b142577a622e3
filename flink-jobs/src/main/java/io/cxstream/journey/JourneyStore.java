package io.cxstream.journey;

import io.cxstream.avro.JourneyState;
import io.cxstream.io.Metrics;
import io.cxstream.state.StateCache;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.KeyContext;

import java.time.Duration;

/**
 * The journey operator's customer values: the keyed {@code journey} state ({@link
 * JourneyFunction#journeyDescriptor}) behind the heap {@link StateCache}. Reads go to the cache
 * first; writes go to the backend at once, or — after {@link #writeBack(KeyContext)} — when a value
 * leaves the cache or on {@link #flush(long)} (before every snapshot). Counts hits, misses and
 * backend writes ({@code cx_journey_cache_hits}, {@code _misses}, {@code cx_journey_state_writes}).
 * Every method but {@link #flush(long)} works on the current key's customer, named by the caller.
 */
final class JourneyStore {
    private final ValueState<JourneyState> journey;
    private final StateCache<JourneyState> cache;
    private final Counter hits;
    private final Counter misses;
    private final Counter writes;

    /**
     * @param ttl the state's time-to-live after a write ({@code state.ttl})
     * @param cacheSize most values on the heap (0: no cache)
     */
    JourneyStore(RuntimeContext context, Duration ttl, int cacheSize) {
        this.journey = context.getState(JourneyFunction.journeyDescriptor(ttl));
        this.cache = new StateCache<>(cacheSize, ttl.toMillis());
        this.hits = context.getMetricGroup().counter(Metrics.JOURNEY_CACHE_HITS);
        this.misses = context.getMetricGroup().counter(Metrics.JOURNEY_CACHE_MISSES);
        this.writes = context.getMetricGroup().counter(Metrics.JOURNEY_STATE_WRITES);
    }

    /** The current customer's value as last put (cache, else the backend), or null. */
    JourneyState get(String customer, long now) throws Exception {
        if (cache.enabled()) {
            JourneyState cached = cache.get(customer, now);
            if (cached != null) {
                hits.inc();
                return cached;
            }
            misses.inc();
        }
        return journey.value();
    }

    /** Stores the current customer's value: in the backend now, or held back when writing back. */
    void put(String customer, JourneyState value, long now) throws Exception {
        if (!cache.writesBack()) {
            journey.update(value);
            writes.inc();
        }
        cache.put(customer, value, now);
    }

    /** Clears the current customer's value, and any change held back for it. */
    void clear(String customer) {
        journey.clear();
        cache.remove(customer);
    }

    /**
     * From now on, changes are held back (when the cache is on) and each written under its own
     * customer's key when it leaves the cache or on {@link #flush(long)}; {@code keys} is the operator's.
     */
    void writeBack(KeyContext keys) {
        cache.writeBackTo((customer, value) -> {
            Object current = keys.getCurrentKey();
            keys.setCurrentKey(customer);
            journey.update(value);
            writes.inc();
            if (current != null) {
                keys.setCurrentKey(current);
            }
        });
    }

    /** Writes every change held back to the backend (as of processing time {@code now}). */
    void flush(long now) throws Exception {
        cache.flush(now);
    }
}
