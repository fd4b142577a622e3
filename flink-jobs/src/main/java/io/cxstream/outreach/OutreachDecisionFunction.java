package io.cxstream.outreach;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.DecisionState;
import io.cxstream.avro.HeldFinding;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.config.CxConfig;
import io.cxstream.io.Metrics;
import io.cxstream.metrics.BucketedHistogram;
import io.cxstream.rules.Trigger;
import io.cxstream.state.StateCache;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * ({@link ConsentHistory}): it waits (held in the customer's one value, {@link DecisionStore}, with its
 * cooldowns) until the watermark passes the
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

    /** The customer's held findings, cooldowns and last outreach per purpose (one value, {@link DecisionStore}). */
    public static ValueStateDescriptor<DecisionState> decisionDescriptor(Duration maxCooldown, Duration stateTtl) {
        return DecisionStore.descriptor(maxCooldown, stateTtl);
    }

    /**
     * Consent statements with their event times ({@link ConsentHistory}). No TTL: a stated consent (an
     * opt-out above all) holds until it is changed or the customer is erased; only the defaults are implicit.
     * Named "consent-history": the flags state "consent" of earlier versions is moved over on first access.
     */
    public static ValueStateDescriptor<long[]> consentDescriptor() {
        return ConsentHistory.descriptor();
    }

    private final Duration maxCooldown;
    private final Duration stateTtl;
    private final boolean defaultServiceConsent;
    private final boolean defaultMarketingConsent;
    private final long graceMillis;
    private int cacheSize;

    private transient DecisionStore store;
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

    /**
     * Keeps up to {@code size} customers' values on the heap ({@code outreach.cache-size}; only with a
     * state backend that copies on write, RocksDB), written back by {@link OutreachDecisionOperator}.
     */
    public OutreachDecisionFunction withCache(int size) {
        this.cacheSize = size;
        return this;
    }

    /** {@code outreach.cache-size} where the state backend copies on write (RocksDB), else 0. */
    public static int cacheSize(CxConfig config) {
        return StateCache.sizeFor(config.stateBackend, config.outreachCacheSize);
    }

    /** Whether reads still look for a customer's state of the layout before {@link DecisionState}. */
    boolean readsLegacyState() {
        return store.readsLegacyState();
    }

    @Override
    public void open(OpenContext openContext) {
        store = new DecisionStore(getRuntimeContext(), maxCooldown, stateTtl, cacheSize);
        consent = new ConsentHistory(
                getRuntimeContext().getState(consentDescriptor()),
                getRuntimeContext().getState(ConsentHistory.legacyDescriptor()),
                defaultServiceConsent,
                defaultMarketingConsent,
                cacheSize);
        lateConsents = new HashMap<>();
        metrics = getRuntimeContext().getMetricGroup();
        counters = new HashMap<>();
        latency = metrics.histogram(Metrics.ALERT_LATENCY, BucketedHistogram.latencyMillis());
    }

    /** Holds changed values back and writes them under their own customers' keys ({@code keys}: the operator). */
    void writeBack(KeyContext keys, KeyedStateBackend<?> backend) {
        store.writeBack(keys);
        store.checkLegacyState(backend);
    }

    /** Writes every value held back (before a snapshot). */
    void flush(long now) throws Exception {
        store.flush(now);
    }

    @Override
    public void processElement(Trigger trigger, Context ctx, Collector<OutreachEvent> out) throws Exception {
        String customer = ctx.getCurrentKey();
        long now = ctx.timerService().currentProcessingTime();
        if (trigger.erasure) {
            store.clear(customer); // held findings' timers fire and find nothing
            consent.clear(customer);
            return;
        }
        DecisionState stored = store.get(customer, now);
        DecisionState state =
                stored != null ? stored : new DecisionState(new ArrayList<>(1), new HashMap<>(), null, null);
        if (trigger.consent != null) {
            onConsent(trigger.consent, ctx.timerService().currentWatermark(), state); // changes consent-history only
            return;
        }
        if (decisionPoint(trigger.lastEvidenceTime) <= ctx.timerService().currentWatermark()) {
            decide(DecisionStore.held(trigger), customer, now, state, out);
        } else {
            long time = decisionPoint(trigger.lastEvidenceTime);
            state.getHeld().add(DecisionStore.held(trigger));
            ctx.timerService().registerEventTimeTimer(time);
        }
        if (stored != null
                || !DecisionStore.isEmpty(state)) { // a suppressed finding of a new customer: nothing to keep
            store.put(customer, state, now);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutreachEvent> out) throws Exception {
        String customer = ctx.getCurrentKey();
        long now = ctx.timerService().currentProcessingTime();
        DecisionState state = store.get(customer, now);
        if (state == null || state.getHeld().isEmpty()) {
            return; // erased meanwhile, or decided at an earlier timer
        }
        List<HeldFinding> due = new ArrayList<>();
        List<HeldFinding> waiting = new ArrayList<>();
        for (HeldFinding f : state.getHeld()) {
            (decisionPoint(f.getLastEvidenceTime()) <= timestamp ? due : waiting).add(f);
        }
        if (due.isEmpty()) {
            return;
        }
        state.setHeld(waiting);
        for (HeldFinding f : waiting) { // restored from a version that waited for the evidence only
            ctx.timerService().registerEventTimeTimer(decisionPoint(f.getLastEvidenceTime()));
        }
        due.sort(Comparator.comparingLong(HeldFinding::getLastEvidenceTime)); // stable: arrival order at a tie
        for (HeldFinding f : due) {
            decide(f, customer, now, state, out);
        }
        store.put(customer, state, now);
    }

    private long decisionPoint(long lastEvidenceTime) {
        return lastEvidenceTime > Long.MAX_VALUE - graceMillis ? Long.MAX_VALUE : lastEvidenceTime + graceMillis;
    }

    /** Decides a finding whose decision point the watermark has passed, changing {@code state} in place. */
    private void decide(HeldFinding f, String customer, long now, DecisionState state, Collector<OutreachEvent> out)
            throws Exception {
        Route route = f.getRoute();
        boolean marketing = route == Route.MARKETING;
        long decisionPoint = decisionPoint(f.getLastEvidenceTime());
        ConsentHistory.Verdict verdict = consent.decide(customer, marketing, decisionPoint);
        if (verdict != ConsentHistory.Verdict.ALLOWED) {
            count(verdict == ConsentHistory.Verdict.OPTED_OUT ? SUPPRESSED_CONSENT : SUPPRESSED_LATER_OPT_OUT, f);
            return;
        }
        Long last = state.getCooldowns().get(f.getTrigger());
        if (last != null && f.getLastEvidenceTime() < last + f.getCooldownMillis()) {
            count(SUPPRESSED_COOLDOWN, f);
            return;
        }
        state.getCooldowns().put(f.getTrigger(), f.getLastEvidenceTime());
        if (marketing) {
            state.setLastSentMarketing(max(state.getLastSentMarketing(), decisionPoint));
        } else {
            state.setLastSentService(max(state.getLastSentService(), decisionPoint));
        }

        OutreachEvent outreach = OutreachEvent.newBuilder()
                .setOutreachId(OutreachIds.of(customer, f.getTrigger(), f.getEvidence()))
                .setCustomerId(customer)
                .setTrigger(triggerType(f.getTrigger()))
                .setTriggerName(f.getTrigger())
                .setRuleId(f.getRuleId())
                .setRuleVersion(f.getRuleVersion())
                .setRoute(route)
                .setPriority(f.getPriority())
                .setReason(f.getReason())
                .setRecommendedAction(f.getRecommendedAction())
                .setEvidence(f.getEvidence())
                .setJourney(f.getSnapshot())
                .setAgentId(f.getAgentId())
                .setLastEvidenceTime(Instant.ofEpochMilli(f.getLastEvidenceTime()))
                .setEmittedAt(Instant.ofEpochMilli(now))
                .build();
        count(null, f);
        latency.update(Math.max(0, now - f.getLastEvidenceTime()));
        out.collect(outreach);
    }

    private static long max(Long a, long b) {
        return a == null ? b : Math.max(a, b);
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

    private void onConsent(ConsentEvent event, long watermark, DecisionState state) throws Exception {
        long[] lastSent = {
            state.getLastSentService() == null ? ConsentHistory.NONE : state.getLastSentService(),
            state.getLastSentMarketing() == null ? ConsentHistory.NONE : state.getLastSentMarketing()
        };
        if (consent.add(
                event, watermark, lastSent)) { // an ERASE is ignored: the journey sends an erasure marker instead
            String purpose = event.getPurpose().name();
            lateConsents
                    .computeIfAbsent(
                            purpose, p -> metrics.addGroup("purpose", p).counter(Metrics.CONSENT_AFTER_OUTREACH))
                    .inc();
        }
    }

    /** Counts an emitted (reason null) or suppressed finding by trigger and route. */
    private void count(String reason, HeldFinding f) {
        String key = reason + '/' + f.getTrigger() + '/' + f.getRoute();
        counters.computeIfAbsent(key, k -> {
                    MetricGroup g = metrics;
                    if (reason != null) {
                        g = g.addGroup("reason", reason);
                    }
                    return g.addGroup("trigger", f.getTrigger())
                            .addGroup("route", f.getRoute().name())
                            .counter(reason == null ? Metrics.OUTREACH_EMITTED : Metrics.OUTREACH_SUPPRESSED);
                })
                .inc();
    }
}
