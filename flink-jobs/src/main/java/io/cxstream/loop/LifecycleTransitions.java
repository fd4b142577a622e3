package io.cxstream.loop;

import io.cxstream.avro.OutreachFeedback;
import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.RecoveryOutcome;
import io.cxstream.rules.RuleBook;

import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;

import static io.cxstream.loop.OutreachLifecycleFunction.DEAD_LETTERS;
import static io.cxstream.loop.OutreachLifecycleFunction.UPDATES;

/**
 * What happens to one outreach's {@link Lifecycle}: held out, resolved before it was sent, or sent with its time to
 * ack; resolved or given its recovery outcome by a customer's event ({@link Touch}); acked or closed ({@link
 * FeedbackVerdict}); escalated, then expired, by a missed time to ack; NOT_RECOVERED when its follow-up ends without
 * an outcome. Each change is counted ({@link LoopMetrics}) and told on {@link OutreachLifecycleFunction#UPDATES};
 * feedback it cannot apply goes to {@link OutreachLifecycleFunction#DEAD_LETTERS}. No keyed state here: {@link
 * OutreachLifecycleFunction} reads the customer's lifecycles, calls this, and keeps or forgets them.
 */
final class LifecycleTransitions {
    private final LoopConfig config;
    private final LoopRules rules;
    private final LoopMetrics metrics;
    private final FeedbackDeadLetters deadLetters;

    LifecycleTransitions(LoopConfig config, LoopRules rules, LoopMetrics metrics) {
        this.config = config;
        this.rules = rules;
        this.metrics = metrics;
        this.deadLetters = new FeedbackDeadLetters(config.feedbackTopic);
    }

    /** The loop's rules in force ({@link LoopRules}: built from the broadcast state on first use). */
    LoopPolicies policies(OutreachLifecycleFunction.ReadOnlyContext ctx) throws Exception {
        return rules.get(ctx.getBroadcastState(RuleBook.RULES));
    }

    /** Event time at which the outreach's follow-up ends (its recovery timer). */
    long followUpEnd(Lifecycle l) {
        return l.triggerTime + config.recoveryPeriod.toMillis();
    }

    /** A held-out outreach: not sent, only followed for recovery. */
    void heldOut(OutreachLifecycleFunction.ReadOnlyContext ctx, Lifecycle l, long now) {
        metrics.heldOut(l.triggerName, l.route);
        emit(ctx, l, "held out (" + config.holdoutPercent + "% holdout): not sent, followed for recovery", now);
    }

    /** An outreach resolved by an event that arrived before it ({@code resolver}): RESOLVED, never sent. */
    void resolvedBeforeSent(OutreachLifecycleFunction.ReadOnlyContext ctx, Lifecycle l, Touch resolver, long now) {
        l.status = OutreachStatus.RESOLVED;
        emit(ctx, l, "resolved before it was sent by " + resolver.kind, now);
    }

    /** An outreach just sent: OPEN, with its time to ack (a processing-time timer) if it has one. */
    void sent(OutreachLifecycleFunction.ReadOnlyContext ctx, Lifecycle l, long now) throws Exception {
        Duration sla = policies(ctx).sla(l, l.priority);
        if (sla != null) {
            l.slaMillis = sla.toMillis();
            l.ackDeadline = now + l.slaMillis;
            ctx.timerService().registerProcessingTimeTimer(l.ackDeadline);
        }
        metrics.opened(l.priority);
        emit(ctx, l, null, now);
    }

    /**
     * A customer's event: RESOLVED if it resolves the outreach still awaiting an ack ({@link
     * LoopPolicies#resolves}), and its recovery outcome ({@link #recover}). Whether it changed the lifecycle.
     */
    boolean onTouch(
            OutreachLifecycleFunction.ReadOnlyContext ctx, Lifecycle l, Touch t, LoopPolicies policies, long now) {
        boolean changed = false;
        if (l.awaitingAck() && policies.resolves(t, l)) {
            metrics.closed(l.priority);
            l.status = OutreachStatus.RESOLVED;
            emit(ctx, l, "resolved by " + t.kind, now);
            changed = true;
        }
        return recover(ctx, l, t, now) || changed;
    }

