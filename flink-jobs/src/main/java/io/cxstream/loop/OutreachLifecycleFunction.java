package io.cxstream.loop;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.OutreachUpdate;
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
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

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
 * the rule engine checks them) come on the broadcast input ({@link LoopRules}). What each input and timer does to
 * a lifecycle is {@link LifecycleTransitions}; this function reads and writes the customer's state ({@link
 * LoopState}) around it and registers the recovery timers.
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

    private transient MapState<String, Lifecycle> lifecycles;
    private transient MapState<String, List<Long>> sent;
    private transient ValueState<List<Touch>> touches;
    private transient ValueState<Long> erasedAt;
    private transient ListState<Long> openCounts;
    private transient LoopMetrics metrics;
    private transient LifecycleTransitions transitions;
    private transient long[] restoredOpen;
    /** Where the recovery timers wait while far ahead of the watermark (null: on the heap, as Flink's operator runs it). */
    private transient FarTimers farTimers;

    /** @param rules the job's start rules and how published ones are checked (as the rule engine's) */
    public OutreachLifecycleFunction(LoopConfig config, RuleBook rules) {
        this.config = config;
        this.rules = new LoopRules(config, rules);
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
        transitions = new LifecycleTransitions(config, rules, metrics);
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
        // The customer's events before the outreach (read once): they may resolve it, or show its recovery.
        List<Touch> early;
        if (heldOut) {
            early = touches.value();
            transitions.heldOut(ctx, l, now);
        } else {
            List<Long> times = sent.get(l.route.name());
            long period = config.capPeriod.get(l.route).toMillis();
            if (!ContactCaps.allows(times, l.triggerTime, config.cap.get(l.route), period)) {
                metrics.suppressed("cap", l.triggerName, l.route);
                return;
            }
            early = touches.value();
            Touch resolver = transitions.policies(ctx).firstResolver(early, l);
            if (resolver != null) {
                transitions.resolvedBeforeSent(ctx, l, resolver, now);
            } else {
                sent.put(l.route.name(), ContactCaps.record(times, l.triggerTime, period));
                out.collect(o);
                transitions.sent(ctx, l, now);
            }
        }
        TimerService timers = farTimers == null ? ctx.timerService() : farTimers.around(ctx.timerService());
        timers.registerEventTimeTimer(transitions.followUpEnd(l));
        for (Touch t : early == null ? List.<Touch>of() : early) {
            transitions.recover(ctx, l, t, now);
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
        LoopPolicies policies = transitions.policies(ctx);
        touch.resolves.addAll(policies.resolvedBy(e));
        if (!touch.matters()) {
            return;
        }
        List<Lifecycle> touched = new ArrayList<>();
        for (Lifecycle l : lifecycles.values()) {
            if (transitions.onTouch(ctx, l, touch, policies, now)) {
                touched.add(l);
            }
        }
        store(touched);
        touches.update(Touch.append(touches.value(), touch, MAX_TOUCHES));
    }

    private void onFeedback(LoopInput in, ReadOnlyContext ctx, long now) throws Exception {
        Lifecycle l = lifecycles.get(in.feedback.getOutreachId());
        if (l == null) {
            transitions.unknownOutreach(ctx, in, now);
        } else if (transitions.onFeedback(ctx, l, in, now)) {
            store(List.of(l));
        }
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
            if (transitions.onTimer(ctx, l, timestamp, now)) {
                changed.add(l);
            }
        }
        store(changed);
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
