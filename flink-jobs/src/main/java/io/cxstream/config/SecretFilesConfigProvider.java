package io.cxstream.config;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A Kafka {@link ConfigProvider} over a directory of secret files, one per key, as Kubernetes mounts
 * a Secret: {@code ${alias:/dir:sasl.jaas.config}} is the content of {@code /dir/sasl.jaas.config}
 * without its trailing line breaks (which {@code kubectl create secret --from-file} keeps, and which
 * would break a password). Kafka's own {@code DirectoryConfigProvider} keeps them.
 *
 * <p>The Kafka client resolves the reference when it is created, in its own JVM (a TaskManager), so
 * the secret itself never enters the job graph. Parameter {@value #ALLOWED_DIR}: the only directory
 * it reads.
 */
public class SecretFilesConfigProvider implements ConfigProvider {
    /** {@code config.providers.<alias>.param.allowed.dir}: the one directory this provider reads. */
    public static final String ALLOWED_DIR = "allowed.dir";

    private Path allowedDir;

    @Override
    public void configure(Map<String, ?> configs) {
        Object dir = configs.get(ALLOWED_DIR);
        allowedDir =
                dir == null ? null : Path.of(dir.toString()).toAbsolutePath().normalize();
    }

    @Override
    public ConfigData get(String path) {
        throw new ConfigException("secret files are read by name only: ${alias:" + path + ":<property>}");
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Path dir = Path.of(path).toAbsolutePath().normalize();
        if (allowedDir != null && !dir.equals(allowedDir)) {
            throw new ConfigException("secret files may only be read from " + allowedDir + ", not " + dir);
        }
        Map<String, String> data = new HashMap<>();
        for (String key : keys) {
            Path file = dir.resolve(key).normalize();
            if (!dir.equals(file.getParent())) {
                throw new ConfigException("'" + key + "' is not a file name in " + dir);
            }
            try {
                data.put(key, Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", ""));
            } catch (IOException e) {
                throw new ConfigException("cannot read the secret file " + file + ": "
                        + e.getClass().getSimpleName());
            }
        }
        return new ConfigData(data);
    }

    @Override
    public void close() {}
}
