package io.cxstream.io;

import io.cxstream.rules.RuleStatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Rule statuses as JSON on the status topic, keyed by rule id (so the topic can be compacted too). */
public class RuleStatusSerializationSchema implements KafkaRecordSerializationSchema<RuleStatus> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;

    public RuleStatusSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(RuleStatus status, KafkaSinkContext context, Long timestamp) {
        try {
            byte[] key = status.ruleId == null ? null : status.ruleId.getBytes(StandardCharsets.UTF_8);
            return new ProducerRecord<>(topic, null, timestamp, key, JSON.writeValueAsBytes(status));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a rule status as JSON", e);
        }
    }
}
