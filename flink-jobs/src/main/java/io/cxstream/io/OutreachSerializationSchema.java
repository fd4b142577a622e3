package io.cxstream.io;

import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Route;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Writes each outreach to its route's topic, keyed by customer id (so one customer's outreach stays
 * in order on one partition), with the outreachId as a header for consumers that deduplicate.
 */
public class OutreachSerializationSchema implements KafkaRecordSerializationSchema<OutreachEvent> {
    private static final long serialVersionUID = 1L;

    public static final String OUTREACH_ID_HEADER = "cx-outreach-id";

    private final String contactCenterTopic;
    private final String marketingTopic;
    private final WireFormat format;
    private final WireCodec<OutreachEvent> codec = WireCodec.of(OutreachEvent.class);

    public OutreachSerializationSchema(String contactCenterTopic, String marketingTopic, WireFormat format) {
        this.contactCenterTopic = contactCenterTopic;
        this.marketingTopic = marketingTopic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutreachEvent outreach, KafkaSinkContext context, Long timestamp) {
        String topic = outreach.getRoute() == Route.MARKETING ? marketingTopic : contactCenterTopic;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic,
                null,
                outreach.getEmittedAt().toEpochMilli(),
                outreach.getCustomerId().getBytes(StandardCharsets.UTF_8),
                codec.encode(outreach, format));
        record.headers().add(OUTREACH_ID_HEADER, outreach.getOutreachId().getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
