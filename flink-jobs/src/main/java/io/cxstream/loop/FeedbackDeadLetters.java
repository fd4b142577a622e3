package io.cxstream.loop;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.OutreachFeedback;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Dead letters for acks and closes the lifecycle cannot apply (reason UNKNOWN_OUTREACH): the record's
 * coordinates, a detail with the outreach id and why, and the feedback as JSON without its note (personal
 * data does not travel further than it must).
 */
final class FeedbackDeadLetters implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final WireCodec<OutreachFeedback> codec = WireCodec.of(OutreachFeedback.class);

    FeedbackDeadLetters(String topic) {
        this.topic = topic;
    }

    DeadLetter of(LoopInput in, String detail, long now) {
        OutreachFeedback withoutNote =
                OutreachFeedback.newBuilder(in.feedback).setNote(null).build();
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(in.feedbackPartition)
                .setSourceOffset(in.feedbackOffset)
                .setReason(DeadLetterReason.UNKNOWN_OUTREACH)
                .setDetail(detail)
                .setPayload(ByteBuffer.wrap(codec.encode(withoutNote, WireFormat.JSON)))
                .setPayloadTruncated(false)
                .setRecordTimestamp(in.feedback.getEventTime())
                .setDeadLetteredAt(Instant.ofEpochMilli(now))
                .build();
    }
}
