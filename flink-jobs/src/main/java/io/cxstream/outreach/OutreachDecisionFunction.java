package io.cxstream.outreach;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.io.Metrics;
import io.cxstream.metrics.BucketedHistogram;
import io.cxstream.rules.Trigger;
import io.cxstream.state.StateTtl;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
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
 * The outreach decision, per customer: consent → cooldown → emit. Drops findings the customer did not
 * consent to (on the rule's route), drops a finding whose trigger fired for the same customer within the
 * rule's cooldown (event time), and gives the rest a deterministic outreachId.
 *
 * <p>Its one input is the journey operator's {@code triggers} output, in the customer's order:
 * findings, consent changes and erasure markers. A finding is decided at its <em>decision point</em>,
 * its last evidence's event time plus {@code consent.grace}, on the consent as of that point
 * ({@link ConsentHistory}): it waits (in {@link #pendingDescriptor()}) until the watermark passes the
 * decision point, so every consent stamped up to it has arrived within the lateness bound, and the same
 * input gives the same decisions however the topics interleave. An OPT_OUT known when the finding is
 * decided suppresses it whatever its stamp. The outreach record's timestamp is the decision point.
 * An erasure marker comes after every finding built from the customer's earlier events, so erasure is
 * a plain {@code clear()} of everything kept here.
 * Counts {@code cx_outreach_emitted} by trigger and route, {@code cx_outreach_suppressed} by reason and
 * {@code cx_consent_after_outreach} by purpose (opt-outs that came too late for an outreach sent).
 */
public class OutreachDecisionFunction extends KeyedProcessFunction<String, Trigger, OutreachEvent> {
    private static final long serialVersionUID = 1L;

    public static final String SUPPRESSED_CONSENT = "consent";
    public static final String SUPPRESSED_COOLDOWN = "cooldown";
    /** An OPT_OUT stamped after the decision point, but known when the finding was decided. */
    public static final String SUPPRESSED_LATER_OPT_OUT = "consent-later-opt-out";

    /**
     * Last emitted outreach per trigger name (event time, epoch millis). A cooldown is decided in event
     * time; the processing-time TTL is only a safety net, at least the longest cooldown a rule may have
     * and at least {@code state.ttl}, so a restore or a catch-up after a long stop still finds it.
     */
    public static MapStateDescriptor<String, Long> cooldownDescriptor(Duration maxCooldown, Duration stateTtl) {
        MapStateDescriptor<String, Long> d = new MapStateDescriptor<>("cooldown", Types.STRING, Types.LONG);
        d.enableTimeToLive(StateTtl.afterWrite(maxCooldown.compareTo(stateTtl) > 0 ? maxCooldown : stateTtl));
        return d;
    }

    /** Findings waiting for the watermark to pass their decision point: decision point (event time) → findings. */
    public static MapStateDescriptor<Long, List<Trigger>> pendingDescriptor() {
        return new MapStateDescriptor<>("pending", Types.LONG, Types.LIST(TypeInformation.of(Trigger.class)));
    }

    /**
     * Consent statements with their event times ({@link ConsentHistory}). No TTL: a stated consent (an
     * opt-out above all) holds until it is changed or the customer is erased; only the defaults are implicit.
     * Named "consent-history": the flags state "consent" of earlier versions is moved over on first access.
     */
    public static ValueStateDescriptor<long[]> consentDescriptor() {
        return ConsentHistory.descriptor();
    }

    /** When the last outreach per purpose was decided (for {@code cx_consent_after_outreach}); expires after {@code state.ttl}. */
    public static ValueStateDescriptor<long[]> consentSentDescriptor(Duration stateTtl) {
        return ConsentHistory.sentDescriptor(stateTtl);
    }

    private final Duration maxCooldown;
    private final Duration stateTtl;
    private final boolean defaultServiceConsent;
    private final boolean defaultMarketingConsent;
    private final long graceMillis;

    private transient MapState<String, Long> lastEmitted;
    private transient MapState<Long, List<Trigger>> pending;
    private transient ConsentHistory consent;
    private transient Map<String, Counter> lateConsents;
    private transient MetricGroup metrics;
    private transient Map<String, Counter> counters;
    private transient Histogram latency;

    /**
     * @param maxCooldown the longest cooldown a rule may have (rules.max-window): how long cooldown state is kept
     */
    public OutreachDecisionFunction(
            Duration maxCooldown, Duration stateTtl, boolean defaultServiceConsent, boolean defaultMarketingConsent) {
        this(maxCooldown, stateTtl, defaultServiceConsent, defaultMarketingConsent, Duration.ZERO);
    }

    /**
     * @param maxCooldown the longest cooldown a rule may have (rules.max-window): how long cooldown state is kept
     * @param consentGrace consent.grace: a finding is decided on the consent as of its last evidence plus this
     */
    public OutreachDecisionFunction(
            Duration maxCooldown,
            Duration stateTtl,
            boolean defaultServiceConsent,
            boolean defaultMarketingConsent,
            Duration consentGrace) {
        this.graceMillis = consentGrace.toMillis();
        this.maxCooldown = maxCooldown;
        this.stateTtl = stateTtl;
        this.defaultServiceConsent = defaultServiceConsent;
        this.defaultMarketingConsent = defaultMarketingConsent;
    }

    @Override
    public void open(OpenContext openContext) {
        lastEmitted = getRuntimeContext().getMapState(cooldownDescriptor(maxCooldown, stateTtl));
        consent = new ConsentHistory(
                getRuntimeContext().getState(consentDescriptor()),
                getRuntimeContext().getState(consentSentDescriptor(stateTtl)),
                getRuntimeContext().getState(ConsentHistory.legacyDescriptor()),
                defaultServiceConsent,
                defaultMarketingConsent);
        lateConsents = new HashMap<>();
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
            onConsent(trigger.consent, ctx.timerService().currentWatermark());
            return;
        }
        long time = decisionPoint(trigger);
        if (time <= ctx.timerService().currentWatermark()) {
            decide(trigger, ctx.timerService().currentProcessingTime(), out);
            return;
        }
        hold(trigger, time, ctx);
    }

    private void hold(Trigger trigger, long time, Context ctx) throws Exception {
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
            if (decisionPoint(trigger) > timestamp) {
                hold(trigger, decisionPoint(trigger), ctx); // restored from a version that waited for the evidence only
            } else {
                decide(trigger, now, out);
            }
        }
    }

    private long decisionPoint(Trigger trigger) {
        long t = trigger.lastEvidenceTime;
        return t > Long.MAX_VALUE - graceMillis ? Long.MAX_VALUE : t + graceMillis;
    }

    private void decide(Trigger trigger, long now, Collector<OutreachEvent> out) throws Exception {
        Route route = trigger.route;
        boolean marketing = route == Route.MARKETING;
        ConsentHistory.Verdict verdict = consent.decide(marketing, decisionPoint(trigger));
        if (verdict != ConsentHistory.Verdict.ALLOWED) {
            count(verdict == ConsentHistory.Verdict.OPTED_OUT ? SUPPRESSED_CONSENT : SUPPRESSED_LATER_OPT_OUT, trigger);
            return;
        }
        Long last = lastEmitted.get(trigger.trigger);
        if (last != null && trigger.lastEvidenceTime < last + trigger.cooldownMillis) {
            count(SUPPRESSED_COOLDOWN, trigger);
            return;
        }
        lastEmitted.put(trigger.trigger, trigger.lastEvidenceTime);
        consent.sent(marketing, decisionPoint(trigger));

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

    private void onConsent(ConsentEvent event, long watermark) throws Exception {
        if (consent.add(event, watermark)) { // an ERASE is ignored: the journey sends an erasure marker instead
            String purpose = event.getPurpose().name();
            lateConsents
                    .computeIfAbsent(
                            purpose, p -> metrics.addGroup("purpose", p).counter(Metrics.CONSENT_AFTER_OUTREACH))
                    .inc();
        }
    }

    /** Counts an emitted (reason null) or suppressed finding by trigger and route. */
    private void count(String reason, Trigger trigger) {
        String key = reason + '/' + trigger.trigger + '/' + trigger.route;
        counters.computeIfAbsent(key, k -> {
                    MetricGroup g = metrics;
                    if (reason != null) {
                        g = g.addGroup("reason", reason);
                    }
                    return g.addGroup("trigger", trigger.trigger)
                            .addGroup("route", trigger.route.name())
                            .counter(reason == null ? Metrics.OUTREACH_EMITTED : Metrics.OUTREACH_SUPPRESSED);
                })
                .inc();
    }
}
