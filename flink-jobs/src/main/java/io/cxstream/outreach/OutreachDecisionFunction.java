package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.io.Metrics;
import io.cxstream.metrics.BucketedHistogram;
import io.cxstream.rules.Trigger;

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
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outreach decision, per customer: drops findings the customer did not consent to (on the rule's
 * route), drops a finding whose trigger fired for the same customer within the rule's cooldown (event
 * time), and gives the rest a deterministic outreachId.
 *
 * <p>Its one input is the journey operator's {@code triggers} output, in the customer's order:
 * findings, consent changes and erasure markers. A finding is decided in event time: it waits (in
 * {@link #pendingDescriptor()}) until the watermark passes its last evidence, so every consent change
 * stamped before that evidence has arrived — consents come from their own topic and can arrive after
 * a finding they precede. An erasure marker comes after every finding built from the customer's
 * earlier events, so erasure is a plain {@code clear()} of everything kept here.
 * Counts {@code cx_outreach_emitted} by trigger and route and {@code cx_outreach_suppressed} by reason.
 */
public class OutreachDecisionFunction extends KeyedProcessFunction<String, Trigger, OutreachEvent> {
    private static final long serialVersionUID = 1L;

    public static final String SUPPRESSED_CONSENT = "consent";
    public static final String SUPPRESSED_COOLDOWN = "cooldown";

    /**
     * Last emitted outreach per trigger name (event time, epoch millis). A cooldown is decided in event
     * time; the processing-time TTL is only a safety net, at least the longest cooldown a rule may have
     * and at least {@code state.ttl}, so a restore or a catch-up after a long stop still finds it.
     */
    public static MapStateDescriptor<String, Long> cooldownDescriptor(Duration maxCooldown, Duration stateTtl) {
        MapStateDescriptor<String, Long> d = new MapStateDescriptor<>("cooldown", Types.STRING, Types.LONG);
        d.enableTimeToLive(ttl(maxCooldown.compareTo(stateTtl) > 0 ? maxCooldown : stateTtl));
        return d;
    }

    /** Findings waiting for the watermark to pass their last evidence: event time → findings. */
    public static MapStateDescriptor<Long, List<Trigger>> pendingDescriptor() {
        return new MapStateDescriptor<>("pending", Types.LONG, Types.LIST(TypeInformation.of(Trigger.class)));
    }

    /**
     * Consent flags: bit 0 = service stated, bit 1 = service allowed, bit 2 = marketing stated, bit 3 =
     * marketing allowed. No TTL: a stated consent (an opt-out above all) holds until it is changed or
     * the customer is erased; only the defaults are implicit.
     */
    public static ValueStateDescriptor<Integer> consentDescriptor() {
        return new ValueStateDescriptor<>("consent", Types.INT);
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

    private final Duration maxCooldown;
    private final Duration stateTtl;
    private final boolean defaultServiceConsent;
    private final boolean defaultMarketingConsent;

    private transient MapState<String, Long> lastEmitted;
    private transient MapState<Long, List<Trigger>> pending;
    private transient ValueState<Integer> consent;
    private transient MetricGroup metrics;
    private transient Map<String, Counter> counters;
    private transient Histogram latency;

    /**
     * @param maxCooldown the longest cooldown a rule may have (rules.max-window): how long cooldown state is kept
     */
    public OutreachDecisionFunction(Duration maxCooldown, Duration stateTtl, boolean defaultServiceConsent,
                                    boolean defaultMarketingConsent) {
        this.maxCooldown = maxCooldown;
        this.stateTtl = stateTtl;
        this.defaultServiceConsent = defaultServiceConsent;
        this.defaultMarketingConsent = defaultMarketingConsent;
    }

    @Override
    public void open(OpenContext openContext) {
        lastEmitted = getRuntimeContext().getMapState(cooldownDescriptor(maxCooldown, stateTtl));
        consent = getRuntimeContext().getState(consentDescriptor());
        pending = getRuntimeContext().getMapState(pendingDescriptor());
        metrics = getRuntimeContext().getMetricGroup();
        counters = new HashMap<>();
        latency = metrics.histogram(Metrics.ALERT_LATENCY, BucketedHistogram.latencyMillis());
    }

    @Override
    public void processElement(Trigger trigger, Context ctx, Collector<OutreachEvent> out) throws Exception {
        if (trigger.erasure) {
            lastEmitted.clear();
            pending.clear(); // their timers fire and find nothing
            consent.clear();
            return;
        }
        if (trigger.consent != null) {
            onConsent(trigger.consent);
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
            decide(trigger, now, out);
        }
    }

    private void decide(Trigger trigger, long now, Collector<OutreachEvent> out) throws Exception {
        Route route = trigger.route;
        if (!consented(route)) {
            count(SUPPRESSED_CONSENT, trigger);
            return;
        }
        Long last = lastEmitted.get(trigger.trigger);
        if (last != null && trigger.lastEvidenceTime < last + trigger.cooldownMillis) {
            count(SUPPRESSED_COOLDOWN, trigger);
            return;
        }
        lastEmitted.put(trigger.trigger, trigger.lastEvidenceTime);

        OutreachEvent outreach = OutreachEvent.newBuilder()
                .setOutreachId(OutreachIds.of(trigger.customerId, trigger.trigger, trigger.evidence))
                .setCustomerId(trigger.customerId)
                .setTrigger(triggerType(trigger.trigger))
                .setTriggerName(trigger.trigger)
                .setRuleId(trigger.ruleId)
                .setRuleVersion(trigger.ruleVersion)
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
        count(null, trigger);
        latency.update(Math.max(0, now - trigger.lastEvidenceTime));
        out.collect(outreach);
    }

    /** The built-in trigger of that name, or UNKNOWN (readers then use triggerName). */
    static TriggerType triggerType(String name) {
        for (TriggerType t : TriggerType.values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return TriggerType.UNKNOWN;
    }

    private void onConsent(ConsentEvent event) throws Exception {
        if (event.getAction() == ConsentAction.ERASE) {
            return; // the journey sends an erasure marker instead
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

    private boolean consented(Route route) throws Exception {
        Integer value = consent.value();
        int flags = value == null ? 0 : value;
        if (route == Route.MARKETING) {
            return (flags & MARKETING_STATED) != 0 ? (flags & MARKETING_ALLOWED) != 0 : defaultMarketingConsent;
        }
        return (flags & SERVICE_STATED) != 0 ? (flags & SERVICE_ALLOWED) != 0 : defaultServiceConsent;
    }

    /** Counts an emitted (reason null) or suppressed finding by trigger and route. */
    private void count(String reason, Trigger trigger) {
        String key = reason + '/' + trigger.trigger + '/' + trigger.route;
        counters.computeIfAbsent(key, k -> {
            MetricGroup g = metrics;
            if (reason != null) {
                g = g.addGroup("reason", reason);
            }
            return g.addGroup("trigger", trigger.trigger).addGroup("route", trigger.route.name())
                    .counter(reason == null ? Metrics.OUTREACH_EMITTED : Metrics.OUTREACH_SUPPRESSED);
        }).inc();
    }
}
