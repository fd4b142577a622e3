package io.cxstream.loop;

import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachFeedback;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.rules.Trigger;

/**
 * What the outreach lifecycle receives, keyed by customer: exactly one of an approved outreach (from the
 * decision), an event of the customer (from the journey), an ack or close (from the feedback topic, with its
 * Kafka coordinates for a dead letter) or an erasure marker. A Flink POJO.
 */
public class LoopInput {
    public String customerId;
    public OutreachEvent outreach;
    public JourneyEvent event;
    public OutreachFeedback feedback;
    public int feedbackPartition;
    public long feedbackOffset;
    public boolean erasure;
    /** Event time of the erasure (markers only). */
    public long erasureTime;

    public LoopInput() {}

    public static LoopInput of(OutreachEvent outreach) {
        LoopInput in = new LoopInput();
        in.customerId = outreach.getCustomerId();
        in.outreach = outreach;
        return in;
    }

    public static LoopInput of(JourneyEvent event) {
        LoopInput in = new LoopInput();
        in.customerId = event.customerId;
        in.event = event;
        return in;
    }

    public static LoopInput of(OutreachFeedback feedback, int partition, long offset) {
        LoopInput in = new LoopInput();
        in.customerId = feedback.getCustomerId();
        in.feedback = feedback;
        in.feedbackPartition = partition;
        in.feedbackOffset = offset;
        return in;
    }

    /** An erasure marker of the journey's triggers output. */
    public static LoopInput erasure(Trigger marker) {
        LoopInput in = new LoopInput();
        in.customerId = marker.customerId;
        in.erasure = true;
        in.erasureTime = marker.lastEvidenceTime;
        return in;
    }

    @Override
    public String toString() {
        // never prints the feedback's note (personal data)
        String kind = outreach != null
                ? "outreach " + outreach.getOutreachId()
                : event != null
                        ? event.toString()
                        : feedback != null
                                ? "feedback " + feedback.getAction() + " " + feedback.getOutreachId()
                                : "ERASURE";
        return "LoopInput{" + kind + ", customer=" + customerId + "}";
    }
}
