package io.cxstream.io;

import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.testing.Events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class CxRecordDeserializerTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final int MAX_BYTES = 4096;

    private final CxRecordDeserializer deserializer = new CxRecordDeserializer(
            "i",
            "f",
            "c",
            null,
            MAX_BYTES,
            new EventValidator(
                    Duration.ofMinutes(10).toMillis(), Duration.ofDays(30).toMillis(), 4),
            (LongSupplier & java.io.Serializable) () -> NOW);
    private final WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);

    private Decoded decode(String topic, byte[] value) {
        return deserializer.decode(topic, 1, 42, NOW, value);
    }

    private DeadLetterReason reason(String topic, byte[] value) {
        Decoded d = decode(topic, value);
        assertThat(d.isDeadLetter()).as("dead-lettered").isTrue();
        assertThat(d.deadLetter.getSourceTopic()).isEqualTo(topic);
        assertThat(d.deadLetter.getSourcePartition()).isEqualTo(1);
        assertThat(d.deadLetter.getSourceOffset()).isEqualTo(42);
        return d.deadLetter.getReason();
    }

    @Test
    void decodesAvroAndJsonOfEveryInputTopic() {
        InteractionEvent e = Events.interaction("c1", NOW, InteractionType.CART_ADD, "cart");
        Decoded avro = decode("i", interactions.encode(e, WireFormat.AVRO));
        Decoded json = decode("i", interactions.encode(e, WireFormat.JSON));
        assertThat(avro.event.interaction).isEqualTo(e);
        assertThat(json.event.interaction).isEqualTo(e);
        assertThat(avro.input).isEqualTo(CxRecordDeserializer.INTERACTIONS);
        assertThat(avro.event.customerId).isEqualTo("c1");
        assertThat(avro.event.eventTime).isEqualTo(NOW);

        Decoded feedback = decode(
                "f",
                WireCodec.of(io.cxstream.avro.FeedbackEvent.class)
                        .encode(Events.feedback("c2", NOW, FeedbackMetric.CES, 7), WireFormat.AVRO));
        assertThat(feedback.event.feedback.getScore()).isEqualTo(7);
    }

    @Test
    void badRecordsBecomeDeadLettersWithAReason() {
        byte[] good =
                interactions.encode(Events.interaction("c1", NOW, InteractionType.CART_ADD, "cart"), WireFormat.AVRO);
        assertThat(reason("i", "garbage".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertThat(reason("i", new byte[0])).isEqualTo(DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertThat(reason("i", null)).isEqualTo(DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertThat(reason("f", good))
                .as("an interaction on the feedback topic")
                .isIn(DeadLetterReason.UNKNOWN_SCHEMA, DeadLetterReason.UNDECODABLE);
        assertThat(reason("other", good)).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
        assertThat(reason("i", new byte[MAX_BYTES + 1])).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(reason(
                        "i",
                        interactions.encode(
                                Events.interaction(" ", NOW, InteractionType.CART_ADD, "cart"), WireFormat.AVRO)))
                .isEqualTo(DeadLetterReason.MISSING_CUSTOMER_ID);
        assertThat(reason(
                        "i",
                        interactions.encode(
                                Events.interaction(
                                        "c", NOW + Duration.ofHours(1).toMillis(), InteractionType.CART_ADD, "cart"),
                                WireFormat.AVRO)))
                .isEqualTo(DeadLetterReason.TIMESTAMP_IN_FUTURE);
        assertThat(reason(
                        "i",
                        interactions.encode(
                                Events.interaction("c", 0L, InteractionType.CART_ADD, "cart"), WireFormat.JSON)))
                .isEqualTo(DeadLetterReason.TIMESTAMP_TOO_OLD);
        InteractionEvent manyAttributes = Events.interaction("c", NOW, InteractionType.CART_ADD, "cart");
        for (int i = 0; i < 5; i++) {
            manyAttributes.getAttributes().put("k" + i, "v");
        }
        assertThat(reason("i", interactions.encode(manyAttributes, WireFormat.AVRO)))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);

        WireCodec<io.cxstream.avro.FeedbackEvent> feedback = WireCodec.of(io.cxstream.avro.FeedbackEvent.class);
        assertThat(reason("f", feedback.encode(Events.feedback("c", NOW, FeedbackMetric.NPS, 11), WireFormat.AVRO)))
                .isEqualTo(DeadLetterReason.SCORE_OUT_OF_RANGE);
        assertThat(reason("f", feedback.encode(Events.feedback("c", NOW, FeedbackMetric.NPS, -1), WireFormat.JSON)))
                .isEqualTo(DeadLetterReason.SCORE_OUT_OF_RANGE);
        assertThat(reason("f", feedback.encode(Events.feedback("c", NOW, FeedbackMetric.CSAT, 0), WireFormat.AVRO)))
                .isEqualTo(DeadLetterReason.SCORE_OUT_OF_RANGE);
        assertThat(reason("f", feedback.encode(Events.feedback("c", NOW, FeedbackMetric.UNKNOWN, 3), WireFormat.AVRO)))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
    }

    @Test
    void noInputEverThrows() {
        byte[] good =
                interactions.encode(Events.interaction("c1", NOW, InteractionType.CART_ADD, "cart"), WireFormat.AVRO);
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            byte[] mutated = good.clone();
            mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
            if (random.nextBoolean()) {
                mutated = java.util.Arrays.copyOf(mutated, random.nextInt(mutated.length));
            }
            Decoded d = decode("i", mutated);
            assertThat(d.event != null ^ d.deadLetter != null)
                    .as("exactly one outcome")
                    .isTrue();
        }
    }
}
