package io.cxstream.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every setting of the cx-stream job: key, type, default and meaning, in one place: these, with
 * {@link KafkaOptions}, {@link VocOptions} and {@link LoopOptions}, all listed by {@link #all()}.
 *
 * <p>Settings are given as {@code --key value} program arguments. Keys starting with
 * {@code kafka.} go to the Kafka clients with the prefix removed; secrets come from environment
 * variables {@code CX_KAFKA_<PROPERTY>} (see {@link CxConfig}). The table in docs/configuration.md is
 * generated from these descriptions ({@code ./cx options}).
 */
public final class CxOptions {
    private CxOptions() {}

    // ---- Checkpoints and state ----------------------------------------------------------------
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint.interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval.");
    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("checkpoint.dir")
            .stringType()
            .noDefaultValue()
            .withDescription(
                    "Durable checkpoint directory URI (file://, s3://, ...). Unset: the cluster's execution.checkpointing.dir.");
    public static final ConfigOption<String> STATE_BACKEND = ConfigOptions.key("state.backend")
            .stringType()
            .defaultValue("rocksdb")
            .withDescription("State backend: rocksdb (incremental checkpoints) or hashmap.");
    public static final ConfigOption<Duration> STATE_TTL = ConfigOptions.key("state.ttl")
            .durationType()
            .defaultValue(Duration.ofDays(90))
            .withDescription(
                    "Per-customer journey, rule and consent state expires after this long without an update (a rule mark "
                            + "whose window has passed also goes with the customer's next event that a rule with memory takes in).");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism")
            .intType()
            .defaultValue(-1)
            .withDescription("Job parallelism; -1 = the cluster's default.");

    // ---- Event time and validation -------------------------------------------------------------
    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = ConfigOptions.key(
                    "watermark.max-out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofSeconds(2))
            .withDescription(
                    "How late (in event time) an event may arrive and still be processed; later ones are dead-lettered as LATE_EVENT. "
                            + "Also the minimum delay before a rule with memory (count, absence, sequence) fires.");
    public static final ConfigOption<Duration> IDLENESS = ConfigOptions.key("watermark.idleness")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription(
                    "A partition without records for this long is taken as caught up: with event-time.mode=live it "
                            + "follows the job's clock from then on (now minus watermark.max-out-of-orderness), with replay (or before "
                            + "its first record) it stops holding back the watermark. "
                            + "Time the source spends back-pressured does not count. Too short, and a partition that is merely slow to "
                            + "fetch (a broker outage, a broker that stalls while a backlog is caught up) is taken for caught up: the "
                            + "watermark passes its records, and those producers held through the outage, and they are dead-lettered "
                            + "as LATE_EVENT. "
                            + "Too long, and the last alerts before a lull wait up to this much longer. "
                            + "./cx demo and serve use 2 s.");
    public static final ConfigOption<Duration> WATERMARK_INTERVAL = ConfigOptions.key("watermark.interval")
            .durationType()
            .defaultValue(Duration.ofMillis(100))
            .withDescription("How often the source emits a watermark (Flink's pipeline.auto-watermark-interval); "
                    + "adds up to this much to event-time alert latency.");
    public static final ConfigOption<String> EVENT_TIME_MODE = ConfigOptions.key("event-time.mode")
            .stringType()
            .defaultValue("live")
            .withDescription(
                    "live: the inputs are current. A partition quiet for watermark.idleness follows the job's clock, so when "
                            + "every input is quiet event time still moves (to now minus watermark.max-out-of-orderness) and the last "
                            + "alerts before a lull leave; events older than validation.max-event-age are dead-lettered. "
                            + "No event moves event time past the job's clock: an event stamped in the future counts as stamped now, "
                            + "so a producer clock running fast delays only its own alerts. "
                            + "replay: the inputs are old data (a backfill) and the job's clock plays no part in event time: it moves "
                            + "only with the events (a quiet partition is skipped after watermark.idleness; the last events wait for "
                            + "later ones), and validation.max-event-age is not applied. validation.max-future-skew applies in both modes.");
    public static final ConfigOption<Duration> MAX_FUTURE_SKEW = ConfigOptions.key("validation.max-future-skew")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("Events stamped further than this in the future (by the job's clock) are dead-lettered.");
    public static final ConfigOption<Duration> MAX_EVENT_AGE = ConfigOptions.key("validation.max-event-age")
            .durationType()
            .defaultValue(Duration.ofDays(30))
            .withDescription("Events older than this (by the job's clock) are dead-lettered as TIMESTAMP_TOO_OLD; "
                    + "not applied with event-time.mode=replay.");
    public static final ConfigOption<Integer> MAX_RECORD_BYTES = ConfigOptions.key("validation.max-record-bytes")
            .intType()
            .defaultValue(64 * 1024)
            .withDescription("Input records larger than this are dead-lettered as TOO_LARGE.");
    public static final ConfigOption<Integer> MAX_ATTRIBUTES = ConfigOptions.key("validation.max-attributes")
            .intType()
            .defaultValue(32)
            .withDescription("Interaction events with more attributes than this are dead-lettered.");

    // ---- Journey --------------------------------------------------------------------------------
    public static final ConfigOption<Integer> RECENT_TOUCHPOINTS = ConfigOptions.key("journey.recent-touchpoints")
            .intType()
            .defaultValue(10)
            .withDescription("How many recent touchpoints the journey state keeps per customer.");
    public static final ConfigOption<Integer> JOURNEY_CACHE_SIZE = ConfigOptions.key("journey.cache-size")
            .intType()
            .defaultValue(100_000)
            .withDescription(
                    "Customers' values (journey and rule progress) each journey operator instance keeps on the heap, "
                            + "so that the customer's next event or rule timer skips the RocksDB read and decode; a "
                            + "changed value is written to RocksDB when it leaves the cache or before the next "
                            + "checkpoint (once per customer per checkpoint, not per event; checkpoints hold the same). "
                            + "0 turns it off (every change written at once); used with state.backend rocksdb only.");

    // ---- Rules ----------------------------------------------------------------------------------
    public static final ConfigOption<String> TOPIC_RULES = ConfigOptions.key("topic.rules")
            .stringType()
            .defaultValue("cx.rules")
            .withDescription(
                    "Compacted input topic of detection rules as JSON, keyed by rule id (a null value deletes the rule); "
                            + "read from the beginning, changes apply while the job runs.");
    public static final ConfigOption<String> TOPIC_RULES_STATUS = ConfigOptions.key("topic.rules-status")
            .stringType()
            .defaultValue("cx.rules.status")
            .withDescription(
                    "Output topic where the job says, as JSON keyed by rule id, whether each published rule was accepted or why it was rejected.");
    public static final ConfigOption<String> RULES_FILE = ConfigOptions.key("rules.file")
            .stringType()
            .noDefaultValue()
            .withDescription(
                    "A rule file (JSON, see docs/rules.md) that replaces the shipped default rules. Unset: the five defaults, "
                            + "with the thresholds of the detect.* settings.");
    public static final ConfigOption<Integer> RULES_MAX_ACTIVE = ConfigOptions.key("rules.max-active")
            .intType()
            .defaultValue(100)
            .withDescription("Most rules enabled at once; a published rule beyond it is rejected.");
    public static final ConfigOption<Duration> RULES_MAX_WINDOW = ConfigOptions.key("rules.max-window")
            .durationType()
            .defaultValue(Duration.ofDays(31))
            .withDescription(
                    "Longest window (and cooldown) a rule may have; bounds how long per-customer rule state lives.");
    public static final ConfigOption<Integer> RULES_MAX_MARKS = ConfigOptions.key("rules.max-marks")
            .intType()
            .defaultValue(16)
            .withDescription(
                    "Most open starts an absence or sequence rule keeps per customer (the oldest is dropped first).");
    public static final ConfigOption<Integer> RULES_MAX_PENDING = ConfigOptions.key("rules.max-pending")
            .intType()
            .defaultValue(256)
            .withDescription(
                    "Most events of one customer that wait for the watermark for rules with memory; more within "
                            + "watermark.max-out-of-orderness are dropped and counted (cx_rule_events_dropped_total).");

    // ---- Detectors (the thresholds of the default rules) ---------------------------------------
    public static final ConfigOption<List<String>> DETECTORS = ConfigOptions.key("detect.enabled")
            .stringType()
            .asList()
            .defaultValues("DETRACTOR", "PAYMENT_FRICTION", "REPEAT_CONTACT", "ERROR_THEN_ABANDON", "PROMOTER")
            .withDescription(
                    "Which of the default rules run, by trigger (semicolon-separated when given on the command line).");
    public static final ConfigOption<Integer> DETRACTOR_MAX_NPS = ConfigOptions.key("detect.detractor.max-nps")
            .intType()
            .defaultValue(6)
            .withDescription("NPS at or below this is a detractor.");
    public static final ConfigOption<Integer> PROMOTER_MIN_NPS = ConfigOptions.key("detect.promoter.min-nps")
            .intType()
            .defaultValue(9)
            .withDescription("NPS at or above this is a promoter.");
    public static final ConfigOption<Integer> PAYMENT_FAILURES = ConfigOptions.key("detect.payment-friction.failures")
            .intType()
            .defaultValue(2)
            .withDescription("Payment failures, with no order between them, that make payment friction.");
    public static final ConfigOption<Duration> PAYMENT_WINDOW = ConfigOptions.key("detect.payment-friction.window")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("Window of the payment failures.");
    public static final ConfigOption<Integer> REPEAT_CONTACTS = ConfigOptions.key("detect.repeat-contact.contacts")
            .intType()
            .defaultValue(3)
            .withDescription("Support contacts (SUPPORT_CONTACT or CALL_ABANDONED) that make a repeat contact.");
    public static final ConfigOption<Duration> REPEAT_WINDOW = ConfigOptions.key("detect.repeat-contact.window")
            .durationType()
            .defaultValue(Duration.ofHours(24))
            .withDescription("Window of the support contacts.");
    public static final ConfigOption<Duration> ABANDON_WINDOW = ConfigOptions.key("detect.abandonment.window")
            .durationType()
            .defaultValue(Duration.ofMinutes(15))
            .withDescription(
                    "An ERROR at a checkout touchpoint with no ORDER_PLACED within this long is an abandonment.");
    public static final ConfigOption<List<String>> ABANDON_TOUCHPOINTS = ConfigOptions.key(
                    "detect.abandonment.touchpoints")
            .stringType()
            .asList()
            .defaultValues("checkout", "payment")
            .withDescription("Touchpoints where an ERROR counts towards abandonment (semicolon-separated).");

    // ---- Outreach -------------------------------------------------------------------------------
    public static final ConfigOption<Duration> COOLDOWN = ConfigOptions.key("outreach.cooldown")
            .durationType()
            .defaultValue(Duration.ofHours(24))
            .withDescription(
                    "After an outreach, the same trigger for the same customer is suppressed this long (event time); "
                            + "the cooldown of the default rules and of published rules that set none.");
    public static final ConfigOption<Integer> OUTREACH_CACHE_SIZE = ConfigOptions.key("outreach.cache-size")
            .intType()
            .defaultValue(100_000)
            .withDescription(
                    "Customers' decision values (findings waiting for their decision point, cooldowns) and consent "
                            + "statements each outreach-decision instance keeps on the heap, so that a held finding is decided "
                            + "without a RocksDB read; a changed value is written to RocksDB when it leaves the cache or before "
                            + "the next checkpoint, a consent change at once (checkpoints hold the same). 0 turns it off; used "
                            + "with state.backend rocksdb only.");
    public static final ConfigOption<Boolean> DEFAULT_SERVICE_CONSENT = ConfigOptions.key("consent.default.service")
            .booleanType()
            .defaultValue(true)
            .withDescription(
                    "Whether a customer who never stated a SERVICE consent may be contacted by the contact center.");
    public static final ConfigOption<Boolean> DEFAULT_MARKETING_CONSENT = ConfigOptions.key("consent.default.marketing")
            .booleanType()
            .defaultValue(false)
            .withDescription(
                    "Whether a customer who never stated a MARKETING consent may receive marketing triggers (opt-in by default).");

    public static final ConfigOption<Duration> CONSENT_GRACE = ConfigOptions.key("consent.grace")
            .durationType()
            .noDefaultValue()
            .withDescription(
                    "A finding is decided on the consent as of its last evidence plus this (event time; the latest-stamped "
                            + "statement per purpose wins), so it waits until the watermark passes that point: the same input gives the "
                            + "same decisions however the topics interleave. An OPT_OUT known when the finding is decided suppresses it "
                            + "whatever its stamp. Unset: watermark.max-out-of-orderness.");
    // ---- Input bounds (see EventValidator) ----------------------------------------------------------
    public static final ConfigOption<Integer> MAX_COMMENT_LENGTH = ConfigOptions.key("validation.max-comment-length")
            .intType()
            .defaultValue(2000)
            .withDescription(
                    "Feedback comments longer than this many characters are cut to it; the answer still counts. "
                            + "Comments are personal data: never kept in state, logged or sent to marketing.");
    public static final ConfigOption<Integer> MAX_ATTRIBUTE_LENGTH = ConfigOptions.key(
                    "validation.max-attribute-length")
            .intType()
            .defaultValue(256)
            .withDescription(
                    "Interaction events with an attribute key or value longer than this many characters are dead-lettered "
                            + "as INVALID_FIELD.");

    /** The plain text of an option's description. */
    public static String describe(ConfigOption<?> option) {
        return new org.apache.flink.configuration.description.HtmlFormatter().format(option.description());
    }

    /**
     * All options: {@link KafkaOptions}, these, then {@link VocOptions} and {@link LoopOptions}, each in
     * declaration order.
     */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Class<?> holder : List.of(KafkaOptions.class, CxOptions.class, VocOptions.class, LoopOptions.class)) {
            for (Field field : holder.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                    try {
                        options.add((ConfigOption<?>) field.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return Collections.unmodifiableList(options);
    }
}
