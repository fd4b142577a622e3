package io.cxstream.loop;

import io.cxstream.avro.FeedbackAction;
import io.cxstream.avro.OutreachFeedback;
import io.cxstream.avro.OutreachStatus;

/**
 * What an ack or close does to a lifecycle: move it on (ACKED or CLOSED), nothing (a duplicate, or one older
 * than the feedback already applied: out of order), or a dead letter (the outreach was held out or has ended
 * otherwise). A close of an unacked outreach acks it too.
 */
enum FeedbackVerdict {
    ACK,
    CLOSE,
    DUPLICATE,
    OUT_OF_ORDER,
    REJECT;

    static FeedbackVerdict of(Lifecycle l, OutreachFeedback f) {
        long time = f.getEventTime().toEpochMilli();
        boolean ack = f.getAction() == FeedbackAction.ACK;
        if (l.heldOut) {
            return REJECT;
        }
        switch (l.status) {
            case OPEN:
            case ESCALATED:
                return ack ? ACK : CLOSE;
            case ACKED:
                return ack ? DUPLICATE : CLOSE;
            case CLOSED:
                if (time < l.lastFeedbackTime) {
                    return OUT_OF_ORDER; // e.g. the ack written before the close, read after it
                }
                return ack && time == l.lastFeedbackTime || !ack ? DUPLICATE : REJECT;
            default: // RESOLVED, EXPIRED: nobody should act on it any more
                return REJECT;
        }
    }

    /** The dead letter's detail for a rejected feedback (no personal data: the id and the status). */
    static String rejection(Lifecycle l) {
        return "outreach " + l.outreachId + " is " + (l.heldOut ? "held out (never sent)" : "already " + l.status);
    }

    static OutreachStatus target(FeedbackVerdict v) {
        return v == ACK ? OutreachStatus.ACKED : OutreachStatus.CLOSED;
    }
}
