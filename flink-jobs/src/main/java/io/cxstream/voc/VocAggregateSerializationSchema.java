package io.cxstream.voc;

import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Writes an aggregate to the compacted {@code cx.voc} topic, stamped with its window end, keyed so that
 * compaction keeps what a reader wants: {@code window/dimension/value/METRIC} for the rolling windows
 * (the current value of each), and {@code 1m/dimension/value/METRIC/<minute start millis>} for minutes
 * (each minute once; a late answer's corrected minute replaces the first one).
 */
public class VocAggregateSerializationSchema implements KafkaRecordSerializationSchema<VocAggregate> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final WireFormat format;
    private final WireCodec<VocAggregate> codec = WireCodec.of(VocAggregate.class);

    public VocAggregateSerializationSchema(String topic, WireFormat format) {
        this.topic = topic;
        this.format = format;
    }

    public static String keyOf(VocAggregate a) {
        String key = a.getWindow() + "/" + a.getDimension() + "/" + a.getValue() + "/" + a.getMetric();
        return VocWindows.MINUTE_LABEL.equals(a.getWindow()) ? key + "/" + a.getWindowStart().toEpochMilli() : key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(VocAggregate a, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, a.getWindowEnd().toEpochMilli(),
                keyOf(a).getBytes(StandardCharsets.UTF_8), codec.encode(a, format));
    }
}
