package io.cxstream.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class EmbeddedKafkaBrokerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** One broker shared by the tests that only need "a broker"; each uses its own topics. */
    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void producesAndConsumesOverTwoPartitions() throws Exception {
        String topic = uniqueTopic();
        kafka.createTopics(2, topic);
        kafka.createTopics(2, topic); // idempotent

        try (Admin admin = Admin.create(kafka.adminConfig())) {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic);
            assertThat(description.partitions()).hasSize(2);
        }

        try (KafkaProducer<String, String> producer = producer(new Properties())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, "key-" + i, "value-" + i))
                        .get();
            }
        }

        List<ConsumerRecord<String, String>> records = consume(topic, 10, "read_uncommitted");
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(values("value-", 10));
        assertThat(records)
                .extracting(ConsumerRecord::partition)
                .containsOnly(0, 1)
                .contains(0, 1);
    }

    @Test
    void readCommittedConsumerSeesCommittedButNotAbortedTransactions() throws Exception {
        String topic = uniqueTopic();
        kafka.createTopics(1, topic);

        Properties transactional = new Properties();
        transactional.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic);
        // What Flink's exactly-once KafkaSink asks for by default: accepted because the broker allows 1 h.
        transactional.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "3600000");
        try (KafkaProducer<String, String> producer = producer(transactional)) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed-0"));
            producer.send(new ProducerRecord<>(topic, "committed-1"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "aborted-0"));
            producer.send(new ProducerRecord<>(topic, "aborted-1"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed-2"));
            producer.commitTransaction();
        }

        assertThat(consume(topic, 3, "read_committed"))
                .extracting(ConsumerRecord::value)
                .containsExactly("committed-0", "committed-1", "committed-2");
        // The aborted records were written: a read_uncommitted consumer sees them.
        assertThat(consume(topic, 5, "read_uncommitted"))
                .extracting(ConsumerRecord::value)
                .containsExactly("committed-0", "committed-1", "aborted-0", "aborted-1", "committed-2");
    }

    @Test
    void deletedTopicsAreGoneAndCanBeCreatedAgain() throws Exception {
        String topic = uniqueTopic();
        kafka.createTopics(1, topic);

        kafka.deleteTopics(topic, "never-existed-" + topic);

        try (Admin admin = Admin.create(kafka.adminConfig())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
        }
        kafka.createTopics(1, topic);
    }

    @Test
    void twoBrokersRunAtOnceOnDifferentPorts() throws Exception {
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().start()) {
            assertThat(second.port()).isNotEqualTo(kafka.port());
            assertThat(second.logDir()).isNotEqualTo(kafka.logDir());

            String topic = uniqueTopic();
            second.createTopics(1, topic);
            Properties props = second.clientProperties();
            try (KafkaProducer<String, String> producer = producer(props)) {
                producer.send(new ProducerRecord<>(topic, "on-second")).get();
            }
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
            }
        }
    }

    @Test
    void closeIsIdempotentAndABrokerCanStartAgainOnTheSamePort() throws Exception {
        EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().start();
        int port = first.port();
        Path dataDir = first.logDir();

        first.close();
        first.close();
        assertThat(dataDir).doesNotExist();

        try (EmbeddedKafkaBroker again =
                EmbeddedKafkaBroker.builder().port(port).start()) {
            assertThat(again.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            String topic = uniqueTopic();
            again.createTopics(1, topic);
            try (KafkaProducer<String, String> producer = producer(again.clientProperties())) {
                producer.send(new ProducerRecord<>(topic, "after-restart")).get();
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void stoppedBrokerRestartsOnItsPortsWithItsTopicsOffsetsAndOpenTransactions() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start();
        try {
            int port = broker.port();
            int controllerPort = broker.port("CONTROLLER");
            Path dataDir = broker.logDir();
            String topic = uniqueTopic();
            String group = "group-" + topic;
            broker.createTopics(1, topic);

            Properties transactional = broker.clientProperties();
            transactional.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic);
            KafkaProducer<String, String> txProducer = producer(transactional);
            KafkaProducer<String, String> producer = producer(broker.clientProperties());
            try {
                txProducer.initTransactions();
                txProducer.beginTransaction();
                txProducer.send(new ProducerRecord<>(topic, "committed-0"));
                txProducer.send(new ProducerRecord<>(topic, "committed-1"));
                txProducer.commitTransaction();
                // A consumer group commits offset 1, then a transaction is left open over the outage.
                commitOffset(broker, group, topic, 1);
                txProducer.beginTransaction();
                txProducer.send(new ProducerRecord<>(topic, "open-over-outage")).get(30, TimeUnit.SECONDS);

                broker.stop();
                broker.stop(); // idempotent
                assertThat(broker.isRunning()).isFalse();
                assertThatThrownBy(() -> broker.createTopics(1, uniqueTopic()))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("stopped");
                // Sent while the broker is down, from another thread: with every broker gone a Kafka 4
                // client re-bootstraps and forgets the topic's metadata, so send() blocks (up to
                // max.block.ms) until the broker is back, then delivers.
                CompletableFuture<RecordMetadata> duringOutage = CompletableFuture.supplyAsync(() -> {
                    try {
                        return producer.send(new ProducerRecord<>(topic, "sent-during-outage"))
                                .get();
                    } catch (InterruptedException | ExecutionException e) {
                        throw new CompletionException(e);
                    }
                });
                assertThat(duringOutage).isNotDone();

                broker.restart();
                assertThat(broker.isRunning()).isTrue();
                assertThat(broker.port()).isEqualTo(port);
                assertThat(broker.port("CONTROLLER")).isEqualTo(controllerPort);
                assertThat(broker.logDir()).isEqualTo(dataDir);
                duringOutage.get(60, TimeUnit.SECONDS);
                txProducer.commitTransaction(); // the transaction coordinator's state survived
            } finally {
                // Bounded: a producer with an open transaction waits forever on close() otherwise.
                txProducer.close(Duration.ofSeconds(5));
                producer.close(Duration.ofSeconds(5));
            }

            try (Admin admin = Admin.create(broker.adminConfig())) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
                assertThat(admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata()
                                .get(30, TimeUnit.SECONDS)
                                .get(new TopicPartition(topic, 0))
                                .offset())
                        .isEqualTo(1);
            }
            assertThat(consume(broker, topic, 4, "read_committed"))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("committed-0", "committed-1", "open-over-outage", "sent-during-outage");

            broker.restart(); // a running broker is bounced
            assertThat(broker.port()).isEqualTo(port);
            assertThat(consume(broker, topic, 4, "read_committed")).hasSize(4);
        } finally {
            broker.close();
        }
        assertThat(broker.logDir()).doesNotExist();
        assertThatThrownBy(broker::restart)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void pickedPortsLieBelowTheEphemeralPortRange() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        assumeTrue(Files.isReadable(range), "Linux only");
        int ephemeralLow =
                Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
        assumeTrue(ephemeralLow > 10_000, "ephemeral range starts at " + ephemeralLow);
        try (EmbeddedKafkaBroker sasl = EmbeddedKafkaBroker.builder()
                .listener("SASL_PLAINTEXT", "SASL_PLAINTEXT", 0)
                .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
                .brokerProperty(
                        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_a=\"a\";")
                .start()) {
            assertThat(List.of(sasl.port(), sasl.port("SASL_PLAINTEXT"), sasl.port("CONTROLLER")))
                    .allSatisfy(port -> assertThat(port).isBetween(10_000, ephemeralLow - 1))
                    .doesNotHaveDuplicates();
        }
        assertThat(kafka.port()).isBetween(10_000, ephemeralLow - 1);
    }

    @Test
    void extraSaslPlainListenerAuthenticatesClients(@TempDir Path tempDir) throws Exception {
        Path logDir = tempDir.resolve("kafka");
        try (EmbeddedKafkaBroker secured = EmbeddedKafkaBroker.builder()
                .listener("SASL_PLAINTEXT", "SASL_PLAINTEXT", 0)
                .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
                .brokerProperty(
                        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                + "user_alice=\"alice-secret\";")
                .logDir(logDir)
                .start()) {
            assertThat(secured.port("SASL_PLAINTEXT")).isNotIn(secured.port(), secured.port("CONTROLLER"));
            String topic = uniqueTopic();
            secured.createTopics(1, topic);

            try (KafkaProducer<String, String> producer = producer(sasl(secured, "alice-secret"))) {
                producer.send(new ProducerRecord<>(topic, "authenticated")).get();
            }
            try (KafkaProducer<String, String> producer = producer(sasl(secured, "wrong"))) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "rejected"))
                                .get())
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
        // A log directory given to the builder is the caller's: it is kept.
        assertThat(logDir.resolve("logs")).isDirectory();
    }

    @Test
    void derivedBrokerKeysAreRejected() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerProperty("listeners", "PLAINTEXT://:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listener()");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().listener("CONTROLLER", "SASL_PLAINTEXT", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Properties sasl(EmbeddedKafkaBroker broker, String password) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", broker.bootstrapServers("SASL_PLAINTEXT"));
        props.setProperty("security.protocol", "SASL_PLAINTEXT");
        props.setProperty("sasl.mechanism", "PLAIN");
        props.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required " + "username=\"alice\" password=\""
                        + password + "\";");
        props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return props;
    }

    private static KafkaProducer<String, String> producer(Properties overrides) {
        Properties props = kafka.clientProperties();
        props.putAll(overrides);
        props.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** Commits {@code offset} of partition 0 for the consumer group. */
    private static void commitOffset(EmbeddedKafkaBroker broker, String group, String topic, long offset) {
        Properties props = broker.clientProperties();
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)), DEADLINE);
        }
    }

    private static List<ConsumerRecord<String, String>> consume(String topic, int expected, String isolationLevel) {
        return consume(kafka, topic, expected, isolationLevel);
    }

    /** Reads the topic from the beginning until {@code expected} records arrived or the deadline passed. */
    private static List<ConsumerRecord<String, String>> consume(
            EmbeddedKafkaBroker broker, String topic, int expected, String isolationLevel) {
        Properties props = broker.clientProperties();
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "group-" + UUID.randomUUID());
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        props.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // One more short poll: more records than expected would be a failure too.
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static String[] values(String prefix, int count) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = prefix + i;
        }
        return values;
    }

    private static String uniqueTopic() {
        return "topic-" + UUID.randomUUID();
    }
}
