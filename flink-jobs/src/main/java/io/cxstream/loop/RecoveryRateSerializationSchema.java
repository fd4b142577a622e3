package io.cxstream.loop;

import io.cxstream.avro.RecoveryRate;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Writes recovery figures to {@code topic.outreach.recovery}, keyed by rule (the latest per key is the current one). */
public class RecoveryRateSerializationSchema implements KafkaRecordSerializationSchema<RecoveryRate> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final WireFormat format;
    private final WireCodec<RecoveryRate> codec = WireCodec.of(RecoveryRate.class);

    public RecoveryRateSerializationSchema(String topic, WireFormat format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(RecoveryRate rate, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, rate.getUpdatedAt().toEpochMilli(),
                rate.getRuleId().getBytes(StandardCharsets.UTF_8), codec.encode(rate, format));
    }
}
