package io.cxstream.journey;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.JourneyState;
import io.cxstream.config.CxConfig;
import io.cxstream.io.CxEvent;
import io.cxstream.io.Metrics;
import io.cxstream.rules.DefaultRules;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleEngine;
import io.cxstream.rules.RuleLimits;
import io.cxstream.rules.RuleRecord;
import io.cxstream.rules.RuleSetHolder;
import io.cxstream.rules.RuleStatus;
import io.cxstream.rules.Trigger;
import io.cxstream.state.AvroStateTypes;
import io.cxstream.state.FarTimers;
import io.cxstream.state.StateCache;
import io.cxstream.state.StateTtl;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * The per-customer operator: keeps everything it knows of a customer in one {@link JourneyState}
 * value — the journey, the rule engine's progress ({@link RuleEngine}) and, once the customer was
 * erased, the erasure's time — read once and written once per event (and per rule timer) through
 * {@link JourneyStore}; run by {@link JourneyOperator}, the write goes to a heap cache that writes each
 * customer's value to RocksDB at most once per checkpoint ({@link StateCache}). It emits
 * every interaction and scored feedback as a {@link JourneyEvent} with the journey snapshot after it,
 * and runs the rules on it: the journey and the rules share the key, so detection needs no second
 * shuffle, no second copy of the event and no second state access. The rules arrive on the broadcast
 * input ({@link RuleBook}).
 *
 * <p>Side outputs: {@link #TRIGGERS} carries, per customer in order, the rules' findings, consent
 * changes and erasure markers to the outreach decision; {@link #LATE} dead-letters events at or
 * behind the watermark; {@link #RULE_STATUS} says what became of each published rule (subtask 0
 * only, since every subtask sees every rule). Consent changes are never late: they always apply.
 *
 * <p>An erasure leaves a tombstone ({@link #erasedDescriptor}: the erasure's event time, for at least
 * {@code validation.max-event-age}): the customer's events and consent changes stamped at or before it
 * that arrive later are dropped and counted ({@code cx_erased_events_dropped}), never dead-lettered
 * (that would keep their payload), so they re-create no journey, rule or consent state and no outreach.
 * Whatever is stamped after the erasure is new and kept.
 */
public class JourneyFunction extends KeyedBroadcastProcessFunction<String, CxEvent, RuleRecord, JourneyEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Trigger> TRIGGERS = new OutputTag<>("triggers", TypeInformation.of(Trigger.class)) {};
    public static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", new AvroTypeInfo<>(DeadLetter.class)) {};
    public static final OutputTag<RuleStatus> RULE_STATUS =
            new OutputTag<>("rule-status", TypeInformation.of(RuleStatus.class)) {};

    /** The customer's state (journey, rule progress), one Avro record; expires after {@code state.ttl} without writes. */
    public static ValueStateDescriptor<JourneyState> journeyDescriptor(Duration ttl) {
        ValueStateDescriptor<JourneyState> descriptor =
                new ValueStateDescriptor<>("journey", AvroStateTypes.of(JourneyState.class));
        descriptor.enableTimeToLive(StateTtl.afterWrite(ttl));
        return descriptor;
    }

    /**
     * The tombstone of an erased customer: the latest erasure's event time. Expires (processing time)
     * {@code erasureMemory} after the erasure: by then an event stamped before it is older than
     * {@code validation.max-event-age} and dead-lettered by validation (live mode).
     */
    public static ValueStateDescriptor<Long> erasedDescriptor(Duration erasureMemory) {
        ValueStateDescriptor<Long> descriptor = new ValueStateDescriptor<>("erased-at", Types.LONG);
        descriptor.enableTimeToLive(StateTtl.afterWrite(erasureMemory));
        return descriptor;
    }

    private final Duration stateTtl;
    private final Duration erasureMemory;
    private final int recentTouchpoints;
    private final RuleBook ruleBook;
    private final RuleLimits ruleLimits;
    private final int maxPendingRuleEvents;
    private final String interactionsTopic;
    private final String feedbackTopic;
    private final int cacheSize;

    private transient JourneyStore store;
    private transient JourneyUpdate update;
    private transient RuleEngine engine;
    private transient RuleSetHolder rules;
    private transient Counter lateEvents;
    private transient Counter erasedDropped;
    private transient LateEvents late;
    /** Where the rule engine's timers far ahead of the watermark wait (null: on the heap, as Flink's operator runs it). */
    private transient FarTimers farTimers;

    /**
     * @param config the job's settings: {@code state.ttl}, {@code journey.recent-touchpoints}, {@code
     *     journey.cache-size} (with {@code state.backend} rocksdb), {@code rules.max-pending}, the input topics
     *     (named on dead letters), and {@code validation.max-event-age} + {@code validation.max-future-skew}
     *     (how long an erasure's tombstone is kept)
     * @param ruleBook the start rules and how published ones are checked
     */
    public JourneyFunction(CxConfig config, RuleBook ruleBook) {
        this.stateTtl = config.stateTtl;
        this.erasureMemory = config.maxEventAge.plus(config.maxFutureSkew);
        this.recentTouchpoints = config.recentTouchpoints;
        this.ruleBook = ruleBook;
        this.ruleLimits = DefaultRules.limits(config);
        this.maxPendingRuleEvents = config.rulesMaxPending;
        this.interactionsTopic = config.interactionsTopic;
        this.feedbackTopic = config.feedbackTopic;
        this.cacheSize = StateCache.sizeFor(config.stateBackend, config.journeyCacheSize);
    }

    @Override
    public void open(OpenContext openContext) {
        var metrics = getRuntimeContext().getMetricGroup();
        store = new JourneyStore(getRuntimeContext(), stateTtl, erasureMemory, cacheSize);
        update = new JourneyUpdate(recentTouchpoints);
        engine = new RuleEngine(ruleLimits, maxPendingRuleEvents, metrics.counter(Metrics.RULE_EVENTS_DROPPED));
        rules = new RuleSetHolder(
                ruleBook, metrics, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0);
        lateEvents = metrics.counter(Metrics.LATE_EVENTS);
        erasedDropped = metrics.counter(Metrics.ERASED_EVENTS_DROPPED);
        late = new LateEvents(interactionsTopic, feedbackTopic);
    }

    @Override
    public void processElement(CxEvent event, ReadOnlyContext ctx, Collector<JourneyEvent> out) throws Exception {
        JourneyState state = store.get(event.customerId, timers(ctx.timerService()));
        Long tombstone = store.tombstone(state);
        if (erasedBefore(tombstone, event.eventTime, event.consent)) {
            erasedDropped.inc();
            return;
        }
        if (event.consent != null) {
            onConsent(event.consent, state, tombstone, ctx);
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (event.eventTime <= watermark) {
            lateEvents.inc();
            ctx.output(
                    LATE, late.deadLetter(event, watermark, ctx.timerService().currentProcessingTime()));
            return;
        }
        if (state == null) {
            state = JourneyStore.newState(tombstone);
        }
        JourneyEvent result = event.interaction != null
                ? update.onInteraction(event.interaction, state)
                : update.onFeedback(event.feedback, state);
        state.setLastEventTime(Math.max(state.getLastEventTime(), event.eventTime));
        result.snapshot = JourneyUpdate.snapshot(state);
        out.collect(result);
        state.setRules(engine.onEvent(
                rules.get(ctx.getBroadcastState(RuleBook.RULES)),
                state.getRules(),
                result,
                event.interaction != null ? event.interaction.getAttributes() : null,
                timers(ctx.timerService()),
                t -> ctx.output(TRIGGERS, t)));
        write(event.customerId, state, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyEvent> out) throws Exception {
        if (farTimers != null && FarTimers.isSlotKey(ctx.getCurrentKey())) {
            farTimers.around(ctx.timerService()).unpark(timestamp);
            return;
        }
        JourneyState state = store.get(ctx.getCurrentKey(), timers(ctx.timerService()));
        if (state == null || state.getRules() == null) {
            return;
        }
        state.setRules(engine.onTimer(
                rules.get(ctx.getBroadcastState(RuleBook.RULES)),
                state.getRules(),
                ctx.getCurrentKey(),
                timestamp,
                timers(ctx.timerService()),
                t -> ctx.output(TRIGGERS, t)));
        write(ctx.getCurrentKey(), state, ctx.timerService());
    }

    @Override
    public void processBroadcastElement(RuleRecord record, Context ctx, Collector<JourneyEvent> out) throws Exception {
        RuleStatus status = rules.apply(record, ctx.getBroadcastState(RuleBook.RULES));
        if (status != null) {
            ctx.output(RULE_STATUS, status);
        }
    }

    /** Customers' values kept on the heap (0 unless the state backend is RocksDB). */
    int cacheSize() {
        return cacheSize;
    }

    private void write(String customer, JourneyState state, TimerService timers) throws Exception {
        store.put(customer, state, timers.currentProcessingTime());
    }

    /**
     * Holds changed values back in the cache (when it is on) and writes each to the state backend
     * under its own key only when it leaves the cache or on {@link #flush}: {@code keys} is the
     * operator's, which calls {@link #flush} before every snapshot ({@link JourneyOperator}).
     */
    void writeBack(KeyContext keys) {
        store.writeBack(keys);
    }

    /**
     * Parks the rule engine's timers far ahead of the watermark in {@code backend} instead of on the
     * heap ({@link FarTimers}); {@code keys} is the operator (the job's {@link JourneyOperator}).
     */
    void parkFarTimers(KeyedStateBackend<String> backend, KeyContext keys) {
        farTimers = FarTimers.forSubtask(backend, keys, getRuntimeContext().getTaskInfo());
    }

    /** The timers the rule engine registers through: far ones parked when {@link #parkFarTimers} was called. */
    private TimerService timers(TimerService context) {
        return farTimers == null ? context : farTimers.around(context);
    }

    /** Writes every value held back to the state backend, as of processing time {@code now}. */
    public void flush(long now) throws Exception {
        store.flush(now);
    }

    /** Whether the customer was erased ({@code erased}: its tombstone) at or after {@code eventTime} (an ERASE itself always applies). */
    private static boolean erasedBefore(Long erased, long eventTime, ConsentEvent consent) {
        if (consent != null && consent.getAction() == ConsentAction.ERASE) {
            return false;
        }
        return erased != null && eventTime <= erased;
    }

    /**
     * Applies a consent change and passes it on to the decision. An erasure clears the customer's
     * state (journey and rule progress), leaves its tombstone, then sends an erasure marker: every
     * finding built from earlier events is already ahead of it on {@link #TRIGGERS}.
     */
    private void onConsent(ConsentEvent e, JourneyState state, Long tombstone, ReadOnlyContext ctx) throws Exception {
        if (e.getAction() == ConsentAction.ERASE) {
            store.erase(e.getCustomerId(), e.getEventTime().toEpochMilli());
            ctx.output(
                    TRIGGERS,
                    Trigger.erasureMarker(e.getCustomerId(), e.getEventTime().toEpochMilli()));
            return;
        }
        if (state == null) {
            state = JourneyStore.newState(tombstone);
        }
        JourneyUpdate.onConsent(e, state);
        write(e.getCustomerId(), state, ctx.timerService());
        ctx.output(TRIGGERS, Trigger.consentChange(e));
    }
}