    /**
     * Gives the outreach the event's recovery outcome if the event has one, falls within the follow-up and the
     * outreach has none yet; whether it did.
     */
    boolean recover(OutreachLifecycleFunction.ReadOnlyContext ctx, Lifecycle l, Touch t, long now) {
        if (t.recovery != null && l.recovery == null && inFollowUp(l, t.eventTime)) {
            outcome(ctx, l, t.recovery, "by " + t.kind, now);
            return true;
        }
        return false;
    }

    /** An ack or close for an outreach id not followed for the customer (unknown, erased or long ended): a dead letter. */
    void unknownOutreach(OutreachLifecycleFunction.ReadOnlyContext ctx, LoopInput in, long now) {
        metrics.feedbackRejected("unknown_outreach");
        ctx.output(
                DEAD_LETTERS,
                deadLetters.of(
                        in,
                        "no outreach " + in.feedback.getOutreachId()
                                + " is followed for this customer (unknown, erased or long ended)",
                        now));
    }

    /**
     * An ack or close ({@code in.feedback}): ACKED or CLOSED, ignored (a duplicate or out of order) or a dead
     * letter (held out or ended otherwise). Whether it changed the lifecycle.
     */
    boolean onFeedback(OutreachLifecycleFunction.ReadOnlyContext ctx, Lifecycle l, LoopInput in, long now) {
        OutreachFeedback f = in.feedback;
        FeedbackVerdict verdict = FeedbackVerdict.of(l, f);
        switch (verdict) {
            case DUPLICATE:
            case OUT_OF_ORDER:
                metrics.feedbackIgnored(verdict.name().toLowerCase());
                return false;
            case REJECT:
                metrics.feedbackRejected("ended_outreach");
                ctx.output(DEAD_LETTERS, deadLetters.of(in, FeedbackVerdict.rejection(l), now));
                return false;
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
        return true;
    }

    /**
     * A timer at {@code timestamp}: a processing-time one past the outreach's ack deadline is a missed time to ack
     * ({@link #missedSla}); an event-time one at or past the end of its follow-up without an outcome gives
     * NOT_RECOVERED. Whether it changed the lifecycle.
     */
    boolean onTimer(OutreachLifecycleFunction.OnTimerContext ctx, Lifecycle l, long timestamp, long now)
            throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            if (l.awaitingAck() && l.ackDeadline > 0 && l.ackDeadline <= timestamp) {
                missedSla(ctx, l, now);
                return true;
            }
        } else if (l.recovery == null && followUpEnd(l) <= timestamp) {
            outcome(
                    ctx,
                    l,
                    RecoveryOutcome.NOT_RECOVERED,
                    "no order, good answer or closure within " + TimeUtils.formatWithHighestUnit(config.recoveryPeriod),
                    now);
            return true;
        }
        return false;
    }

    /** A missed time to ack: an OPEN outreach ESCALATES one priority up (a new time to ack), an escalated one EXPIRES. */
    private void missedSla(OutreachLifecycleFunction.ReadOnlyContext ctx, Lifecycle l, long now) throws Exception {
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

    private void outcome(
            OutreachLifecycleFunction.ReadOnlyContext ctx, Lifecycle l, RecoveryOutcome outcome, String why, long now) {
        l.recovery = outcome;
        metrics.recovery(l.triggerName, l.heldOut, outcome);
        ctx.output(UPDATES, l.outcome(outcome + " " + why, now));
    }

    private void emit(OutreachLifecycleFunction.ReadOnlyContext ctx, Lifecycle l, String detail, long now) {
        metrics.status(l.status, l.route);
        ctx.output(UPDATES, l.update(detail, now));
    }

    private boolean inFollowUp(Lifecycle l, long eventTime) {
        return eventTime > l.triggerTime && eventTime <= followUpEnd(l);
    }
}
