package io.cxstream.io;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.RecoveryRate;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;
import io.cxstream.config.CxConfig;
import io.cxstream.loop.FeedbackDecoded;
import io.cxstream.loop.OutreachFeedbackDeserializer;
import io.cxstream.rules.RuleRecord;
import io.cxstream.rules.RuleStatus;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.List;
import java.util.Properties;

/** Builds the job's Kafka sources and sinks from the configuration. */
public final class KafkaIo {
    private KafkaIo() {}

    /** One source over the three input topics; each record is decoded by its topic's schema. */
    public static KafkaSource<Decoded> source(CxConfig config) {
        Properties props = consumerProperties(config);
        return KafkaSource.<Decoded>builder()
                .setProperties(props)
                .setTopics(List.of(config.interactionsTopic, config.feedbackTopic, config.consentsTopic))
                .setGroupId(config.groupId)
                .setClientIdPrefix(config.groupId + "-source")
                .setStartingOffsets(startingOffsets(config))
                .setDeserializer(new CxRecordDeserializer(config))
                .build();
    }

    /**
     * The rules topic, always from its beginning when the job has no checkpoint: it is compacted, so
     * reading it whole gives every rule's latest version.
     */
    public static KafkaSource<RuleRecord> rulesSource(CxConfig config) {
        Properties props = consumerProperties(config);
        return KafkaSource.<RuleRecord>builder()
                .setProperties(props)
                .setTopics(config.rulesTopic)
                .setGroupId(config.groupId)
                .setClientIdPrefix(config.groupId + "-rules")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RuleRecordDeserializer())
                .build();
    }

    /** What became of each published rule, as JSON (at least once: a status is information, not an action). */
    public static KafkaSink<RuleStatus> ruleStatusSink(CxConfig config) {
        return KafkaSink.<RuleStatus>builder()
                .setKafkaProducerConfig(producerProperties(config))
                .setRecordSerializer(new RuleStatusSerializationSchema(config.rulesStatusTopic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    public static KafkaSink<OutreachEvent> outreachSink(CxConfig config) {
        return sink(
                config,
                new OutreachSerializationSchema(config.contactCenterTopic, config.marketingTopic, config.outputFormat),
                "-outreach");
    }

    public static KafkaSink<DeadLetter> deadLetterSink(CxConfig config) {
        return sink(config, Outputs.deadLetters(config.deadLetterTopic, config.outputFormat), "-deadletter");
    }

    /** Voice-of-the-Customer aggregates to the compacted topic.voc. */
    public static KafkaSink<VocAggregate> vocAggregateSink(CxConfig config) {
        return sink(config, Outputs.vocAggregates(config.voc.aggregatesTopic, config.outputFormat), "-voc");
    }

    /** Voice-of-the-Customer trend and goal alerts to topic.voc-alerts. */
    public static KafkaSink<VocTrendAlert> vocAlertSink(CxConfig config) {
        return sink(config, Outputs.vocAlerts(config.voc.alertsTopic, config.outputFormat), "-voc-alerts");
    }

    /**
     * Acks and closes of outreach (topic.outreach.feedback), from the earliest offset without a checkpoint:
     * an ack must not be missed because the job started after it.
     */
    public static KafkaSource<FeedbackDecoded> outreachFeedbackSource(CxConfig config) {
        Properties props = consumerProperties(config);
        return KafkaSource.<FeedbackDecoded>builder()
                .setProperties(props)
                .setTopics(config.loop.feedbackTopic)
                .setGroupId(config.groupId)
                .setClientIdPrefix(config.groupId + "-outreach-feedback")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new OutreachFeedbackDeserializer(
                        config.inputFormat, config.maxRecordBytes, config.maxCommentLength))
                .build();
    }

    /** Outreach status updates and recovery outcomes to topic.outreach.updates. */
    public static KafkaSink<OutreachUpdate> outreachUpdatesSink(CxConfig config) {
        return sink(
                config, Outputs.outreachUpdates(config.loop.updatesTopic, config.outputFormat), "-outreach-updates");
    }

    /** Recovery figures per rule to topic.outreach.recovery. */
    public static KafkaSink<RecoveryRate> recoverySink(CxConfig config) {
        return sink(
                config, Outputs.recoveryRates(config.loop.recoveryTopic, config.outputFormat), "-outreach-recovery");
    }

    /** A sink with the job's delivery guarantee; its transactional ids are the job's prefix plus {@code idSuffix}. */
    private static <T> KafkaSink<T> sink(CxConfig config, KafkaRecordSerializationSchema<T> records, String idSuffix) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(producerProperties(config))
                .setRecordSerializer(records)
                .setDeliveryGuarantee(config.deliveryGuarantee)
                .setTransactionalIdPrefix(config.transactionalIdPrefix + idSuffix)
                .build();
    }

    /** Inputs written transactionally must not be seen before they commit; new partitions are found within a minute. */
    private static Properties consumerProperties(CxConfig config) {
        Properties props = config.kafkaProperties();
        props.putIfAbsent("isolation.level", "read_committed");
        props.putIfAbsent("partition.discovery.interval.ms", "60000");
        return props;
    }

    static Properties producerProperties(CxConfig config) {
        Properties props = config.kafkaProperties();
        props.putIfAbsent("linger.ms", "5");
        props.putIfAbsent("compression.type", "lz4");
        if (config.deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            props.setProperty("transaction.timeout.ms", Long.toString(config.transactionTimeout.toMillis()));
        }
        return props;
    }

    private static OffsetsInitializer startingOffsets(CxConfig config) {
        switch (config.startingOffsets) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }
}
