package io.cxstream.loop;

import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackAction;
import io.cxstream.avro.OutreachFeedback;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Acks and closes as read from the feedback topic: both wire formats, and every bad record a dead letter, never an exception. */
class OutreachFeedbackDeserializerTest {
    private final OutreachFeedbackDeserializer deserializer = new OutreachFeedbackDeserializer(null, 10_000, 20);
    private final WireCodec<OutreachFeedback> codec = WireCodec.of(OutreachFeedback.class);

    private static OutreachFeedback ack(String customer, String outreachId, String note) {
        return OutreachFeedback.newBuilder()
                .setOutreachId(outreachId)
                .setCustomerId(customer)
                .setAction(FeedbackAction.ACK)
                .setHandledBy("agent-1")
                .setNote(note)
                .setEventTime(Instant.ofEpochMilli(1_000))
                .build();
    }

    private FeedbackDecoded decode(String key, byte[] value) {
        return deserializer.decode(
                "cx.outreach.feedback", 1, 42, 7, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void jsonAndAvroAreRead() {
        for (WireFormat f : WireFormat.values()) {
            FeedbackDecoded d = decode("c1", codec.encode(ack("c1", "o1", null), f));
            assertThat(d.deadLetter).isNull();
            assertThat(d.feedback.getOutreachId()).isEqualTo("o1");
            assertThat(d.partition).isEqualTo(1);
            assertThat(d.offset).isEqualTo(42);
        }
    }

    @Test
    void aLongNoteIsCut() {
        FeedbackDecoded d = decode("c1", codec.encode(ack("c1", "o1", "x".repeat(100)), WireFormat.JSON));
        assertThat(d.feedback.getNote()).hasSize(20);
    }

    @Test
    void badRecordsAreDeadLetteredWithTheirReason() {
        assertThat(decode("c1", "not an ack".getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .getReason())
                .isEqualTo(DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertThat(decode("c1", "{\"outreachId\": \"o1\"}".getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .getReason())
                .isIn(DeadLetterReason.UNDECODABLE, DeadLetterReason.INVALID_FIELD);
        assertThat(decode("c2", codec.encode(ack("c1", "o1", null), WireFormat.JSON)).deadLetter)
                .satisfies(d -> {
                    assertThat(d.getReason()).isEqualTo(DeadLetterReason.INVALID_FIELD);
                    assertThat(d.getDetail()).contains("key");
                    assertThat(d.getSourceOffset()).isEqualTo(42);
                });
        assertThat(decode(null, codec.encode(ack(" ", "o1", null), WireFormat.JSON))
                        .deadLetter
                        .getReason())
                .isEqualTo(DeadLetterReason.MISSING_CUSTOMER_ID);
        assertThat(decode("c1", codec.encode(ack("c1", "", null), WireFormat.JSON))
                        .deadLetter
                        .getReason())
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(decode("c1", null).deadLetter).isNotNull();
        assertThat(decode("c1", new byte[20_000]).deadLetter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
    }

    @Test
    void aDeadLetterNeverEchoesTheNoteInItsDetail() {
        byte[] bad = codec.encode(ack("c1", "", "Jane Doe called"), WireFormat.JSON);
        assertThat(decode("c1", bad).deadLetter.getDetail()).doesNotContain("Jane");
    }

    @Test
    void aDeadLetterNeverEchoesWhatTheDecoderChokedOn() {
        String json = new String(codec.encode(ack("c1", "o1", null), WireFormat.JSON), StandardCharsets.UTF_8);
        byte[] unknownAction = json.replace("\"ACK\"", "\"Secret42\"").getBytes(StandardCharsets.UTF_8);
        assertThat(json).contains("\"ACK\"");

        FeedbackDecoded d = decode("c1", unknownAction);

        assertThat(d.deadLetter).isNotNull();
        assertThat(d.deadLetter.getDetail()).doesNotContain("Secret42");
        assertThat(d.deadLetter.getPayload().array()).isEqualTo(unknownAction);
    }
}
