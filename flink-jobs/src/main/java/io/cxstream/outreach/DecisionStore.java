package io.cxstream.outreach;

import io.cxstream.avro.DecisionState;
import io.cxstream.avro.HeldFinding;
import io.cxstream.io.Metrics;
import io.cxstream.rules.Trigger;
import io.cxstream.state.AvroStateTypes;
import io.cxstream.state.CachedValueState;
import io.cxstream.state.StateTtl;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The outreach decision's customer values: the keyed {@code decision} state ({@link #descriptor})
 * behind the heap cache ({@link CachedValueState}, as the journey's). Reads go to the cache
 * first; writes go to the backend at once, or — after {@link #writeBack(KeyContext)} — when a value
 * leaves the cache or on {@link #flush(long)} (before every snapshot). An empty value is stored as no
 * value. Counts hits, misses and backend writes ({@code cx_outreach_cache_hits}, {@code _misses},
 * {@code cx_outreach_state_writes}). Every method but {@link #flush(long)} works on the current key's
 * customer, named by the caller.
 *
 * <p>Versions before the one value kept the same facts in three states ({@code pending}, {@code
 * cooldown}, {@code consent-last-sent}). A restored customer's are moved into the value on its first
 * read and written at once; once the operator has found none left ({@link #checkLegacyState}), reads
 * skip them.
 */
final class DecisionStore {
    private static final String LEGACY_PENDING = "pending";
    private static final String LEGACY_COOLDOWN = "cooldown";

    private final CachedValueState<DecisionState> values;
    private final MapState<Long, List<Trigger>> legacyPending;
    private final MapState<String, Long> legacyCooldown;
    private final ValueState<long[]> legacySent;
    private boolean legacy = true;

    /**
     * The customer's held findings, cooldowns and last outreach per purpose. Expires (processing time)
     * after the longer of the longest cooldown a rule may have and {@code state.ttl} since its last
     * write: cooldowns are decided in event time, the TTL is a safety net that a catch-up still finds.
     */
    static ValueStateDescriptor<DecisionState> descriptor(Duration maxCooldown, Duration stateTtl) {
        ValueStateDescriptor<DecisionState> d =
                new ValueStateDescriptor<>("decision", AvroStateTypes.of(DecisionState.class));
        d.enableTimeToLive(StateTtl.afterWrite(ttl(maxCooldown, stateTtl)));
        return d;
    }

    /** Earlier versions' findings waiting for their decision point: decision point → findings. */
    static MapStateDescriptor<Long, List<Trigger>> legacyPendingDescriptor() {
        return new MapStateDescriptor<>(LEGACY_PENDING, Types.LONG, Types.LIST(TypeInformation.of(Trigger.class)));
    }

    /** Earlier versions' last emitted outreach per trigger name (event time). */
    static MapStateDescriptor<String, Long> legacyCooldownDescriptor(Duration maxCooldown, Duration stateTtl) {
        MapStateDescriptor<String, Long> d = new MapStateDescriptor<>(LEGACY_COOLDOWN, Types.STRING, Types.LONG);
        d.enableTimeToLive(StateTtl.afterWrite(ttl(maxCooldown, stateTtl)));
        return d;
    }

    private static Duration ttl(Duration maxCooldown, Duration stateTtl) {
        return maxCooldown.compareTo(stateTtl) > 0 ? maxCooldown : stateTtl;
    }

    /** @param cacheSize most values on the heap (0: no cache) */
    DecisionStore(RuntimeContext context, Duration maxCooldown, Duration stateTtl, int cacheSize) {
        this.values = new CachedValueState<>(
                context.getState(descriptor(maxCooldown, stateTtl)),
                ttl(maxCooldown, stateTtl),
                cacheSize,
                DecisionStore::isEmpty,
                context.getMetricGroup().counter(Metrics.OUTREACH_CACHE_HITS),
                context.getMetricGroup().counter(Metrics.OUTREACH_CACHE_MISSES),
                context.getMetricGroup().counter(Metrics.OUTREACH_STATE_WRITES));
        this.legacyPending = context.getMapState(legacyPendingDescriptor());
        this.legacyCooldown = context.getMapState(legacyCooldownDescriptor(maxCooldown, stateTtl));
        this.legacySent = context.getState(ConsentHistory.legacySentDescriptor(stateTtl));
    }

    /** The current customer's value as last put (cache, else the backend), or null. */
    DecisionState get(String customer, long now) throws Exception {
        DecisionState value = values.get(customer, now);
        return value == null && legacy ? moveLegacy() : value;
    }

    /** Stores the current customer's value (in-place changes included): in the backend now, or held back. */
    void put(String customer, DecisionState value, long now) throws Exception {
        values.put(customer, value, now);
    }

    /** Clears the current customer's value, any change held back for it and what earlier versions kept. */
    void clear(String customer) {
        values.clear(customer);
        if (legacy) {
            legacyPending.clear();
            legacyCooldown.clear();
            legacySent.clear();
        }
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
     * Looks whether the (restored) backend holds any customer's state of the earlier layout; if none,
     * reads stop looking for it. Called by the operator once it is open.
     */
    void checkLegacyState(KeyedStateBackend<?> backend) {
        legacy = hasKeys(backend, LEGACY_PENDING)
                || hasKeys(backend, LEGACY_COOLDOWN)
                || hasKeys(backend, ConsentHistory.LEGACY_SENT);
    }

    boolean readsLegacyState() {
        return legacy;
    }

    private static boolean hasKeys(KeyedStateBackend<?> backend, String state) {
        try (Stream<?> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.findAny().isPresent();
        }
    }

    static boolean isEmpty(DecisionState v) {
        return v.getHeld().isEmpty()
                && v.getCooldowns().isEmpty()
                && v.getLastSentService() == null
                && v.getLastSentMarketing() == null;
    }

    /** The current customer's state of the earlier layout as one value, written at once; null if none. */
    private DecisionState moveLegacy() throws Exception {
        long[] sent = legacySent.value();
        if (legacyPending.isEmpty() && legacyCooldown.isEmpty() && sent == null) {
            return null;
        }
        List<HeldFinding> held = new ArrayList<>();
        for (Map.Entry<Long, List<Trigger>> e : legacyPending.entries()) {
            for (Trigger t : e.getValue()) {
                held.add(held(t));
            }
        }
        held.sort(Comparator.comparingLong(HeldFinding::getLastEvidenceTime));
        Map<String, Long> cooldowns = new HashMap<>();
        for (Map.Entry<String, Long> e : legacyCooldown.entries()) {
            cooldowns.put(e.getKey(), e.getValue());
        }
        DecisionState value = new DecisionState(
                held,
                cooldowns,
                sent == null || sent[0] == ConsentHistory.NONE ? null : sent[0],
                sent == null || sent[1] == ConsentHistory.NONE ? null : sent[1]);
        legacyPending.clear();
        legacyCooldown.clear();
        legacySent.clear();
        values.write(value);
        return value;
    }

    /** A finding as the value holds it until its decision point. */
    static HeldFinding held(Trigger t) {
        return new HeldFinding(
                t.trigger,
                t.ruleId,
                t.ruleVersion,
                t.route,
                t.priority,
                t.cooldownMillis,
                t.reason,
                t.recommendedAction,
                t.evidence,
                t.snapshot,
                t.agentId,
                t.lastEvidenceTime);
    }
}
