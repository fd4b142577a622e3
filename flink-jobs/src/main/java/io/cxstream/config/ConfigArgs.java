package io.cxstream.config;

import org.apache.flink.configuration.ConfigOption;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job's {@code --key value} program arguments: parsed, then sorted into the settings of
 * {@link CxOptions#all()} and Kafka client properties ({@link KafkaClientProperties}). Any other key
 * throws {@link InvalidConfigException} naming it.
 */
final class ConfigArgs {
    private static final Map<String, ConfigOption<?>> OPTIONS_BY_KEY = new HashMap<>();

    static {
        for (ConfigOption<?> option : CxOptions.all()) {
            OPTIONS_BY_KEY.put(option.key(), option);
        }
    }

    /** Settings of {@link CxOptions#all()}, by key. */
    final Map<String, String> flink = new HashMap<>();
    /** Kafka client properties, arguments first, then secret references from the environment. */
    final Map<String, String> kafka = new LinkedHashMap<>();

    private ConfigArgs() {}

    /** Sorts key/value settings; secrets are read from {@code env}. */
    static ConfigArgs sort(Map<String, String> settings, Map<String, String> env) {
        ConfigArgs sorted = new ConfigArgs();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(KafkaClientProperties.KAFKA_PREFIX)) {
                KafkaClientProperties.putArgument(sorted.kafka, key, e.getValue());
            } else if (OPTIONS_BY_KEY.containsKey(key)) {
                sorted.flink.put(key, e.getValue());
            } else {
                throw new InvalidConfigException(
                        key,
                        "unknown key. Known keys: "
                                + String.join(
                                        ", ",
                                        OPTIONS_BY_KEY.keySet().stream()
                                                .sorted()
                                                .toList()) + ", and kafka.<client property>");
            }
        }
        KafkaClientProperties.addSecretReferences(sorted.kafka, env);
        return sorted;
    }

    /** {@code --key value} pairs (also {@code --key=value}); a flag without value is "true". */
    static Map<String, String> parse(String[] args) {
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
}
