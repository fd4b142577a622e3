package io.cxstream.helm;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.cxstream.helm.Manifests.at;
import static io.cxstream.helm.Manifests.mainContainer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka security: non-secret client properties become {@code --kafka.*} arguments, secret ones become env
 * vars read from Secrets (CX_KAFKA_*), and nothing secret ever becomes an argument.
 */
class KafkaSecurityTest {

    /** A values file of src/test/resources/values (the README's examples). */
    static Path example(String name) {
        try {
            return Path.of(Objects.requireNonNull(
                            KafkaSecurityTest.class.getClassLoader().getResource("values/" + name), name)
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void saslSslExampleMapsSecretsToEnvAndTheRestToArguments() {
        Map<String, Object> fd = HelmChart.render(example("sasl-ssl.yaml")).one("FlinkDeployment");
        Map<String, Object> container = mainContainer(fd);

        List<Map<String, Object>> env = at(container, "env");
        assertThat(env)
                .contains(
                        Map.of(
                                "name",
                                "CX_KAFKA_SASL_JAAS_CONFIG",
                                "valueFrom",
                                Map.of("secretKeyRef", Map.of("name", "kafka-credentials", "key", "sasl.jaas.config"))),
                        Map.of(
                                "name",
                                "CX_KAFKA_SSL_TRUSTSTORE_PASSWORD",
                                "valueFrom",
                                Map.of("secretKeyRef", Map.of("name", "kafka-truststore", "key", "password"))));
        assertThat(env).allSatisfy(e -> assertThat(e).doesNotContainKey("value").containsKey("valueFrom"));

        Map<String, String> args = JobArgs.of(fd);
        assertThat(args)
                .containsAllEntriesOf(Map.of(
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.sasl.mechanism", "SCRAM-SHA-512",
                        "kafka.isolation.level", "read_committed",
                        "kafka.ssl.truststore.location", "/etc/cx-stream/kafka-truststore/truststore.p12",
                        "kafka.ssl.truststore.type", "PKCS12",
                        "delivery-guarantee", "exactly-once"));
        assertThat(JobArgs.list(fd)).noneMatch(a -> a.contains("jaas") || a.contains("password"));

        // the truststore file: the Secret's one key, mounted read-only where the location argument points
        assertThat((List<Map<String, Object>>) at(fd, "spec.podTemplate.spec.volumes"))
                .contains(Map.of(
                        "name",
                        "kafka-truststore",
                        "secret",
                        Map.of(
                                "secretName",
                                "kafka-truststore",
                                "items",
                                List.of(Map.of("key", "truststore.p12", "path", "truststore.p12")))));
        assertThat((List<Map<String, Object>>) at(container, "volumeMounts"))
                .contains(Map.of(
                        "name", "kafka-truststore", "mountPath", "/etc/cx-stream/kafka-truststore", "readOnly", true));
    }

    @Test
    void noEnvAndNoTruststoreWhenNoneConfigured() {
        Map<String, Object> fd = HelmChart.render().one("FlinkDeployment");

        assertThat(mainContainer(fd)).doesNotContainKey("env");
        assertThat(JobArgs.of(fd).keySet()).noneMatch(k -> k.startsWith("kafka."));
    }

    @Test
    void secretLookingPropertiesAreRefusedAsArguments() {
        assertThat(HelmChart.renderError("""
                kafka:
                  properties:
                    sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="cx" password="hunter2";
                """))
                .contains("kafka.properties.sasl.jaas.config looks like a secret")
                .contains("kafka.secretProperties")
                .doesNotContain("hunter2");

        assertThat(HelmChart.renderError("""
                kafka:
                  properties:
                    ssl.key.password: hunter2
                """)).contains("kafka.properties.ssl.key.password looks like a secret");

        assertThat(HelmChart.renderError("""
                job:
                  extraArgs:
                    kafka.ssl.truststore.password: hunter2
                """))
                .contains("job.extraArgs.kafka.ssl.truststore.password looks like a secret");
    }

    @Test
    void pathsOfSecretFilesAreNotSecrets() {
        Map<String, Object> fd = HelmChart.render("""
                kafka:
                  properties:
                    ssl.keystore.location: /etc/kafka/keystore.p12
                    ssl.keystore.type: PKCS12
                """).one("FlinkDeployment");

        assertThat(JobArgs.of(fd)).containsEntry("kafka.ssl.keystore.location", "/etc/kafka/keystore.p12");
    }

    @Test
    void secretPropertyNeedsSecretNameAndKey() {
        assertThat(HelmChart.renderError("""
                kafka:
                  secretProperties:
                    sasl.jaas.config:
                      secretName: kafka-credentials
                """)).contains("key");
    }
}
