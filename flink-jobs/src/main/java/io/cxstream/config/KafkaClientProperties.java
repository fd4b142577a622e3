package io.cxstream.config;

import org.apache.kafka.common.config.provider.EnvVarConfigProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The job's Kafka client properties and their secrets: {@code kafka.*} arguments (never a secret: they would show
 * in process lists), {@code CX_KAFKA_*} environment variables and the files of {@link #KAFKA_SECRETS_DIR_ENV}. The
 * secrets enter the properties only as references ({@code ${alias:...}}) that each Kafka client resolves in its own
 * JVM through a Kafka config provider, so their values never enter the job graph.
 */
final class KafkaClientProperties {

    /** Program-argument keys with this prefix are Kafka client properties. */
    static final String KAFKA_PREFIX = "kafka.";
    /** Environment variables with this prefix are Kafka client properties (secrets go here). */
    static final String KAFKA_ENV_PREFIX = "CX_KAFKA_";
    /**
     * Environment variable naming a directory of Kafka client properties, one file each, named by the
     * property (e.g. {@code sasl.jaas.config}) and holding its value: how Kubernetes mounts a Secret.
     */
    static final String KAFKA_SECRETS_DIR_ENV = "CX_KAFKA_SECRETS_DIR";
    /** Kafka config provider aliases of the secret references (environment, secret files). */
    static final String ENV_PROVIDER = "cxenv";

    static final String FILES_PROVIDER = "cxfiles";

    private KafkaClientProperties() {}

    /**
     * Adds the argument {@code key} ({@code kafka.<property>}) to {@code kafka}.
     *
     * @throws InvalidConfigException if the property is a secret
     */
    static void putArgument(Map<String, String> kafka, String key, String value) {
        String property = key.substring(KAFKA_PREFIX.length());
        if (isSecret(property)) {
            throw new InvalidConfigException(
                    key,
                    "secrets are not accepted as arguments (they would show in process "
                            + "lists); set the environment variable " + envName(property)
                            + " instead, or put a file named '"
                            + property + "' in the directory " + KAFKA_SECRETS_DIR_ENV + " names");
        }
        kafka.put(property, value);
    }

    /**
     * Adds the Kafka properties the environment gives ({@code CX_KAFKA_*} variables and the files in
     * {@link #KAFKA_SECRETS_DIR_ENV}) as references ({@code ${alias:...}}) that each Kafka client
     * resolves in its own JVM through a Kafka config provider: the values never enter the job graph.
     */
    static void addSecretReferences(Map<String, String> kafka, Map<String, String> env) {
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
            if (name.startsWith(KAFKA_ENV_PREFIX)
                    && name.length() > KAFKA_ENV_PREFIX.length()
                    && !name.equals(KAFKA_SECRETS_DIR_ENV)) {
                String property = name.substring(KAFKA_ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                if (fromFiles.contains(property)) {
                    throw new InvalidConfigException(
                            name,
                            "the Kafka property '" + property + "' is set both here and by a file in "
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
            throw new InvalidConfigException(
                    KAFKA_SECRETS_DIR_ENV,
                    "'" + dir + "' contains ':', which Kafka's ${provider:path:key} references cannot carry");
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

    static boolean isSecret(String property) {
        String p = property.toLowerCase(Locale.ROOT);
        return p.contains("password") || p.contains("jaas") || p.endsWith(".key") || p.contains("secret");
    }

    static String envName(String property) {
        return KAFKA_ENV_PREFIX + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
