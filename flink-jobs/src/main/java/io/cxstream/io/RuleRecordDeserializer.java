package io.cxstream.io;

import io.cxstream.rules.RuleRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Records of the rules topic as {@link RuleRecord}s: the key (rule id) and value (rule JSON) as UTF-8
 * text, a null value as a deletion. Nothing is judged here: the rule engine checks every rule and
 * publishes why it rejects one, so a bad record is never lost.
 */
public class RuleRecordDeserializer implements KafkaRecordDeserializationSchema<RuleRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RuleRecord> out) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        String value = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        out.collect(new RuleRecord(key, value, record.timestamp()));
    }

    @Override
    public TypeInformation<RuleRecord> getProducedType() {
        return TypeInformation.of(RuleRecord.class);
    }
}
