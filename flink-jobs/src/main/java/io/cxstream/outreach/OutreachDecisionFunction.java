package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.detect.Trigger;
import io.cxstream.io.Metrics;

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
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>An erasure clears this customer's consent and cooldowns here; the detectors clear their partial
 * matches themselves (erasure markers, see {@code ErasingCepOperator}), so no later trigger can carry
 * pre-erasure events. One window remains: a trigger a detector had already emitted before its marker
 * arrived may reach this operator after the erasure (the two inputs are separate channels); it is then
 * decided like any trigger — emitted, and its cooldown written again.
 */
public class OutreachDecisionFunction extends KeyedCoProcessFunction<String, Trigger, ConsentEvent, OutreachEvent> {
    private static final long serialVersionUID = 1L;

    public static final String SUPPRESSED_CONSENT = "consent";
    public static final String SUPPRESSED_COOLDOWN = "cooldown";

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

    private transient MapState<String, Long> lastEmitted;
    private transient MapState<Long, List<Trigger>> pending;
    private transient ValueState<Integer> consent;
    private transient MetricGroup metrics;
    private transient Map<String, Counter> emitted;
    private transient Map<String, Counter> suppressed;
    private transient Histogram latency;

    public OutreachDecisionFunction(Duration cooldown, Duration stateTtl, boolean defaultServiceConsent,
                                    boolean defaultMarketingConsent) {
        this.cooldown = cooldown;
        this.stateTtl = stateTtl;
        this.defaultServiceConsent = defaultServiceConsent;
        this.defaultMarketingConsent = defaultMarketingConsent;
    }

    @Override
    public void open(OpenContext openContext) {
        lastEmitted = getRuntimeContext().getMapState(cooldownDescriptor(cooldown));
        consent = getRuntimeContext().getState(consentDescriptor(stateTtl));
        pending = getRuntimeContext().getMapState(pendingDescriptor());
        metrics = getRuntimeContext().getMetricGroup();
        emitted = new HashMap<>();
        suppressed = new HashMap<>();
        latency = metrics.histogram(Metrics.ALERT_LATENCY, new DescriptiveStatisticsHistogram(10_000));
    }

    @Override
    public void processElement1(Trigger trigger, Context ctx, Collector<OutreachEvent> out) throws Exception {
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
            lastEmitted.clear();
            pending.clear();
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
