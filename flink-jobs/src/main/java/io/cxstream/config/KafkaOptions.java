package io.cxstream.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/**
 * The Kafka settings: brokers, the job's core topics, consumer group, wire formats and delivery. Part of
 * {@link CxOptions#all()}, ahead of {@link CxOptions}' own. Kafka client properties ({@code kafka.*})
 * are {@link KafkaClientProperties}.
 */
public final class KafkaOptions {
    private KafkaOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("bootstrap-servers")
            .stringType()
            .noDefaultValue()
            .withDescription("Kafka bootstrap servers, host:port[,host:port]. Required.");
    public static final ConfigOption<String> TOPIC_INTERACTIONS = ConfigOptions.key("topic.interactions")
            .stringType()
            .defaultValue("cx.interactions")
            .withDescription("Input topic of InteractionEvent records.");
    public static final ConfigOption<String> TOPIC_FEEDBACK = ConfigOptions.key("topic.feedback")
            .stringType()
            .defaultValue("cx.feedback")
            .withDescription("Input topic of FeedbackEvent records.");
    public static final ConfigOption<String> TOPIC_CONSENTS = ConfigOptions.key("topic.consents")
            .stringType()
            .defaultValue("cx.consents")
            .withDescription("Input topic of ConsentEvent records.");
    public static final ConfigOption<String> TOPIC_CONTACT_CENTER = ConfigOptions.key("topic.outreach.contact-center")
            .stringType()
            .defaultValue("cx.outreach.contact-center")
            .withDescription("Output topic of contact-center outreach.");
    public static final ConfigOption<String> TOPIC_MARKETING = ConfigOptions.key("topic.outreach.marketing")
            .stringType()
            .defaultValue("cx.outreach.marketing")
            .withDescription("Output topic of marketing triggers.");
    public static final ConfigOption<String> TOPIC_DEADLETTER = ConfigOptions.key("topic.deadletter")
            .stringType()
            .defaultValue("cx.deadletter")
            .withDescription("Output topic of DeadLetter records.");
    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("group-id")
            .stringType()
            .defaultValue("cx-stream")
            .withDescription("Kafka consumer group id (offsets are committed on checkpoints).");
    public static final ConfigOption<String> STARTING_OFFSETS = ConfigOptions.key("starting-offsets")
            .stringType()
            .defaultValue("committed-or-earliest")
            .withDescription(
                    "Where a job without a checkpoint starts reading: committed-or-earliest, earliest or latest.");
    public static final ConfigOption<String> INPUT_FORMAT = ConfigOptions.key("input-format")
            .stringType()
            .defaultValue("auto")
            .withDescription(
                    "Wire format of input records: auto (Avro single-object or JSON, told apart by the marker bytes), avro or json.");
    public static final ConfigOption<String> OUTPUT_FORMAT = ConfigOptions.key("output-format")
            .stringType()
            .defaultValue("avro")
            .withDescription("Wire format of outputs: avro (single-object encoding) or json (Avro JSON).");
    public static final ConfigOption<String> DELIVERY_GUARANTEE = ConfigOptions.key("delivery-guarantee")
            .stringType()
            .defaultValue("at-least-once")
            .withDescription(
                    "at-least-once (alerts visible at once; duplicates after a failure carry the same outreachId) or "
                            + "exactly-once (transactional; visible to read_committed consumers after the covering checkpoint).");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("transactional-id-prefix")
            .stringType()
            .defaultValue("cx-stream")
            .withDescription(
                    "Prefix of the sinks' Kafka transactional ids (exactly-once); must be unique per job on a cluster.");
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOptions.key("transaction.timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription(
                    "Kafka transaction timeout of the exactly-once sinks; must exceed the checkpoint interval and "
                            + "not exceed the broker's transaction.max.timeout.ms (15 min by default).");
}
