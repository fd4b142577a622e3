package io.cxstream.io;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.RecoveryRate;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The outputs written through {@link AvroRecordSchema}: topic, key, record timestamp, header and body, after Java serialization. */
class OutputsTest {
    private static final Instant RECORDED = Instant.parse("2026-11-30T08:00:00Z");
    private static final Instant DEAD_LETTERED = Instant.parse("2026-11-30T08:00:05.123Z");

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void aDeadLetterIsKeyedByItsSourceTopicStampedWhenDeadLetteredWithItsReasonAsAHeader(WireFormat format)
            throws Exception {
        DeadLetter letter = DeadLetter.newBuilder()
                .setSourceTopic("cx.feedback")
                .setSourcePartition(3)
                .setSourceOffset(42)
                .setReason(DeadLetterReason.SCORE_OUT_OF_RANGE)
                .setDetail("score 11")
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2}))
                .setRecordTimestamp(RECORDED)
                .setDeadLetteredAt(DEAD_LETTERED)
                .build();
        AvroRecordSchema<DeadLetter> schema = InstantiationUtil.clone(Outputs.deadLetters("cx.deadletter", format));

        ProducerRecord<byte[], byte[]> record = schema.serialize(letter, null, 7L);

        assertThat(record.topic()).isEqualTo("cx.deadletter");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cx.feedback");
        assertThat(record.timestamp()).isEqualTo(DEAD_LETTERED.toEpochMilli());
        assertThat(new String(record.headers().lastHeader(Outputs.REASON_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo("SCORE_OUT_OF_RANGE");
        assertThat(WireCodec.of(DeadLetter.class).decode(record.value())).isEqualTo(letter);
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void recoveryFiguresAreKeyedByRuleWithoutAHeader(WireFormat format) throws Exception {
        RecoveryRate rate = RecoveryRate.newBuilder()
                .setRuleId("detractor")
                .setTreated(10)
                .setTreatedRecovered(6)
                .setTreatedChurned(1)
                .setHeldOut(2)
                .setHeldOutRecovered(1)
                .setHeldOutChurned(0)
                .setUpdatedAt(RECORDED)
                .build();
        AvroRecordSchema<RecoveryRate> schema =
                InstantiationUtil.clone(Outputs.recoveryRates("cx.outreach.recovery", format));

        ProducerRecord<byte[], byte[]> record = schema.serialize(rate, null, 7L);

        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("detractor");
        assertThat(record.timestamp()).isEqualTo(RECORDED.toEpochMilli());
        assertThat(record.headers().toArray()).isEmpty();
        assertThat(WireCodec.of(RecoveryRate.class).decode(record.value())).isEqualTo(rate);
    }
}
