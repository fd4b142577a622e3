package io.cxstream.voc;

import io.cxstream.avro.VocTrendAlert;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Writes a trend alert to {@code cx.voc.alerts}, keyed by {@code dimension/value} (one dimension value's
 * alerts stay in order on one partition), stamped with its detection time, with the alert id as a header
 * for consumers that deduplicate.
 */
public class VocAlertSerializationSchema implements KafkaRecordSerializationSchema<VocTrendAlert> {
    private static final long serialVersionUID = 1L;
    public static final String ALERT_ID_HEADER = "cx-alert-id";

    private final String topic;
    private final WireFormat format;
    private final WireCodec<VocTrendAlert> codec = WireCodec.of(VocTrendAlert.class);

    public VocAlertSerializationSchema(String topic, WireFormat format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(VocTrendAlert a, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, a.getDetectedAt().toEpochMilli(),
                (a.getDimension() + "/" + a.getValue()).getBytes(StandardCharsets.UTF_8), codec.encode(a, format));
        record.headers().add(ALERT_ID_HEADER, a.getAlertId().getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
