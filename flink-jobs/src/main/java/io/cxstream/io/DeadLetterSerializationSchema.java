package io.cxstream.io;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Writes dead letters to the dead-letter topic, keyed by their source topic, with the reason as a header. */
public class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String REASON_HEADER = "cx-dead-letter-reason";

    private final String topic;
    private final WireFormat format;
    private final WireCodec<DeadLetter> codec = WireCodec.of(DeadLetter.class);

    public DeadLetterSerializationSchema(String topic, WireFormat format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter deadLetter, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                deadLetter.getDeadLetteredAt().toEpochMilli(),
                deadLetter.getSourceTopic().getBytes(StandardCharsets.UTF_8),
                codec.encode(deadLetter, format));
        record.headers().add(REASON_HEADER, deadLetter.getReason().name().getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
