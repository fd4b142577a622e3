package io.cxstream.config;

import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.loop.LoopConfig;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.voc.VocConfig;
import io.cxstream.voc.VocDimension;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The job's settings, typed and validated once at start. Built from {@code --key value} arguments
 * (see {@link CxOptions} for every key) and the environment (Kafka secrets). Any problem throws
 * {@link InvalidConfigException} naming the key, before anything runs.
 */
public final class CxConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Program-argument keys with this prefix are Kafka client properties. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Environment variables with this prefix are Kafka client properties (secrets go here). */
    public static final String KAFKA_ENV_PREFIX = "CX_KAFKA_";
    /**
     * Environment variable naming a directory of Kafka client properties, one file each, named by the
     * property (e.g. {@code sasl.jaas.config}) and holding its value: how Kubernetes mounts a Secret.
     */
    public static final String KAFKA_SECRETS_DIR_ENV = "CX_KAFKA_SECRETS_DIR";
    /** Kafka config provider aliases of the secret references (environment, secret files). */
    static final String ENV_PROVIDER = "cxenv";
    static final String FILES_PROVIDER = "cxfiles";

    private static final Map<String, ConfigOption<?>> OPTIONS_BY_KEY = new HashMap<>();

    static {
        for (ConfigOption<?> option : CxOptions.all()) {
            OPTIONS_BY_KEY.put(option.key(), option);
        }
    }

    public enum StartingOffsets { COMMITTED_OR_EARLIEST, EARLIEST, LATEST }

    /** Whether the inputs are current (event time may follow the job's clock) or old data being replayed. */
    public enum EventTimeMode { LIVE, REPLAY }

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
    public final boolean defaultServiceConsent;
    public final boolean defaultMarketingConsent;

    private final Map<String, String> kafkaProperties;

    private CxConfig(Configuration c, Map<String, String> kafkaProperties) {
        this.bootstrapServers = require(c, CxOptions.BOOTSTRAP_SERVERS);
        this.interactionsTopic = nonBlank(c, CxOptions.TOPIC_INTERACTIONS);
        this.feedbackTopic = nonBlank(c, CxOptions.TOPIC_FEEDBACK);
        this.consentsTopic = nonBlank(c, CxOptions.TOPIC_CONSENTS);
        this.contactCenterTopic = nonBlank(c, CxOptions.TOPIC_CONTACT_CENTER);
        this.marketingTopic = nonBlank(c, CxOptions.TOPIC_MARKETING);
        this.deadLetterTopic = nonBlank(c, CxOptions.TOPIC_DEADLETTER);
        this.groupId = nonBlank(c, CxOptions.GROUP_ID);
        this.startingOffsets = enumValue(c, CxOptions.STARTING_OFFSETS, StartingOffsets.class);
        String in = nonBlank(c, CxOptions.INPUT_FORMAT);
        this.inputFormat = "auto".equalsIgnoreCase(in) ? null : wireFormat(CxOptions.INPUT_FORMAT.key(), in);
        this.outputFormat = wireFormat(CxOptions.OUTPUT_FORMAT.key(), nonBlank(c, CxOptions.OUTPUT_FORMAT));
        this.deliveryGuarantee = deliveryGuarantee(nonBlank(c, CxOptions.DELIVERY_GUARANTEE));
        this.transactionalIdPrefix = nonBlank(c, CxOptions.TRANSACTIONAL_ID_PREFIX);
        this.transactionTimeout = positive(c, CxOptions.TRANSACTION_TIMEOUT);

        this.checkpointInterval = positive(c, CxOptions.CHECKPOINT_INTERVAL);
        this.checkpointDir = get(c, CxOptions.CHECKPOINT_DIR);
        this.stateBackend = oneOf(c, CxOptions.STATE_BACKEND, "rocksdb", "hashmap");
        this.stateTtl = positive(c, CxOptions.STATE_TTL);
        int p = get(c, CxOptions.PARALLELISM);
        if (p == 0 || p < -1) {
            throw new InvalidConfigException(CxOptions.PARALLELISM.key(), "must be -1 (cluster default) or >= 1, was " + p);
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

        this.voc = vocConfig(c);
        this.loop = loopConfig(c);

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
        if (detectors.contains(TriggerType.DETRACTOR) && detectors.contains(TriggerType.PROMOTER)
                && promoterMinNps <= detractorMaxNps) {
            throw new InvalidConfigException(CxOptions.PROMOTER_MIN_NPS.key(),
                    "must be above " + CxOptions.DETRACTOR_MAX_NPS.key() + " (" + detractorMaxNps + "), was " + promoterMinNps);
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
        this.defaultServiceConsent = get(c, CxOptions.DEFAULT_SERVICE_CONSENT);
        this.defaultMarketingConsent = get(c, CxOptions.DEFAULT_MARKETING_CONSENT);
        this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaProperties));

        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE && transactionTimeout.compareTo(checkpointInterval) <= 0) {
            throw new InvalidConfigException(CxOptions.TRANSACTION_TIMEOUT.key(),
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
        Map<String, String> flink = new HashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(KAFKA_PREFIX)) {
                String property = key.substring(KAFKA_PREFIX.length());
                if (isSecret(property)) {
                    throw new InvalidConfigException(key, "secrets are not accepted as arguments (they would show in process "
                            + "lists); set the environment variable " + envName(property) + " instead, or put a file named '"
                            + property + "' in the directory " + KAFKA_SECRETS_DIR_ENV + " names");
                }
                kafka.put(property, e.getValue());
            } else if (OPTIONS_BY_KEY.containsKey(key)) {
                flink.put(key, e.getValue());
            } else {
                throw new InvalidConfigException(key, "unknown key. Known keys: " + String.join(", ", OPTIONS_BY_KEY.keySet().stream().sorted().toList())
                        + ", and kafka.<client property>");
            }
        }
        addSecretReferences(kafka, env);
        return new CxConfig(Configuration.fromMap(flink), kafka);
    }

    /**
     * Adds the Kafka properties the environment gives ({@code CX_KAFKA_*} variables and the files in
     * {@link #KAFKA_SECRETS_DIR_ENV}) as references ({@code ${alias:...}}) that each Kafka client
     * resolves in its own JVM through a Kafka config provider: the values never enter the job graph.
     */
    private static void addSecretReferences(Map<String, String> kafka, Map<String, String> env) {
        List<String> providers = new ArrayList<>();
        Set<String> fromFiles = new HashSet<>();
        String secretsDir = env.get(KAFKA_SECRETS_DIR_ENV);
        if (secretsDir != null) {
            String dir = Path.of(secretsDir).toAbsolutePath().normalize().toString();
            for (String property : secretFileNames(dir)) {
                kafka.put(property, "${" + FILES_PROVIDER + ":" + dir + ":" + property + "}");
                fromFiles.add(property);
            }
            kafka.put("config.providers." + FILES_PROVIDER + ".class", SecretFilesConfigProvider.class.getName());
            kafka.put("config.providers." + FILES_PROVIDER + ".param." + SecretFilesConfigProvider.ALLOWED_DIR, dir);
            providers.add(FILES_PROVIDER);
        }
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith(KAFKA_ENV_PREFIX) && name.length() > KAFKA_ENV_PREFIX.length() && !name.equals(KAFKA_SECRETS_DIR_ENV)) {
                String property = name.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (fromFiles.contains(property)) {
                    throw new InvalidConfigException(name, "the Kafka property '" + property + "' is set both here and by a file in "
                            + KAFKA_SECRETS_DIR_ENV + "; set it once");
                }
                kafka.put(property, "${" + ENV_PROVIDER + ":" + name + "}");
                if (!providers.contains(ENV_PROVIDER)) {
                    kafka.put("config.providers." + ENV_PROVIDER + ".class", EnvVarConfigProvider.class.getName());
                    providers.add(ENV_PROVIDER);
                }
            }
        }
        if (!providers.isEmpty()) {
            String own = kafka.get("config.providers");
            if (own != null && !own.isBlank()) {
                providers.add(0, own);
            }
            kafka.put("config.providers", String.join(",", providers));
        }
    }

    /**
     * The properties in {@link #KAFKA_SECRETS_DIR_ENV}: each regular file whose name does not start
     * with a dot (Kubernetes keeps its own {@code ..data} links there). Read at start, so a missing or
     * unreadable file fails here rather than in a task.
     */
    static List<String> secretFileNames(String dir) {
        Path path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            throw new InvalidConfigException(KAFKA_SECRETS_DIR_ENV, "'" + dir + "' is not a directory");
        }
        if (dir.contains(":")) {
            throw new InvalidConfigException(KAFKA_SECRETS_DIR_ENV, "'" + dir + "' contains ':', which Kafka's ${provider:path:key} references cannot carry");
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(path)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(file)) {
                    continue;
                }
                if (!Files.isReadable(file)) {
                    throw new InvalidConfigException(KAFKA_SECRETS_DIR_ENV, "cannot read '" + file + "'");
                }
                names.add(name);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidConfigException(KAFKA_SECRETS_DIR_ENV, "cannot read '" + dir + "': " + e.getMessage());
        }
        Collections.sort(names);
        return names;
    }

    /** {@code --key value} pairs (also {@code --key=value}); a flag without value is "true". */
    public static Map<String, String> parseArgs(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidConfigException(arg, "expected --key value");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            map.put(key, value);
        }
        return map;
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

    static boolean isSecret(String property) {
        String p = property.toLowerCase(Locale.ROOT);
        return p.contains("password") || p.contains("jaas") || p.endsWith(".key") || p.contains("secret");
    }

    static String envName(String property) {
        return KAFKA_ENV_PREFIX + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    // ---- typed reads; every failure names the key --------------------------------------------

    private static <T> T get(Configuration c, ConfigOption<T> option) {
        try {
            return c.get(option);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(option.key(), "cannot parse '" + c.toMap().get(option.key()) + "' ("
                    + e.getMessage() + ")");
        }
    }

    private static String require(Configuration c, ConfigOption<String> option) {
        String v = get(c, option);
        if (v == null || v.isBlank()) {
            throw new InvalidConfigException(option.key(), "is required (" + option.description() + ")");
        }
        return v.trim();
    }

    private static String nonBlank(Configuration c, ConfigOption<String> option) {
        String v = get(c, option);
        if (v == null || v.isBlank()) {
            throw new InvalidConfigException(option.key(), "must not be empty");
        }
        return v.trim();
    }

    private static String oneOf(Configuration c, ConfigOption<String> option, String... allowed) {
        String v = nonBlank(c, option).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new InvalidConfigException(option.key(), "must be one of " + String.join(", ", allowed) + ", was '" + v + "'");
    }

    private static Duration positive(Configuration c, ConfigOption<Duration> option) {
        Duration d = get(c, option);
        if (d.isZero() || d.isNegative()) {
            throw new InvalidConfigException(option.key(), "must be positive, was " + d);
        }
        return d;
    }

    private static Duration nonNegative(Configuration c, ConfigOption<Duration> option) {
        Duration d = get(c, option);
        if (d.isNegative()) {
            throw new InvalidConfigException(option.key(), "must not be negative, was " + d);
        }
        return d;
    }

    private static int range(Configuration c, ConfigOption<Integer> option, int min, int max) {
        int v = get(c, option);
        if (v < min || v > max) {
            throw new InvalidConfigException(option.key(), "must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }

    private static <E extends Enum<E>> E enumValue(Configuration c, ConfigOption<String> option, Class<E> type) {
        String v = nonBlank(c, option);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new InvalidConfigException(option.key(), "must be one of " + String.join(", ", allowed) + ", was '" + v + "'");
        }
    }

    private static WireFormat wireFormat(String key, String value) {
        try {
            return WireFormat.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key, "must be avro or json" + (key.equals(CxOptions.INPUT_FORMAT.key()) ? " or auto" : "")
                    + ", was '" + value + "'");
        }
    }

    private static DeliveryGuarantee deliveryGuarantee(String value) {
        switch (value.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "at-least-once":
                return DeliveryGuarantee.AT_LEAST_ONCE;
            case "exactly-once":
                return DeliveryGuarantee.EXACTLY_ONCE;
            default:
                throw new InvalidConfigException(CxOptions.DELIVERY_GUARANTEE.key(),
                        "must be at-least-once or exactly-once, was '" + value + "'");
        }
    }

    private static Set<TriggerType> detectors(List<String> names) {
        Set<TriggerType> set = EnumSet.noneOf(TriggerType.class);
        for (String name : names) {
            if (name.isBlank()) {
                continue;
            }
            try {
                TriggerType t = TriggerType.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
                if (t == TriggerType.UNKNOWN) {
                    throw new IllegalArgumentException();
                }
                set.add(t);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(CxOptions.DETECTORS.key(), "unknown detector '" + name + "'; known: "
                        + "DETRACTOR, PAYMENT_FRICTION, REPEAT_CONTACT, ERROR_THEN_ABANDON, PROMOTER");
            }
        }
        if (set.isEmpty()) {
            throw new InvalidConfigException(CxOptions.DETECTORS.key(), "must enable at least one detector");
        }
        return Collections.unmodifiableSet(set);
    }

    // ---- Voice of the Customer ------------------------------------------------------------------

    private static VocConfig vocConfig(Configuration c) {
        Set<VocDimension> gauges = EnumSet.noneOf(VocDimension.class);
        for (String d : get(c, CxOptions.VOC_GAUGE_DIMENSIONS)) {
            if (d.isBlank()) {
                continue;
            }
            try {
                gauges.add(VocDimension.ofLabel(d));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(CxOptions.VOC_GAUGE_DIMENSIONS.key(), "unknown dimension '" + d.trim()
                        + "'; known: overall, touchpoint, channel, agent, segment, survey, touchpoint_channel");
            }
        }
        Map<String, Double> goals = new HashMap<>();
        List<String> goalSpecs = get(c, CxOptions.VOC_GOALS);
        for (String spec : goalSpecs == null ? List.<String>of() : goalSpecs) {
            if (spec.isBlank()) {
                continue;
            }
            try {
                VocConfig.parseGoal(spec.trim(), goals);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(CxOptions.VOC_GOALS.key(), e.getMessage());
            }
        }
        double minDrop = get(c, CxOptions.VOC_ALERT_MIN_DROP);
        if (!(minDrop >= 0 && minDrop <= 200)) {
            throw new InvalidConfigException(CxOptions.VOC_ALERT_MIN_DROP.key(), "must be between 0 and 200, was " + minDrop);
        }
        double minZ = get(c, CxOptions.VOC_ALERT_MIN_Z);
        if (!(minZ >= 0 && minZ <= 20)) {
            throw new InvalidConfigException(CxOptions.VOC_ALERT_MIN_Z.key(), "must be between 0 and 20, was " + minZ);
        }
        return new VocConfig(get(c, CxOptions.VOC_ENABLED), nonBlank(c, CxOptions.TOPIC_VOC), nonBlank(c, CxOptions.TOPIC_VOC_ALERTS),
                range(c, CxOptions.VOC_MIN_SAMPLE, 1, 1_000_000), range(c, CxOptions.VOC_MAX_VALUES, 1, 10_000), gauges,
                minDrop, minZ, nonNegative(c, CxOptions.VOC_ALERT_COOLDOWN), goals);
    }
    // ---- Closing the loop -----------------------------------------------------------------------

    private static LoopConfig loopConfig(Configuration c) {
        Map<Route, Map<Priority, Duration>> sla = new EnumMap<>(Route.class);
        sla.put(Route.CONTACT_CENTER, sla(c, CxOptions.ACK_SLA_CONTACT_CENTER));
        sla.put(Route.MARKETING, sla(c, CxOptions.ACK_SLA_MARKETING));
        Map<Route, Integer> cap = new EnumMap<>(Route.class);
        cap.put(Route.CONTACT_CENTER, range(c, CxOptions.CAP_CONTACT_CENTER, 0, 1000));
        cap.put(Route.MARKETING, range(c, CxOptions.CAP_MARKETING, 0, 1000));
        Map<Route, Duration> capPeriod = new EnumMap<>(Route.class);
        capPeriod.put(Route.CONTACT_CENTER, positive(c, CxOptions.CAP_CONTACT_CENTER_PERIOD));
        capPeriod.put(Route.MARKETING, positive(c, CxOptions.CAP_MARKETING_PERIOD));
        return new LoopConfig(get(c, CxOptions.LIFECYCLE_ENABLED), nonBlank(c, CxOptions.TOPIC_OUTREACH_UPDATES), nonBlank(c, CxOptions.TOPIC_OUTREACH_FEEDBACK),
                nonBlank(c, CxOptions.TOPIC_OUTREACH_RECOVERY), sla, nonBlank(c, CxOptions.ESCALATION_ROUTE), cap, capPeriod,
                range(c, CxOptions.HOLDOUT_PERCENT, 0, 50), positive(c, CxOptions.RECOVERY_PERIOD),
                positive(c, CxOptions.RESOLVE_WITHIN), positive(c, CxOptions.EARLY_EVENTS_TTL));
    }

    private static Map<Priority, Duration> sla(Configuration c, ConfigOption<List<String>> option) {
        try {
            return LoopConfig.parseSla(get(c, option));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(option.key(), e.getMessage());
        }
    }
}
