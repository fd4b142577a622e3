package io.cxstream.security;

import io.cxstream.CxJob;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.config.CxConfig;
import io.cxstream.config.InvalidConfigException;
import io.cxstream.kafka.EmbeddedKafkaBroker;
import io.cxstream.testing.CommittedOffsets;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job on a broker that authenticates its clients (SASL_PLAINTEXT, mechanism PLAIN), configured
 * only through its own configuration path: the security protocol and mechanism as {@code kafka.*}
 * settings, the JAAS secret from a file in the directory {@code CX_KAFKA_SECRETS_DIR} names (as a
 * mounted Kubernetes Secret). The job passes the Kafka clients a reference to the file, which each
 * client resolves when it is created, so the secret is nowhere in the job graph. The source, the
 * outreach sink and the dead-letter sink all talk to the SASL listener only; the test's own clients
 * use the broker's PLAINTEXT listener.
 */
class SaslJobITCase {
    private static final String LISTENER = "SASL_PLAINTEXT";
    private static final String USER = "cx-job";
    private static final String PASSWORD = "cx-job-secret";
    private static final Duration WITHIN = Duration.ofSeconds(60);
    /** Bounds every call that is expected to be refused. */
    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(8);

    private static EmbeddedKafkaBroker kafka;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private JobClient job;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.builder()
                .listener(LISTENER, "SASL_PLAINTEXT", 0)
                .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
                .brokerProperty(
                        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required " + "user_" + USER + "=\""
                                + PASSWORD + "\" user_someone-else=\"other-secret\";")
                .timeout(Duration.ofSeconds(60))
                .start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void cancelJob() throws Exception {
        if (job != null) {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void alertsAndDeadLettersFlowOverTheSaslListenerWithTheSecretFromAFile(@TempDir Path secrets) throws Exception {
        Files.writeString(secrets.resolve("sasl.jaas.config"), jaas(USER, PASSWORD) + "\n");
        Map<String, String> settings = saslJobSettings();
        Map<String, String> env = Map.of(CxConfig.KAFKA_SECRETS_DIR_ENV, secrets.toString(), "UNRELATED", "ignored");
        CxConfig config = CxConfig.fromMap(settings, env);
        assertThat(config.bootstrapServers)
                .isEqualTo(kafka.bootstrapServers(LISTENER))
                .isNotEqualTo(kafka.bootstrapServers());
        assertThat(config.kafkaProperties())
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsKey("sasl.jaas.config");
        assertThat(config.kafkaPropertyNames())
                .as("what the job logs: names only")
                .contains("security.protocol", "sasl.mechanism", "sasl.jaas.config");
        assertThat(serializedJobGraph(config))
                .as("the secret is not in the job graph")
                .doesNotContain(PASSWORD)
                .contains(secrets.toString());
        job = start(config);

        try (TestKafkaClient client = new TestKafkaClient(kafka.bootstrapServers())) {
            long t = System.currentTimeMillis();
            client.send(
                    config.feedbackTopic,
                    "detractor",
                    Events.feedback("detractor", t, FeedbackMetric.NPS, 2),
                    WireFormat.AVRO);
            client.send(
                    config.interactionsTopic,
                    "payer",
                    Events.interaction("payer", t, InteractionType.PAYMENT_FAILED, "checkout"),
                    WireFormat.JSON);
            client.send(
                    config.interactionsTopic,
                    "payer",
                    Events.interaction("payer", t + 1, InteractionType.PAYMENT_FAILED, "checkout"),
                    WireFormat.AVRO);
            client.send(config.interactionsTopic, "garbage", "not an event".getBytes(StandardCharsets.UTF_8));
            // The source read them over SASL (and committed its offsets there) before event time moves on.
            awaitConsumed(config.groupId, config.interactionsTopic, config.feedbackTopic);

            Set<String> expected = Set.of("detractor/DETRACTOR", "payer/PAYMENT_FRICTION");
            List<OutreachEvent> outreach;
            List<DeadLetter> deadLetters;
            // Reads for at least two seconds, until both arrived: a duplicate would show up too.
            long settled = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            outreach = client.readUntil(
                    config.contactCenterTopic,
                    OutreachEvent.class,
                    WITHIN,
                    seen -> keys(seen).containsAll(expected) && System.nanoTime() > settled);
            deadLetters = client.readUntil(config.deadLetterTopic, DeadLetter.class, WITHIN, seen -> !seen.isEmpty());
            assertThat(keys(outreach))
                    .as("exactly once each, read_committed")
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(outreach).hasSize(expected.size());
            assertThat(deadLetters).singleElement().satisfies(d -> {
                assertThat(d.getReason()).isEqualTo(DeadLetterReason.UNRECOGNIZED_FORMAT);
                assertThat(d.getSourceTopic()).isEqualTo(config.interactionsTopic);
            });
        }
    }

    @Test
    void secretsGivenAsSettingsAreRefusedWithoutEchoingThem() {
        Map<String, String> settings = saslJobSettings();
        settings.put("kafka.sasl.jaas.config", jaas(USER, PASSWORD));
        assertThatThrownBy(() -> CxConfig.fromMap(settings, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo("kafka.sasl.jaas.config"))
                .hasMessageContaining("CX_KAFKA_SASL_JAAS_CONFIG")
                .hasMessageNotContaining(PASSWORD);

        Map<String, String> truststore = saslJobSettings();
        truststore.put("kafka.ssl.truststore.password", "changeit");
        assertThatThrownBy(() -> CxConfig.fromMap(truststore, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("CX_KAFKA_SSL_TRUSTSTORE_PASSWORD")
                .hasMessageNotContaining("changeit");
    }

    @Test
    void theSaslListenerRefusesUnauthenticatedClients() throws Exception {
        String topic = "sasl-probe-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopics(1, topic);

        // The right credentials: the listener answers (the control for the two refusals below).
        assertThat(listTopics(saslClient(USER, PASSWORD))).contains(topic);

        // A SASL client with a wrong password: the broker rejects the authentication itself.
        assertThatThrownBy(() -> listTopics(saslClient(USER, "wrong-password")))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(SaslAuthenticationException.class)
                .hasMessageContaining("Invalid username or password");

        // An unknown user: the same.
        assertThatThrownBy(() -> listTopics(saslClient("intruder", PASSWORD)))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(SaslAuthenticationException.class);

        // A PLAINTEXT client on the SASL port: the broker drops every connection that sends a request
        // before the SASL handshake, so the client never gets an answer and its call times out.
        Properties plaintext = new Properties();
        plaintext.setProperty("bootstrap.servers", kafka.bootstrapServers(LISTENER));
        assertThatThrownBy(() -> listTopics(plaintext))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(TimeoutException.class);
    }

    /**
     * Waits until the job's committed offsets (committed when a checkpoint completes) cover every
     * record of the topics: the job has read them.
     */
    private static void awaitConsumed(String group, String... topics) throws Exception {
        try (CommittedOffsets offsets = new CommittedOffsets(kafka.adminConfig())) {
            offsets.awaitCheckpointed(group, List.of(topics), WITHIN);
        }
    }

    /** Lists topics with a call bounded by {@link #REFUSAL_TIMEOUT}. */
    private static Set<String> listTopics(Properties clientProperties) throws Exception {
        try (Admin admin = Admin.create(clientProperties)) {
            return admin.listTopics(new ListTopicsOptions().timeoutMs((int) REFUSAL_TIMEOUT.toMillis()))
                    .names()
                    .get(REFUSAL_TIMEOUT.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static Properties saslClient(String user, String password) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers(LISTENER));
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", "PLAIN");
        p.setProperty("sasl.jaas.config", jaas(user, password));
        return p;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /** The job graph as it would be submitted, serialized, as text (ISO-8859-1: one char per byte). */
    private static String serializedJobGraph(CxConfig config) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(CxJob.flinkConfiguration(config));
        CxJob.onKafka(config).build(env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        return new String(InstantiationUtil.serializeObject(graph), StandardCharsets.ISO_8859_1);
    }

    /** Runs the job as {@code CxJob.main} does, from an already parsed configuration. */
    private static JobClient start(CxConfig config) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(CxJob.flinkConfiguration(config));
        env.setParallelism(2);
        CxJob.onKafka(config).build(env);
        return env.executeAsync("cx-stream-sasl-it");
    }

    /**
     * Job settings on fresh topics of this test's broker, pointing the job at the SASL listener:
     * everything but the JAAS secret, which only the environment or a secret file may give.
     */
    private static Map<String, String> saslJobSettings() {
        Map<String, String> s = new CxTopics(kafka, kafka.bootstrapServers(LISTENER)).jobSettings();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        s.put("kafka.security.protocol", "SASL_PLAINTEXT");
        s.put("kafka.sasl.mechanism", "PLAIN");
        s.put("group-id", "sasl-" + suffix);
        s.put("transactional-id-prefix", "sasl-" + suffix);
        s.put("delivery-guarantee", "exactly-once");
        s.put("watermark.max-out-of-orderness", "300 ms");
        s.put("watermark.idleness", "500 ms");
        return s;
    }

    private static Set<String> keys(List<OutreachEvent> outreach) {
        return outreach.stream()
                .map(o -> o.getCustomerId() + "/" + o.getTrigger())
                .collect(Collectors.toSet());
    }
}
