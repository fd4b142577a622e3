package io.cxstream.journey;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.io.CxEvent;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The dead letter of an interaction or feedback event that reached the journey at or behind the
 * watermark: reason {@code LATE_EVENT}, the event re-encoded as Avro, its input topic named
 * (partition and offset are not known after the shuffle: -1).
 */
final class LateEvents {
    private final String interactionsTopic;
    private final String feedbackTopic;
    private final WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);
    private final WireCodec<FeedbackEvent> feedback = WireCodec.of(FeedbackEvent.class);

    LateEvents(String interactionsTopic, String feedbackTopic) {
        this.interactionsTopic = interactionsTopic;
        this.feedbackTopic = feedbackTopic;
    }

    DeadLetter deadLetter(CxEvent event, long watermark, long now) {
        byte[] payload = event.interaction != null
                ? interactions.encode(event.interaction, WireFormat.AVRO)
                : feedback.encode(event.feedback, WireFormat.AVRO);
        return DeadLetter.newBuilder()
                .setSourceTopic(event.interaction != null ? interactionsTopic : feedbackTopic)
                .setSourcePartition(-1)
                .setSourceOffset(-1)
                .setReason(DeadLetterReason.LATE_EVENT)
                .setDetail("eventTime " + event.eventTime + " is at or behind the watermark " + watermark
                        + " (watermark.max-out-of-orderness)")
                .setPayload(ByteBuffer.wrap(payload))
                .setPayloadTruncated(false)
                .setRecordTimestamp(Instant.ofEpochMilli(event.eventTime))
                .setDeadLetteredAt(Instant.ofEpochMilli(now))
                .build();
    }
}
