package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.detect.Trigger;
import io.cxstream.io.Metrics;
import io.cxstream.metrics.BucketedHistogram;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outreach decision, per customer: drops triggers the customer did not consent to (on that
 * route), drops a trigger that fired for the same customer within the cooldown (event time), routes
 * the rest and gives each a deterministic outreachId.
 *
 * <p>Input 1: triggers from the detectors. Input 2: consent changes and erasure requests. A trigger
 * is decided in event time: it waits (in {@link #pendingDescriptor()}) until this operator's
 * watermark passes its last evidence, i.e. until every consent change stamped before that evidence
 * has arrived on input 2 — the inputs are separate topics and channels, so a consent change can
 * arrive after a trigger it precedes. So an opt-out stops outreach whose pattern was already
 * half-matched, and one sent a moment before a survey answer stops the alert on that answer. Counts {@code cx_outreach_emitted} by trigger and route and
 * {@code cx_outreach_suppressed} by reason.
 *
 * <p>Erasure: the customer's erasure request reaches this operator on every channel it has — the
 * consent input, and each detector's trigger stream as an erasure marker the detector sends once it
 * has forgotten the customer ({@link Trigger#erasure}). Each channel is in order, so every trigger a
 * detector built from pre-erasure events arrives before that detector's marker, and nothing after it
 * does. Each arrival clears what came on that channel: the consent input clears consent, a detector's
 * marker clears that detector's cooldown and waiting triggers. Until a detector's marker has arrived,
 * its triggers are pre-erasure and are dropped (counted as suppressed, reason {@value #SUPPRESSED_ERASED}),
 * however they raced the request here. {@link #erasuresDescriptor(Duration)} counts the requests seen per
 * channel meanwhile and is cleared when every channel has caught up, so nothing of the customer stays.
 */
public class OutreachDecisionFunction extends KeyedCoProcessFunction<String, Trigger, ConsentEvent, OutreachEvent> {
    private static final long serialVersionUID = 1L;

    public static final String SUPPRESSED_CONSENT = "consent";
    public static final String SUPPRESSED_COOLDOWN = "cooldown";
    public static final String SUPPRESSED_ERASED = "erased";

    /** The erasure channel of the consent input (the others are the detectors' trigger types). */
    static final String CONSENT_CHANNEL = "consent";

    /** Last emitted outreach per trigger type (event time, epoch millis); expires with the cooldown. */
    public static MapStateDescriptor<String, Long> cooldownDescriptor(Duration cooldown) {
        MapStateDescriptor<String, Long> d = new MapStateDescriptor<>("cooldown", Types.STRING, Types.LONG);
        d.enableTimeToLive(ttl(cooldown.isZero() ? Duration.ofMillis(1) : cooldown));
        return d;
    }

    /** Triggers waiting for the watermark to pass their last evidence: event time → triggers. */
    public static MapStateDescriptor<Long, List<Trigger>> pendingDescriptor() {
        return new MapStateDescriptor<>("pending", Types.LONG, Types.LIST(TypeInformation.of(Trigger.class)));
    }

    /**
     * Erasure requests seen per channel ({@value #CONSENT_CHANNEL} or a trigger type), while an
     * erasure is under way: a channel with fewer than the most is behind. Empty between erasures.
     */
    public static ValueStateDescriptor<Map<String, Integer>> erasuresDescriptor(Duration stateTtl) {
        // One value, not a MapState: read for every trigger, and a point lookup is cheaper than an iterator.
        ValueStateDescriptor<Map<String, Integer>> d = new ValueStateDescriptor<>("erasures", Types.MAP(Types.STRING, Types.INT));
        // A safety net only (e.g. a detector enabled while an erasure was under way never sends its marker).
        d.enableTimeToLive(ttl(stateTtl));
        return d;
    }

    /** Consent flags: bit 0 = service stated, bit 1 = service allowed, bit 2 = marketing stated, bit 3 = marketing allowed. */
    public static ValueStateDescriptor<Integer> consentDescriptor(Duration stateTtl) {
        ValueStateDescriptor<Integer> d = new ValueStateDescriptor<>("consent", Types.INT);
        d.enableTimeToLive(ttl(stateTtl));
        return d;
    }

    private static StateTtlConfig ttl(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
    }

    static final int SERVICE_STATED = 1;
    static final int SERVICE_ALLOWED = 2;
    static final int MARKETING_STATED = 4;
    static final int MARKETING_ALLOWED = 8;

    private final Duration cooldown;
    private final Duration stateTtl;
    private final boolean defaultServiceConsent;
    private final boolean defaultMarketingConsent;
    private final List<String> erasureChannels;

    private transient MapState<String, Long> lastEmitted;
    private transient ValueState<Map<String, Integer>> erasures;
    private transient MapState<Long, List<Trigger>> pending;
    private transient ValueState<Integer> consent;
    private transient MetricGroup metrics;
    private transient Map<String, Counter> emitted;
    private transient Map<String, Counter> suppressed;
    private transient Histogram latency;

    /**
     * @param detectors the trigger types of the enabled detectors: each sends an erasure marker
     */
    public OutreachDecisionFunction(Duration cooldown, Duration stateTtl, boolean defaultServiceConsent,
                                    boolean defaultMarketingConsent, List<TriggerType> detectors) {
        this.cooldown = cooldown;
        this.stateTtl = stateTtl;
        this.defaultServiceConsent = defaultServiceConsent;
        this.defaultMarketingConsent = defaultMarketingConsent;
        this.erasureChannels = new ArrayList<>();
        erasureChannels.add(CONSENT_CHANNEL);
        for (TriggerType type : detectors) {
            erasureChannels.add(type.name());
        }
    }

    @Override
    public void open(OpenContext openContext) {
        lastEmitted = getRuntimeContext().getMapState(cooldownDescriptor(cooldown));
        consent = getRuntimeContext().getState(consentDescriptor(stateTtl));
        pending = getRuntimeContext().getMapState(pendingDescriptor());
        erasures = getRuntimeContext().getState(erasuresDescriptor(stateTtl));
        metrics = getRuntimeContext().getMetricGroup();
        emitted = new HashMap<>();
        suppressed = new HashMap<>();
        latency = metrics.histogram(Metrics.ALERT_LATENCY, BucketedHistogram.latencyMillis());
    }

    @Override
    public void processElement1(Trigger trigger, Context ctx, Collector<OutreachEvent> out) throws Exception {
        if (trigger.erasure) {
            forgetDetector(trigger.type);
            return;
        }
        if (preErasure(trigger)) {
            count(suppressed, SUPPRESSED_ERASED, trigger.type, Routing.routeOf(trigger.type));
            return;
        }
        long time = trigger.lastEvidenceTime;
        if (time <= ctx.timerService().currentWatermark()) {
            decide(trigger, ctx.timerService().currentProcessingTime(), out);
            return;
        }
        List<Trigger> waiting = pending.get(time);
        if (waiting == null) {
            waiting = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(time);
        }
        waiting.add(trigger);
        pending.put(time, waiting);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutreachEvent> out) throws Exception {
        List<Trigger> waiting = pending.get(timestamp);
        if (waiting == null) {
            return; // erased meanwhile
        }
        pending.remove(timestamp);
        long now = ctx.timerService().currentProcessingTime();
        for (Trigger trigger : waiting) {
            if (preErasure(trigger)) { // it waited here, then an erasure began that its detector has not passed on yet
                count(suppressed, SUPPRESSED_ERASED, trigger.type, Routing.routeOf(trigger.type));
            } else {
                decide(trigger, now, out);
            }
        }
    }

    private void decide(Trigger trigger, long now, Collector<OutreachEvent> out) throws Exception {
        Route route = Routing.routeOf(trigger.type);
        if (!consented(route)) {
            count(suppressed, SUPPRESSED_CONSENT, trigger.type, route);
            return;
        }
        String key = trigger.type.name();
        Long last = lastEmitted.get(key);
        if (last != null && trigger.lastEvidenceTime < last + cooldown.toMillis()) {
            count(suppressed, SUPPRESSED_COOLDOWN, trigger.type, route);
            return;
        }
        lastEmitted.put(key, trigger.lastEvidenceTime);

        OutreachEvent outreach = OutreachEvent.newBuilder()
                .setOutreachId(OutreachIds.of(trigger.customerId, trigger.type, trigger.evidence))
                .setCustomerId(trigger.customerId)
                .setTrigger(trigger.type)
                .setRoute(route)
                .setPriority(trigger.priority)
                .setReason(trigger.reason)
                .setRecommendedAction(trigger.recommendedAction)
                .setEvidence(trigger.evidence)
                .setJourney(trigger.snapshot)
                .setAgentId(trigger.agentId)
                .setLastEvidenceTime(Instant.ofEpochMilli(trigger.lastEvidenceTime))
                .setEmittedAt(Instant.ofEpochMilli(now))
                .build();
        count(emitted, null, trigger.type, route);
        latency.update(Math.max(0, now - trigger.lastEvidenceTime));
        out.collect(outreach);
    }

    @Override
    public void processElement2(ConsentEvent event, Context ctx, Collector<OutreachEvent> out) throws Exception {
        if (event.getAction() == ConsentAction.ERASE) {
            consent.clear();
            erasureArrived(CONSENT_CHANNEL);
            return;
        }
        boolean allowed = event.getAction() == ConsentAction.OPT_IN;
        int flags = consent.value() == null ? 0 : consent.value();
        ConsentPurpose purpose = event.getPurpose();
        if (purpose == ConsentPurpose.SERVICE || purpose == ConsentPurpose.ALL) {
            flags = (flags & ~SERVICE_ALLOWED) | SERVICE_STATED | (allowed ? SERVICE_ALLOWED : 0);
        }
        if (purpose == ConsentPurpose.MARKETING || purpose == ConsentPurpose.ALL) {
            flags = (flags & ~MARKETING_ALLOWED) | MARKETING_STATED | (allowed ? MARKETING_ALLOWED : 0);
        }
        consent.update(flags);
    }

    /** A detector forgot the customer: so do its cooldown and the triggers of it still waiting here. */
    private void forgetDetector(TriggerType type) throws Exception {
        lastEmitted.remove(type.name());
        Map<Long, List<Trigger>> changed = new HashMap<>();
        for (Map.Entry<Long, List<Trigger>> entry : pending.entries()) {
            List<Trigger> kept = new ArrayList<>(entry.getValue());
            if (kept.removeIf(t -> t.type == type)) {
                changed.put(entry.getKey(), kept);
            }
        }
        for (Map.Entry<Long, List<Trigger>> entry : changed.entrySet()) {
            if (entry.getValue().isEmpty()) {
                pending.remove(entry.getKey()); // its timer fires and finds nothing
            } else {
                pending.put(entry.getKey(), entry.getValue());
            }
        }
        erasureArrived(type.name());
    }

    /** Counts an erasure request on one channel; once every channel has seen as many, forgets the counts. */
    private void erasureArrived(String channel) throws Exception {
        Map<String, Integer> seen = erasures.value() == null ? new HashMap<>() : new HashMap<>(erasures.value());
        seen.merge(channel, 1, Integer::sum);
        int most = Collections.max(seen.values());
        for (String c : erasureChannels) {
            if (seen.getOrDefault(c, 0) < most) {
                erasures.update(seen);
                return;
            }
        }
        erasures.clear();
    }

    /** Whether an erasure is under way that this trigger's detector has not yet passed on. */
    private boolean preErasure(Trigger trigger) throws Exception {
        Map<String, Integer> seen = erasures.value();
        return seen != null && seen.getOrDefault(trigger.type.name(), 0) < Collections.max(seen.values());
    }

    private boolean consented(Route route) throws Exception {
        Integer value = consent.value();
        int flags = value == null ? 0 : value;
        if (route == Route.MARKETING) {
            return (flags & MARKETING_STATED) != 0 ? (flags & MARKETING_ALLOWED) != 0 : defaultMarketingConsent;
        }
        return (flags & SERVICE_STATED) != 0 ? (flags & SERVICE_ALLOWED) != 0 : defaultServiceConsent;
    }

    private void count(Map<String, Counter> counters, String reason, TriggerType trigger, Route route) {
        String key = reason + '/' + trigger + '/' + route;
        counters.computeIfAbsent(key, k -> {
            MetricGroup g = metrics;
            if (reason != null) {
                g = g.addGroup("reason", reason);
            }
            return g.addGroup("trigger", trigger.name()).addGroup("route", route.name())
                    .counter(reason == null ? Metrics.OUTREACH_EMITTED : Metrics.OUTREACH_SUPPRESSED);
        }).inc();
    }
}
