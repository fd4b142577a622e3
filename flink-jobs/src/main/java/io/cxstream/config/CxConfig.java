package io.cxstream.config;

import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.loop.LoopConfig;
import io.cxstream.voc.VocConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static io.cxstream.config.ConfigReads.deliveryGuarantee;
import static io.cxstream.config.ConfigReads.detectors;
import static io.cxstream.config.ConfigReads.enumValue;
import static io.cxstream.config.ConfigReads.get;
import static io.cxstream.config.ConfigReads.nonBlank;
import static io.cxstream.config.ConfigReads.nonNegative;
import static io.cxstream.config.ConfigReads.oneOf;
import static io.cxstream.config.ConfigReads.positive;
import static io.cxstream.config.ConfigReads.range;
import static io.cxstream.config.ConfigReads.require;
import static io.cxstream.config.ConfigReads.wireFormat;

/**
 * The job's settings, typed and validated once at start. Built from {@code --key value} arguments
 * (see {@link CxOptions} for every key) and the environment (Kafka secrets). Any problem throws
 * {@link InvalidConfigException} naming the key, before anything runs.
 */
public final class CxConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Program-argument keys with this prefix are Kafka client properties ({@link KafkaClientProperties}). */
    public static final String KAFKA_PREFIX = KafkaClientProperties.KAFKA_PREFIX;
    /** Environment variables with this prefix are Kafka client properties (secrets go here). */
    public static final String KAFKA_ENV_PREFIX = KafkaClientProperties.KAFKA_ENV_PREFIX;
    /** Environment variable naming a directory of Kafka client properties, one file each (a mounted Secret). */
    public static final String KAFKA_SECRETS_DIR_ENV = KafkaClientProperties.KAFKA_SECRETS_DIR_ENV;

    public enum StartingOffsets {
        COMMITTED_OR_EARLIEST,
        EARLIEST,
        LATEST
    }

    /** Whether the inputs are current (event time may follow the job's clock) or old data being replayed. */
    public enum EventTimeMode {
        LIVE,
        REPLAY
    }

    public final String bootstrapServers;
    public final String interactionsTopic;
    public final String feedbackTopic;
    public final String consentsTopic;
    public final String contactCenterTopic;
    public final String marketingTopic;
    public final String deadLetterTopic;
    public final String groupId;
    public final StartingOffsets startingOffsets;
    /** Null means auto-detect. */
    public final WireFormat inputFormat;

    public final WireFormat outputFormat;
    public final DeliveryGuarantee deliveryGuarantee;
    public final String transactionalIdPrefix;
    public final Duration transactionTimeout;

    public final Duration checkpointInterval;
    public final String checkpointDir;
    public final String stateBackend;
    public final Duration stateTtl;
    public final int parallelism;

    public final Duration maxOutOfOrderness;
    public final Duration idleness;
    public final Duration watermarkInterval;
    public final EventTimeMode eventTimeMode;
    public final Duration maxFutureSkew;
    public final Duration maxEventAge;
    public final int maxRecordBytes;
    public final int maxAttributes;
    public final int maxCommentLength;
    public final int maxAttributeLength;

    public final int recentTouchpoints;
    public final int journeyCacheSize;

    /** Voice of the Customer: aggregates, trend alerts, goals, gauges. */
    public final VocConfig voc;
    /** The outreach lifecycle: SLA, caps, holdout, recovery (io.cxstream.loop). */
    public final LoopConfig loop;

    public final String rulesTopic;
    public final String rulesStatusTopic;
    /** Path of a rule file replacing the defaults, or null. */
    public final String rulesFile;

    public final int rulesMaxActive;
    public final Duration rulesMaxWindow;
    public final int rulesMaxMarks;
    public final int rulesMaxPending;

    public final Set<TriggerType> detectors;
    public final int detractorMaxNps;
    public final int promoterMinNps;
    public final int paymentFailures;
    public final Duration paymentWindow;
    public final int repeatContacts;
    public final Duration repeatWindow;
    public final Duration abandonWindow;
    public final Set<String> abandonTouchpoints;

    public final Duration cooldown;
    /** outreach.cache-size: decision values on the heap per instance (0: none). */
    public final int outreachCacheSize;
    /** voc.cache-size: VoC series on the heap per voc-aggregate instance (0: none). */
    public final int vocCacheSize;

    public final boolean defaultServiceConsent;
    /** consent.grace: findings are decided on the consent as of last evidence + this (default: maxOutOfOrderness). */
    public final Duration consentGrace;

    public final boolean defaultMarketingConsent;

    private final Map<String, String> kafkaProperties;

    private CxConfig(Configuration c, Map<String, String> kafkaProperties) {
        this.bootstrapServers = require(c, KafkaOptions.BOOTSTRAP_SERVERS);
        this.interactionsTopic = nonBlank(c, KafkaOptions.TOPIC_INTERACTIONS);
        this.feedbackTopic = nonBlank(c, KafkaOptions.TOPIC_FEEDBACK);
        this.consentsTopic = nonBlank(c, KafkaOptions.TOPIC_CONSENTS);
        this.contactCenterTopic = nonBlank(c, KafkaOptions.TOPIC_CONTACT_CENTER);
        this.marketingTopic = nonBlank(c, KafkaOptions.TOPIC_MARKETING);
        this.deadLetterTopic = nonBlank(c, KafkaOptions.TOPIC_DEADLETTER);
        this.groupId = nonBlank(c, KafkaOptions.GROUP_ID);
        this.startingOffsets = enumValue(c, KafkaOptions.STARTING_OFFSETS, StartingOffsets.class);
        String in = nonBlank(c, KafkaOptions.INPUT_FORMAT);
        this.inputFormat = "auto".equalsIgnoreCase(in) ? null : wireFormat(KafkaOptions.INPUT_FORMAT.key(), in);
        this.outputFormat = wireFormat(KafkaOptions.OUTPUT_FORMAT.key(), nonBlank(c, KafkaOptions.OUTPUT_FORMAT));
        this.deliveryGuarantee = deliveryGuarantee(nonBlank(c, KafkaOptions.DELIVERY_GUARANTEE));
        this.transactionalIdPrefix = nonBlank(c, KafkaOptions.TRANSACTIONAL_ID_PREFIX);
        this.transactionTimeout = positive(c, KafkaOptions.TRANSACTION_TIMEOUT);

        this.checkpointInterval = positive(c, CxOptions.CHECKPOINT_INTERVAL);
        this.checkpointDir = get(c, CxOptions.CHECKPOINT_DIR);
        this.stateBackend = oneOf(c, CxOptions.STATE_BACKEND, "rocksdb", "hashmap");
        this.stateTtl = positive(c, CxOptions.STATE_TTL);
        int p = get(c, CxOptions.PARALLELISM);
        if (p == 0 || p < -1) {
            throw new InvalidConfigException(
                    CxOptions.PARALLELISM.key(), "must be -1 (cluster default) or >= 1, was " + p);
        }
        this.parallelism = p;

        this.maxOutOfOrderness = nonNegative(c, CxOptions.MAX_OUT_OF_ORDERNESS);
        this.idleness = positive(c, CxOptions.IDLENESS);
        this.watermarkInterval = positive(c, CxOptions.WATERMARK_INTERVAL);
        this.eventTimeMode = enumValue(c, CxOptions.EVENT_TIME_MODE, EventTimeMode.class);
        this.maxFutureSkew = nonNegative(c, CxOptions.MAX_FUTURE_SKEW);
        this.maxEventAge = positive(c, CxOptions.MAX_EVENT_AGE);
        this.maxRecordBytes = range(c, CxOptions.MAX_RECORD_BYTES, 256, 64 * 1024 * 1024);
        this.maxAttributes = range(c, CxOptions.MAX_ATTRIBUTES, 0, 10_000);
        this.maxCommentLength = range(c, CxOptions.MAX_COMMENT_LENGTH, 0, 1_000_000);
        this.maxAttributeLength = range(c, CxOptions.MAX_ATTRIBUTE_LENGTH, 1, 1_000_000);

        this.recentTouchpoints = range(c, CxOptions.RECENT_TOUCHPOINTS, 1, 100);
        this.journeyCacheSize = range(c, CxOptions.JOURNEY_CACHE_SIZE, 0, 10_000_000);

        this.voc = VocSettings.read(c);
        this.loop = LoopSettings.read(c);

        this.rulesTopic = nonBlank(c, CxOptions.TOPIC_RULES);
        this.rulesStatusTopic = nonBlank(c, CxOptions.TOPIC_RULES_STATUS);
        this.rulesFile = get(c, CxOptions.RULES_FILE);
        if (rulesFile != null && !Files.isReadable(Path.of(rulesFile))) {
            throw new InvalidConfigException(CxOptions.RULES_FILE.key(), "cannot read '" + rulesFile + "'");
        }
        this.rulesMaxActive = range(c, CxOptions.RULES_MAX_ACTIVE, 1, 10_000);
        this.rulesMaxWindow = positive(c, CxOptions.RULES_MAX_WINDOW);
        this.rulesMaxMarks = range(c, CxOptions.RULES_MAX_MARKS, 1, 1000);
        this.rulesMaxPending = range(c, CxOptions.RULES_MAX_PENDING, 1, 100_000);

        this.detectors = detectors(get(c, CxOptions.DETECTORS));
        this.detractorMaxNps = range(c, CxOptions.DETRACTOR_MAX_NPS, 0, 10);
        this.promoterMinNps = range(c, CxOptions.PROMOTER_MIN_NPS, 0, 10);
        if (detectors.contains(TriggerType.DETRACTOR)
                && detectors.contains(TriggerType.PROMOTER)
                && promoterMinNps <= detractorMaxNps) {
            throw new InvalidConfigException(
                    CxOptions.PROMOTER_MIN_NPS.key(),
                    "must be above " + CxOptions.DETRACTOR_MAX_NPS.key() + " (" + detractorMaxNps + "), was "
                            + promoterMinNps);
        }
        this.paymentFailures = range(c, CxOptions.PAYMENT_FAILURES, 1, 100);
        this.paymentWindow = positive(c, CxOptions.PAYMENT_WINDOW);
        this.repeatContacts = range(c, CxOptions.REPEAT_CONTACTS, 1, 100);
        this.repeatWindow = positive(c, CxOptions.REPEAT_WINDOW);
        this.abandonWindow = positive(c, CxOptions.ABANDON_WINDOW);
        Set<String> touchpoints = new HashSet<>();
        for (String t : get(c, CxOptions.ABANDON_TOUCHPOINTS)) {
            if (!t.isBlank()) {
                touchpoints.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (touchpoints.isEmpty()) {
            throw new InvalidConfigException(CxOptions.ABANDON_TOUCHPOINTS.key(), "must name at least one touchpoint");
        }
        this.abandonTouchpoints = Collections.unmodifiableSet(touchpoints);

        this.cooldown = nonNegative(c, CxOptions.COOLDOWN);
        this.outreachCacheSize = range(c, CxOptions.OUTREACH_CACHE_SIZE, 0, 10_000_000);
        this.vocCacheSize = range(c, VocOptions.VOC_CACHE_SIZE, 0, 1_000_000);
        this.defaultServiceConsent = get(c, CxOptions.DEFAULT_SERVICE_CONSENT);
        this.defaultMarketingConsent = get(c, CxOptions.DEFAULT_MARKETING_CONSENT);
        this.consentGrace =
                get(c, CxOptions.CONSENT_GRACE) == null ? maxOutOfOrderness : nonNegative(c, CxOptions.CONSENT_GRACE);
        this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaProperties));

        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                && transactionTimeout.compareTo(checkpointInterval) <= 0) {
            throw new InvalidConfigException(
                    KafkaOptions.TRANSACTION_TIMEOUT.key(),
                    "must be longer than " + CxOptions.CHECKPOINT_INTERVAL.key() + " (" + checkpointInterval
                            + ") with exactly-once delivery, or transactions abort before their checkpoint completes");
        }
    }

    /** Parses {@code --key value} arguments; secrets are read from {@code env}. */
    public static CxConfig fromArgs(String[] args, Map<String, String> env) {
        return fromMap(parseArgs(args), env);
    }

    /** Builds from key/value settings; secrets are read from {@code env}. */
    public static CxConfig fromMap(Map<String, String> settings, Map<String, String> env) {
        ConfigArgs sorted = ConfigArgs.sort(settings, env);
        return new CxConfig(Configuration.fromMap(sorted.flink), sorted.kafka);
    }

    /** {@code --key value} pairs (also {@code --key=value}); a flag without value is "true". */
    public static Map<String, String> parseArgs(String[] args) {
        return ConfigArgs.parse(args);
    }

    /** Kafka client properties: bootstrap servers plus every kafka.* argument and CX_KAFKA_* variable. */
    public Properties kafkaProperties() {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.setProperty("bootstrap.servers", bootstrapServers);
        return props;
    }

    /** Kafka property names without values, safe to log. */
    public List<String> kafkaPropertyNames() {
        return new ArrayList<>(kafkaProperties.keySet());
    }
}
