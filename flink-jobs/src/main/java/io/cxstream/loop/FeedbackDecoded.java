package io.cxstream.loop;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.OutreachFeedback;

/** A record of the feedback topic, decoded: an ack or close with its coordinates, or a dead letter (exactly one set). */
public class FeedbackDecoded {
    public OutreachFeedback feedback;
    public int partition;
    public long offset;
    public DeadLetter deadLetter;

    public FeedbackDecoded() {}
}
