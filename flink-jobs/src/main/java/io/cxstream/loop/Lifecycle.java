package io.cxstream.loop;

import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.Priority;
import io.cxstream.avro.RecoveryOutcome;
import io.cxstream.avro.Route;

import java.time.Instant;

/**
 * One outreach's lifecycle, kept per customer by outreachId until it has ended (CLOSED, RESOLVED, EXPIRED or
 * HELD_OUT) and its recovery outcome is out. A Flink POJO; {@link #note} is personal data (never logged,
 * cleared with the customer).
 */
public class Lifecycle {
    public String outreachId;
    public String customerId;
    public String ruleId;
    public String triggerName;
    public Route route;
    public Priority priority;
    public OutreachStatus status;
    public boolean heldOut;
    /** Event time of the trigger's last evidence: the follow-up and auto-resolve windows start here. */
    public long triggerTime;
    /** Processing time at which it was opened (time to ack is measured from here). */
    public long openedAt;
    /** Processing time by which an ack is due; 0: no SLA. */
    public long ackDeadline;
    /** The SLA that applied, millis (kept for the escalated step). */
    public long slaMillis;
    /** Event time of the latest feedback applied. */
    public long lastFeedbackTime;

    public String handledBy;
    public String outcomeCode;
    public String note;
    /** Set once the follow-up has its outcome. */
    public RecoveryOutcome recovery;

    public Lifecycle() {}

    static Lifecycle of(OutreachEvent o, OutreachStatus status, boolean heldOut, long now) {
        Lifecycle l = new Lifecycle();
        l.outreachId = o.getOutreachId();
        l.customerId = o.getCustomerId();
        l.ruleId = ruleIdOf(o);
        l.triggerName =
                o.getTriggerName() != null ? o.getTriggerName() : o.getTrigger().name();
        l.route = o.getRoute();
        l.priority = o.getPriority();
        l.status = status;
        l.heldOut = heldOut;
        l.triggerTime = o.getLastEvidenceTime().toEpochMilli();
        l.openedAt = now;
        return l;
    }

    /** Not acked and not ended: the states an SLA or an auto-resolve applies to. */
    boolean awaitingAck() {
        return status == OutreachStatus.OPEN || status == OutreachStatus.ESCALATED;
    }

    /** Nothing more happens to it but its recovery outcome. */
    boolean ended() {
        return status == OutreachStatus.CLOSED
                || status == OutreachStatus.RESOLVED
                || status == OutreachStatus.EXPIRED
                || status == OutreachStatus.HELD_OUT;
    }

    /** The update that tells its current status (with {@code detail}, never personal data); no recovery. */
    OutreachUpdate update(String detail, long now) {
        return update(detail, null, now);
    }

    /** The one update with its recovery outcome (no note: the status update carried it). */
    OutreachUpdate outcome(String detail, long now) {
        return update(detail, recovery, now);
    }

    private OutreachUpdate update(String detail, RecoveryOutcome outcome, long now) {
        return OutreachUpdate.newBuilder()
                .setOutreachId(outreachId)
                .setCustomerId(customerId)
                .setRuleId(ruleId)
                .setTriggerName(triggerName)
                .setRoute(route)
                .setPriority(priority)
                .setStatus(status)
                .setDetail(detail)
                .setHandledBy(handledBy)
                .setOutcomeCode(outcomeCode)
                .setNote(status == OutreachStatus.CLOSED && outcome == null ? note : null)
                .setRecovery(outcome)
                .setHeldOut(heldOut)
                .setUpdatedAt(Instant.ofEpochMilli(now))
                .build();
    }

    /** One priority up (P1 stays P1). */
    static Priority up(Priority p) {
        return p.ordinal() == 0 ? p : Priority.values()[p.ordinal() - 1];
    }

    @Override
    public String toString() {
        return "Lifecycle{" + outreachId + ", " + status + ", " + priority + (heldOut ? ", held out" : "") + "}";
    }

    /** The outreach's rule id (its trigger's name for an outreach without one). */
    static String ruleIdOf(OutreachEvent o) {
        return o.getRuleId() != null ? o.getRuleId() : o.getTrigger().name();
    }
}
