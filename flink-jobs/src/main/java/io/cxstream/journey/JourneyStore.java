package io.cxstream.journey;

import io.cxstream.avro.JourneyStage;
import io.cxstream.avro.JourneyState;
import io.cxstream.avro.RuleState;
import io.cxstream.io.Metrics;
import io.cxstream.rules.RuleEngine;
import io.cxstream.rules.RuleTimers;
import io.cxstream.state.CachedValueState;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.KeyContext;

import java.time.Duration;
import java.util.ArrayList;

/**
 * The journey operator's customer values: the keyed {@code journey} state ({@link
 * JourneyFunction#journeyDescriptor}) behind the heap cache ({@link CachedValueState}), and the erasure
 * tombstone of a customer without one ({@link JourneyFunction#erasedDescriptor}). Reads go to the cache
 * first; writes go to the backend at once, or — after {@link #writeBack(KeyContext)} — when a value
 * leaves the cache or on {@link #flush(long)} (before every snapshot). Counts hits, misses and backend
 * writes ({@code cx_journey_cache_hits}, {@code _misses}, {@code cx_journey_state_writes}). Every method but
 * {@link #flush(long)} works on the current key's customer, named by the caller.
 *
 * <p>Values of {@link #LAYOUT} 1 kept the rule progress in a state of its own ({@link
 * RuleEngine#legacyStateDescriptor}) and the tombstone only in {@code erased-at}: a restored customer's are
 * moved into the value on its first read and written at once.
 */
final class JourneyStore {
    /** The {@link JourneyState#getLayout() layout} this version writes: rule progress and tombstone inside. */
    static final int LAYOUT = 2;

    private final CachedValueState<JourneyState> values;
    private final ValueState<Long> erasedAt;
    private final ValueState<RuleState> legacyRules;

    /**
     * @param stateTtl how long a value is kept after its last write ({@code state.ttl})
     * @param erasureMemory how long a tombstone is kept after the erasure
     * @param cacheSize most values on the heap (0: no cache)
     */
    JourneyStore(RuntimeContext context, Duration stateTtl, Duration erasureMemory, int cacheSize) {
        MetricGroup metrics = context.getMetricGroup();
        this.values = new CachedValueState<>(
                context.getState(JourneyFunction.journeyDescriptor(stateTtl)),
                stateTtl,
                cacheSize,
                journey -> false,
                metrics.counter(Metrics.JOURNEY_CACHE_HITS),
                metrics.counter(Metrics.JOURNEY_CACHE_MISSES),
                metrics.counter(Metrics.JOURNEY_STATE_WRITES));
        this.erasedAt = context.getState(JourneyFunction.erasedDescriptor(erasureMemory));
        this.legacyRules = context.getState(RuleEngine.legacyStateDescriptor(stateTtl));
    }

    /**
     * The current customer's value, or null. One an earlier version wrote is moved to the current
     * layout (its rule progress and tombstone copied in, the rule timers registered again through
     * {@code timers}) and written at once, whatever becomes of the event that read it.
     */
    JourneyState get(String customer, TimerService timers) throws Exception {
        long now = timers.currentProcessingTime();
        JourneyState state = values.get(customer, now);
        if (state != null && state.getLayout() < LAYOUT) {
            state.setRules(legacyRules.value());
            legacyRules.clear();
            state.setErasedAt(erasedAt.value());
            state.setLayout(LAYOUT);
            RuleTimers.resume(state.getRules(), timers);
            values.put(customer, state, now);
        }
        return state;
    }

    /** The current customer's erasure time: from its value ({@code state}) if it has one, else from the tombstone. */
    Long tombstone(JourneyState state) throws Exception {
        return state != null ? state.getErasedAt() : erasedAt.value();
    }

    /** Stores the current customer's value (in-place changes included): in the backend now, or held back. */
    void put(String customer, JourneyState state, long now) throws Exception {
        values.put(customer, state, now);
    }

    /**
     * Erases the current customer at event time {@code time}: clears its value (with any change held
     * back) and what an earlier version kept, and leaves the tombstone, keeping the latest erasure's time.
     */
    void erase(String customer, long time) throws Exception {
        Long erased = erasedAt.value();
        erasedAt.update(Math.max(erased == null ? Long.MIN_VALUE : erased, time));
        values.clear(customer);
        legacyRules.clear();
    }

    /** Changes are held back from now on, each written under its own customer's key; {@code keys} is the operator's. */
    void writeBack(KeyContext keys) {
        values.writeBack(keys);
    }

    /** Writes every change held back to the backend (as of processing time {@code now}). */
    void flush(long now) throws Exception {
        values.flush(now);
    }

    /**
     * A new customer's value: the schema's defaults (what {@code JourneyState.newBuilder().build()}
     * gives, without the builder's copy of every default), its tombstone and the current layout.
     */
    static JourneyState newState(Long erasedAt) {
        return new JourneyState(
                JourneyStage.UNKNOWN,
                null,
                0,
                0,
                0L,
                null,
                null,
                null,
                new ArrayList<>(),
                null,
                null,
                0L,
                0L,
                0L,
                null,
                true,
                null,
                erasedAt,
                LAYOUT);
    }
}
