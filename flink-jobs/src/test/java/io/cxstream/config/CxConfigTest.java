package io.cxstream.config;

import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireFormat;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CxConfigTest {
    private static final Map<String, String> NO_ENV = Map.of();

    private static CxConfig parse(String... args) {
        return CxConfig.fromArgs(args, NO_ENV);
    }

    @Test
    void defaultsNeedOnlyTheBootstrapServers() {
        CxConfig c = parse("--bootstrap-servers", "broker:9092");
        assertThat(c.bootstrapServers).isEqualTo("broker:9092");
        assertThat(c.interactionsTopic).isEqualTo("cx.interactions");
        assertThat(c.deliveryGuarantee).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(c.inputFormat).as("auto-detect").isNull();
        assertThat(c.outputFormat).isEqualTo(WireFormat.AVRO);
        assertThat(c.stateTtl).isEqualTo(Duration.ofDays(90));
        assertThat(c.cooldown).isEqualTo(Duration.ofHours(24));
        assertThat(c.stateBackend).isEqualTo("rocksdb");
        assertThat(c.detectors).hasSize(5);
        assertThat(c.abandonTouchpoints).containsExactlyInAnyOrder("checkout", "payment");
        assertThat(c.kafkaProperties().getProperty("bootstrap.servers")).isEqualTo("broker:9092");
    }

    @Test
    void typedValuesAreParsed() {
        CxConfig c = parse(
                "--bootstrap-servers",
                "b:1",
                "--delivery-guarantee",
                "exactly-once",
                "--checkpoint.interval",
                "2 s",
                "--detect.enabled",
                "DETRACTOR;promoter",
                "--output-format=json",
                "--detect.payment-friction.window",
                "5min",
                "--kafka.security.protocol",
                "SASL_SSL");
        assertThat(c.deliveryGuarantee).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(c.checkpointInterval).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.detectors).containsExactlyInAnyOrder(TriggerType.DETRACTOR, TriggerType.PROMOTER);
        assertThat(c.outputFormat).isEqualTo(WireFormat.JSON);
        assertThat(c.paymentWindow).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.kafkaProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(c.eventTimeMode).isEqualTo(CxConfig.EventTimeMode.LIVE);
        assertThat(parse("--bootstrap-servers", "b:1", "--event-time.mode", "replay").eventTimeMode)
                .isEqualTo(CxConfig.EventTimeMode.REPLAY);
    }

    @Test
    void everyErrorNamesTheKey() {
        assertThatThrownBy(() -> parse("--topic.interactions", "x"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'bootstrap-servers'")
                .hasMessageContaining("required");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--checkpoint.interval", "often"))
                .hasMessageContaining("'checkpoint.interval'")
                .hasMessageContaining("often");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--checkpoint.intervall", "1 s"))
                .hasMessageContaining("'checkpoint.intervall'")
                .hasMessageContaining("unknown key");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--delivery-guarantee", "maybe"))
                .hasMessageContaining("'delivery-guarantee'");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--detect.detractor.max-nps", "11"))
                .hasMessageContaining("'detect.detractor.max-nps'")
                .hasMessageContaining("between 0 and 10");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--detect.enabled", "DETRACTOR;HUNCH"))
                .hasMessageContaining("'detect.enabled'")
                .hasMessageContaining("HUNCH");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--state.ttl", "0 s"))
                .hasMessageContaining("'state.ttl'")
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--detect.promoter.min-nps", "6"))
                .hasMessageContaining("'detect.promoter.min-nps'");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--input-format", "xml"))
                .hasMessageContaining("'input-format'");
        assertThatThrownBy(() -> parse("bootstrap-servers", "b:1")).isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--event-time.mode", "sometimes"))
                .hasMessageContaining("'event-time.mode'")
                .hasMessageContaining("live, replay");
    }

    @Test
    void theConsentGraceDefaultsToTheOutOfOrdernessBound() {
        assertThat(parse("--bootstrap-servers", "b:1").consentGrace).isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("--bootstrap-servers", "b:1", "--watermark.max-out-of-orderness", "5 s").consentGrace)
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(parse("--bootstrap-servers", "b:1", "--consent.grace", "30 s").consentGrace)
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(parse("--bootstrap-servers", "b:1", "--consent.grace", "0 s").consentGrace)
                .isZero();
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--consent.grace", "-1 s"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'consent.grace'");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--consent.grace", "soon"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'consent.grace'");
    }

    @Test
    void exactlyOnceNeedsATransactionTimeoutAboveTheCheckpointInterval() {
        assertThatThrownBy(() -> parse(
                        "--bootstrap-servers",
                        "b:1",
                        "--delivery-guarantee",
                        "exactly-once",
                        "--checkpoint.interval",
                        "15 min",
                        "--transaction.timeout",
                        "10 min"))
                .hasMessageContaining("'transaction.timeout'");
        assertThat(parse("--bootstrap-servers", "b:1", "--checkpoint.interval", "15 min").checkpointInterval)
                .as("at-least-once does not use transactions")
                .isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void secretsComeFromTheEnvironmentNeverFromArguments() {
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--kafka.sasl.jaas.config", "secret"))
                .hasMessageContaining("'kafka.sasl.jaas.config'")
                .hasMessageContaining("CX_KAFKA_SASL_JAAS_CONFIG")
                .hasMessageNotContaining("secret\"");
        assertThatThrownBy(() -> parse("--bootstrap-servers", "b:1", "--kafka.ssl.truststore.password", "pw"))
                .hasMessageContaining("CX_KAFKA_SSL_TRUSTSTORE_PASSWORD");

        Map<String, String> env = new HashMap<>();
        env.put("CX_KAFKA_SASL_JAAS_CONFIG", "PlainLoginModule required password=\"hunter2\";");
        env.put("PATH", "/usr/bin");
        CxConfig c =
                CxConfig.fromArgs(new String[] {"--bootstrap-servers", "b:1", "--kafka.config.providers", "mine"}, env);
        // A reference each Kafka client resolves from its own environment: the value stays out of the job graph.
        assertThat(c.kafkaProperties().getProperty("sasl.jaas.config")).isEqualTo("${cxenv:CX_KAFKA_SASL_JAAS_CONFIG}");
        assertThat(c.kafkaProperties().getProperty("config.providers")).isEqualTo("mine,cxenv");
        assertThat(c.kafkaProperties().getProperty("config.providers.cxenv.class"))
                .isEqualTo(org.apache.kafka.common.config.provider.EnvVarConfigProvider.class.getName());
        assertThat(c.kafkaProperties().toString()).doesNotContain("hunter2");
        assertThat(c.kafkaPropertyNames()).contains("sasl.jaas.config").doesNotContain("path");
    }

    /**
     * The environment reference resolves where the client is created: a JVM whose environment holds
     * the variable (a child process here, since a JVM cannot set its own environment).
     */
    @Test
    void anEnvironmentSecretResolvesInTheClientsJvm() throws Exception {
        ProcessBuilder child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ResolveFromEnvironment.class.getName())
                .redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        child.environment().put("CX_KAFKA_SASL_JAAS_CONFIG", "PlainLoginModule required password=\"from-env\";");
        Process process = child.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines().filter(l -> l.startsWith("property=") || l.startsWith("resolved=")))
                .containsExactly(
                        "property=${cxenv:CX_KAFKA_SASL_JAAS_CONFIG}",
                        "resolved=PlainLoginModule required password=\"from-env\";");
    }

    /** Run in a child JVM by {@link #anEnvironmentSecretResolvesInTheClientsJvm}. */
    public static final class ResolveFromEnvironment {
        public static void main(String[] args) {
            CxConfig c = CxConfig.fromArgs(new String[] {"--bootstrap-servers", "b:1"}, System.getenv());
            Properties props = c.kafkaProperties();
            System.out.println("property=" + props.getProperty("sasl.jaas.config"));
            System.out.println("resolved="
                    + new AdminClientConfig(props)
                            .getPassword("sasl.jaas.config")
                            .value());
        }
    }

    /**
     * As Kubernetes mounts a Secret: one file per key, plus its own dot-named links. The job passes
     * references; a Kafka client resolves them (here an admin client's config, in this JVM) to the
     * file contents without the trailing newline.
     */
    @Test
    void secretsComeFromFilesInADirectory(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("sasl.jaas.config"), "PlainLoginModule required username=\"u\" password=\"p\";\n");
        Files.writeString(dir.resolve("ssl.truststore.password"), "changeit\n");
        Files.createDirectory(dir.resolve("..2026_11_23"));
        Files.writeString(dir.resolve("..data"), "not a property");

        Map<String, String> env =
                Map.of(CxConfig.KAFKA_SECRETS_DIR_ENV, dir.toString(), "CX_KAFKA_SASL_MECHANISM", "PLAIN");
        CxConfig c = CxConfig.fromArgs(new String[] {"--bootstrap-servers", "b:1"}, env);
        Properties props = c.kafkaProperties();
        assertThat(props.toString())
                .doesNotContain("changeit")
                .doesNotContain("password=\"p\"")
                .doesNotContain("not a property");
        assertThat(props.getProperty("config.providers")).isEqualTo("cxfiles,cxenv");

        AdminClientConfig resolved = new AdminClientConfig(Map.of(
                "bootstrap.servers", "b:1",
                "config.providers", "cxfiles",
                "config.providers.cxfiles.class", props.getProperty("config.providers.cxfiles.class"),
                "config.providers.cxfiles.param.allowed.dir",
                        props.getProperty("config.providers.cxfiles.param.allowed.dir"),
                "sasl.jaas.config", props.getProperty("sasl.jaas.config"),
                "ssl.truststore.password", props.getProperty("ssl.truststore.password")));
        assertThat(resolved.getPassword("sasl.jaas.config").value())
                .isEqualTo("PlainLoginModule required username=\"u\" password=\"p\";");
        assertThat(resolved.getPassword("ssl.truststore.password").value()).isEqualTo("changeit");

        assertThatThrownBy(() -> CxConfig.fromArgs(
                        new String[] {"--bootstrap-servers", "b:1"},
                        Map.of(
                                CxConfig.KAFKA_SECRETS_DIR_ENV,
                                dir.toString(),
                                "CX_KAFKA_SSL_TRUSTSTORE_PASSWORD",
                                "other")))
                .hasMessageContaining("'CX_KAFKA_SSL_TRUSTSTORE_PASSWORD'")
                .hasMessageContaining("set it once")
                .hasMessageNotContaining("changeit")
                .hasMessageNotContaining("other");
        assertThatThrownBy(() -> CxConfig.fromArgs(
                        new String[] {"--bootstrap-servers", "b:1"},
                        Map.of(
                                CxConfig.KAFKA_SECRETS_DIR_ENV,
                                dir.resolve("missing").toString())))
                .hasMessageContaining("'" + CxConfig.KAFKA_SECRETS_DIR_ENV + "'")
                .hasMessageContaining("not a directory");
    }

    @Test
    void theSecretFilesProviderReadsOnlyItsDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ssl.key.password"), "k\r\n");
        SecretFilesConfigProvider provider = new SecretFilesConfigProvider();
        provider.configure(Map.of(SecretFilesConfigProvider.ALLOWED_DIR, dir.toString()));
        assertThat(provider.get(dir.toString(), java.util.Set.of("ssl.key.password"))
                        .data())
                .containsEntry("ssl.key.password", "k");
        assertThatThrownBy(() -> provider.get(dir.getParent().toString(), java.util.Set.of("x")))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class);
        assertThatThrownBy(() -> provider.get(dir.toString(), java.util.Set.of("../escape")))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class);
        assertThatThrownBy(() -> provider.get(dir.toString(), java.util.Set.of("absent")))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("absent");
    }

    @Test
    void everyOptionHasADescription() {
        assertThat(CxOptions.all())
                .hasSizeGreaterThan(30)
                .allSatisfy(o ->
                        assertThat(CxOptions.describe(o)).hasSizeGreaterThan(10).doesNotContain("Description@"));
    }
}
