package io.cxstream.loop;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachFeedback;
import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.RecoveryOutcome;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;
import io.cxstream.state.FarTimers;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Closes the loop per customer, downstream of the outreach decision. An approved outreach is held out
 * ({@link Holdout}), suppressed by a contact cap ({@link ContactCaps}), found resolved already by an event that
 * arrived first, or sent (main output) and OPEN. Acks and closes move it to ACKED and CLOSED
 * ({@link FeedbackVerdict}); an event matching its rule's {@code loop.resolvedBy} within {@code loop.within} of
 * the trigger withdraws an unacked one as RESOLVED; a missed time to ack (processing-time timers: the SLA is
 * about people) ESCALATES it one priority up, a second miss EXPIRES it. Every outreach sent or held out is
 * followed for {@code outreach.recovery.period} after its trigger (event-time timer) and gets one recovery
 * outcome. Status changes go to {@link #UPDATES}; bad acks to {@link #DEAD_LETTERS}. An erasure marker clears
 * everything kept for the customer. The rules (start rules and those published on the rules topic, checked as
 * the rule engine checks them) come on the broadcast input ({@link LoopRules}).
 */
public class OutreachLifecycleFunction
        extends KeyedBroadcastProcessFunction<String, LoopInput, RuleRecord, OutreachEvent>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<OutreachUpdate> UPDATES = new OutputTag<>("outreach-updates") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("outreach-feedback-dead-letters") {};
    static final int MAX_TOUCHES = 32;

    private final LoopConfig config;
    private final LoopRules rules;
    private final FeedbackDeadLetters deadLetters;

    private transient MapState<String, Lifecycle> lifecycles;
    private transient MapState<String, List<Long>> sent;
    private transient ValueState<List<Touch>> touches;
    private transient ValueState<Long> erasedAt;
    private transient ListState<Long> openCounts;
    private transient LoopMetrics metrics;
    private transient long[] restoredOpen;
    /** Where the recovery timers wait while far ahead of the watermark (null: on the heap, as Flink's operator runs it). */
    private transient FarTimers farTimers;

    /** @param rules the job's start rules and how published ones are checked (as the rule engine's) */
    public OutreachLifecycleFunction(LoopConfig config, RuleBook rules) {
        this.config = config;
        this.rules = new LoopRules(config, rules);
        this.deadLetters = new FeedbackDeadLetters(config.feedbackTopic);
    }

    @Override
    public void open(OpenContext openContext) {
        lifecycles = getRuntimeContext().getMapState(LoopState.lifecycles(config));
        sent = getRuntimeContext().getMapState(LoopState.sent(config));
        touches = getRuntimeContext().getState(LoopState.touches(config));
        erasedAt = getRuntimeContext().getState(LoopState.erasedAt(config));
        rules.open();
        metrics = new LoopMetrics(getRuntimeContext().getMetricGroup());
        metrics.addOpen(restoredOpen);
    }

    @Override
    public void processElement(LoopInput in, ReadOnlyContext ctx, Collector<OutreachEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (in.erasure) {
            for (Lifecycle l : lifecycles.values()) {
                if (l.awaitingAck()) {
                    metrics.closed(l.priority);
                }
            }
            lifecycles.clear(); // its timers fire and find nothing
            sent.clear();
            touches.clear();
            erasedAt.update(in.erasureTime);
        } else if (in.outreach != null) {
            onOutreach(in.outreach, ctx, out, now);
        } else if (in.event != null) {
            onEvent(in.event, ctx, now);
        } else if (in.feedback != null) {
            onFeedback(in, ctx, now);
        }
    }

    @Override
    public void processBroadcastElement(RuleRecord record, Context ctx, Collector<OutreachEvent> out) throws Exception {
        rules.apply(record, ctx.getBroadcastState(RuleBook.RULES));
    }

    private LoopPolicies policies(ReadOnlyContext ctx) throws Exception {
        return rules.get(ctx.getBroadcastState(RuleBook.RULES));
    }

    private void onOutreach(OutreachEvent o, ReadOnlyContext ctx, Collector<OutreachEvent> out, long now)
            throws Exception {
        if (lifecycles.contains(o.getOutreachId())) {
            return; // the same decision again (a replay): its lifecycle runs already
        }
        Long erased = erasedAt.value();
        if (erased != null && o.getLastEvidenceTime().toEpochMilli() <= erased) {
            return; // decided before the customer's erasure, overtaken by the marker: nobody contacts them
        }
        boolean heldOut = Holdout.heldOut(o.getCustomerId(), Lifecycle.ruleIdOf(o), config.holdoutPercent);
        Lifecycle l = Lifecycle.of(o, heldOut ? OutreachStatus.HELD_OUT : OutreachStatus.OPEN, heldOut, now);
        if (heldOut) {
            metrics.heldOut(l.triggerName, l.route);
        } else {
            List<Long> times = sent.get(l.route.name());
            long period = config.capPeriod.get(l.route).toMillis();
            if (!ContactCaps.allows(times, l.triggerTime, config.cap.get(l.route), period)) {
                metrics.suppressed("cap", l.triggerName, l.route);
                return;
            }
            Touch resolver = policies(ctx).firstResolver(touches.value(), l);
            if (resolver != null) {
                l.status = OutreachStatus.RESOLVED;
                emit(ctx, l, "resolved before it was sent by " + resolver.kind, now);
            } else {
                sent.put(l.route.name(), ContactCaps.record(times, l.triggerTime, period));
                out.collect(o);
                Duration sla = policies(ctx).sla(l, l.priority);
                if (sla != null) {
                    l.slaMillis = sla.toMillis();
                    l.ackDeadline = now + l.slaMillis;
                    ctx.timerService().registerProcessingTimeTimer(l.ackDeadline);
                }
                metrics.opened(l.priority);
            }
        }
        if (heldOut) {
            emit(ctx, l, "held out (" + config.holdoutPercent + "% holdout): not sent, followed for recovery", now);
        } else if (l.status == OutreachStatus.OPEN) {
            emit(ctx, l, null, now);
        }
        TimerService timers = farTimers == null ? ctx.timerService() : farTimers.around(ctx.timerService());
        timers.registerEventTimeTimer(l.triggerTime + config.recoveryPeriod.toMillis());
        List<Touch> early = touches.value();
        for (Touch t : early == null ? List.<Touch>of() : early) {
            if (t.recovery != null && l.recovery == null && inFollowUp(l, t.eventTime)) {
                outcome(ctx, l, t.recovery, "by " + t.kind, now);
            }
        }
        if (l.recovery == null || !l.ended()) {
            lifecycles.put(l.outreachId, l);
        }
    }

    private void onEvent(JourneyEvent e, ReadOnlyContext ctx, long now) throws Exception {
        Touch touch = new Touch();
        touch.eventTime = e.eventTime;
        touch.kind = e.kind();
        touch.recovery = RecoverySignals.of(e);
        LoopPolicies policies = policies(ctx);
        touch.resolves.addAll(policies.resolvedBy(e));
        if (!touch.matters()) {
            return;
        }
        List<Lifecycle> touched = new ArrayList<>();
        for (Lifecycle l : lifecycles.values()) {
            boolean changed = false;
            if (l.awaitingAck() && policies.resolves(touch, l)) {
                metrics.closed(l.priority);
                l.status = OutreachStatus.RESOLVED;
                emit(ctx, l, "resolved by " + touch.kind, now);
                changed = true;
            }
            if (touch.recovery != null && l.recovery == null && inFollowUp(l, touch.eventTime)) {
                outcome(ctx, l, touch.recovery, "by " + touch.kind, now);
                changed = true;
            }
            if (changed) {
                touched.add(l);
            }
        }
        store(touched);
        touches.update(Touch.append(touches.value(), touch, MAX_TOUCHES));
    }

    private void onFeedback(LoopInput in, ReadOnlyContext ctx, long now) throws Exception {
        OutreachFeedback f = in.feedback;
        Lifecycle l = lifecycles.get(f.getOutreachId());
        if (l == null) {
            metrics.feedbackRejected("unknown_outreach");
            ctx.output(
                    DEAD_LETTERS,
                    deadLetters.of(
                            in,
                            "no outreach " + f.getOutreachId()
                                    + " is followed for this customer (unknown, erased or long ended)",
                            now));
            return;
        }
        FeedbackVerdict verdict = FeedbackVerdict.of(l, f);
        switch (verdict) {
            case DUPLICATE:
            case OUT_OF_ORDER:
                metrics.feedbackIgnored(verdict.name().toLowerCase());
                return;
            case REJECT:
                metrics.feedbackRejected("ended_outreach");
                ctx.output(DEAD_LETTERS, deadLetters.of(in, FeedbackVerdict.rejection(l), now));
                return;
            default:
        }
        if (l.awaitingAck()) {
            metrics.closed(l.priority);
            metrics.timeToAck.update(Math.max(0, now - l.openedAt));
        }
        l.status = FeedbackVerdict.target(verdict);
        l.lastFeedbackTime = f.getEventTime().toEpochMilli();
        l.handledBy = f.getHandledBy();
        l.outcomeCode = f.getOutcomeCode() != null ? f.getOutcomeCode() : l.outcomeCode;
        l.note = f.getNote() != null ? f.getNote() : l.note;
        emit(ctx, l, null, now);
        store(List.of(l));
    }

    /** Keeps the changed lifecycles; one that has ended and has its outcome is done and forgotten. */
    private void store(List<Lifecycle> changed) throws Exception {
        for (Lifecycle l : changed) {
            if (l.ended() && l.recovery != null) {
                lifecycles.remove(l.outreachId);
            } else {
                lifecycles.put(l.outreachId, l);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutreachEvent> out) throws Exception {
        if (farTimers != null && FarTimers.isSlotKey(ctx.getCurrentKey())) {
            farTimers.around(ctx.timerService()).unpark(timestamp);
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        List<Lifecycle> changed = new ArrayList<>();
        for (Lifecycle l : lifecycles.values()) {
            if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
                if (l.awaitingAck() && l.ackDeadline > 0 && l.ackDeadline <= timestamp) {
                    missedSla(ctx, l, now);
                    changed.add(l);
                }
            } else if (l.recovery == null && l.triggerTime + config.recoveryPeriod.toMillis() <= timestamp) {
                outcome(
                        ctx,
                        l,
                        RecoveryOutcome.NOT_RECOVERED,
                        "no order, good answer or closure within "
                                + TimeUtils.formatWithHighestUnit(config.recoveryPeriod),
                        now);
                changed.add(l);
            }
        }
        store(changed);
    }

    private void missedSla(OnTimerContext ctx, Lifecycle l, long now) throws Exception {
        metrics.slaBreach(l.route, l.priority);
        metrics.closed(l.priority);
        String missed =
                l.priority + " not acked within " + TimeUtils.formatWithHighestUnit(Duration.ofMillis(l.slaMillis));
        if (l.status == OutreachStatus.OPEN) {
            l.priority = Lifecycle.up(l.priority);
            Duration next = policies(ctx).sla(l, l.priority);
            l.slaMillis = next != null ? next.toMillis() : l.slaMillis;
            l.ackDeadline = now + l.slaMillis;
            ctx.timerService().registerProcessingTimeTimer(l.ackDeadline);
            l.status = OutreachStatus.ESCALATED;
            metrics.opened(l.priority);
            emit(ctx, l, missed + ": escalated to " + config.escalationRoute + " as " + l.priority, now);
        } else {
            l.status = OutreachStatus.EXPIRED;
            emit(ctx, l, missed + " after escalation: expired", now);
        }
    }

    private void outcome(ReadOnlyContext ctx, Lifecycle l, RecoveryOutcome outcome, String why, long now) {
        l.recovery = outcome;
        metrics.recovery(l.triggerName, l.heldOut, outcome);
        ctx.output(UPDATES, l.outcome(outcome + " " + why, now));
    }

    private void emit(ReadOnlyContext ctx, Lifecycle l, String detail, long now) {
        metrics.status(l.status, l.route);
        ctx.output(UPDATES, l.update(detail, now));
    }

    private boolean inFollowUp(Lifecycle l, long eventTime) {
        return eventTime > l.triggerTime && eventTime <= l.triggerTime + config.recoveryPeriod.toMillis();
    }

    /**
     * Parks the recovery timers far ahead of the watermark in {@code backend} ({@link FarTimers});
     * {@code keys} is the operator ({@link LifecycleOperator}).
     */
    void parkFarTimers(KeyedStateBackend<String> backend, KeyContext keys) {
        farTimers = FarTimers.forSubtask(backend, keys, getRuntimeContext().getTaskInfo());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        metrics.snapshotOpen(openCounts);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        openCounts =
                context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("open-counts", Types.LONG));
        if (context.isRestored()) {
            restoredOpen = LoopMetrics.restoredOpen(
                    openCounts, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        }
    }
}
