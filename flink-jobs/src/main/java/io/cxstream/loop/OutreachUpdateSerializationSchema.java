package io.cxstream.loop;

import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Writes status updates to {@code topic.outreach.updates}, keyed by customer (in order per customer), outreachId as a header. */
public class OutreachUpdateSerializationSchema implements KafkaRecordSerializationSchema<OutreachUpdate> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final WireFormat format;
    private final WireCodec<OutreachUpdate> codec = WireCodec.of(OutreachUpdate.class);

    public OutreachUpdateSerializationSchema(String topic, WireFormat format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutreachUpdate update, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, update.getUpdatedAt().toEpochMilli(),
                update.getCustomerId().getBytes(StandardCharsets.UTF_8), codec.encode(update, format));
        record.headers().add("cx-outreach-id", update.getOutreachId().getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
