package io.cxstream.reliability;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.Evidence;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;
import io.cxstream.kafka.EmbeddedKafkaBroker;
import io.cxstream.outreach.OutreachIds;
import io.cxstream.testing.CommittedOffsets;
import io.cxstream.testing.CxJobRunner;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.apache.flink.runtime.checkpoint.FailedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactly-once job survives a Kafka outage on its own: its (dedicated) broker is stopped for
 * {@link #OUTAGE} and started again on the same ports with the same log directory, and every
 * outreach the input calls for arrives exactly once (read_committed), with the outreachId computed
 * from the input.
 *
 * <p>Detractor answers (NPS 1, one outreach each) are sent in four phases: before the outage (their
 * outreach is awaited), just before it (still in the detectors' state when the broker goes), during
 * it (the test's producer holds them until the broker is back) and after it. Nothing else is sent:
 * event time follows the job's clock once the input has been quiet for {@code watermark.idleness},
 * which here outlasts the outage (as a deployment sets it above the outages it rides through: an
 * outage longer than that looks like a quiet input, and what producers held through it arrives
 * behind the watermark). So none of the answers can be late, and the dead-letter topic must stay empty.
 *
 * <p>Run twice, once per way of surviving an outage; what the job did is logged from the execution
 * graph. With the clients' default timeouts (Flink 2.2.1, connector 5.0.0-2.2) it was retries only:
 * no task restart, no restored checkpoint, the checkpoint spanning the outage completed late. With
 * timeouts of a few seconds the clients give up during the outage, the job fails and restarts until
 * the broker is back, then restores its last checkpoint (five restarts in one run); the test asserts
 * that at least one checkpoint was restored, so that path is really taken.
 */
@Timeout(value = 7, unit = TimeUnit.MINUTES)
class BrokerOutageITCase {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerOutageITCase.class);
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    /**
     * Longer than the input's quiet spell across the outage (the outage, the broker's restart, about
     * 10 s, and the producer's delivery), so that spell is not taken for a lull.
     */
    private static final Duration IDLENESS = OUTAGE.plusSeconds(30);

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final int PER_PHASE = 3;
    private static final WireCodec<FeedbackEvent> FEEDBACK = WireCodec.of(FeedbackEvent.class);

    @TempDir
    static Path tempDir;

    /** This test's own broker: it is stopped, so the shared one cannot be used. */
    private static EmbeddedKafkaBroker kafka;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private final Map<String, String> expectedOutreachIds = new LinkedHashMap<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> new Thread(r, "outage-test-sender"));
    private JobClient job;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.builder()
                .logDir(tempDir.resolve("kafka"))
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
    void tearDown() throws Exception {
        sender.shutdownNow();
        if (job != null) {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * @param clientTimeouts {@code default}: the Kafka clients' own timeouts (minutes) outlast the
     *     outage and they retry through it; {@code short}: request, delivery and blocking timeouts of
     *     a few seconds make the job's clients give up during the outage, so the job fails and must
     *     restore from its last checkpoint once the broker is back
     */
    @ParameterizedTest(name = "{0} client timeouts")
    @ValueSource(strings = {"default", "short"})
    void exactlyOnceJobRecoversFromABrokerOutageWithoutLosingOrDuplicatingOutreach(
            String clientTimeouts, @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = jobSettings(suffix);
        boolean shortTimeouts = clientTimeouts.equals("short");
        if (shortTimeouts) {
            settings.put("kafka.request.timeout.ms", "2000");
            settings.put("kafka.delivery.timeout.ms", "4000");
            settings.put("kafka.max.block.ms", "4000");
            settings.put("kafka.default.api.timeout.ms", "4000");
        }
        String feedbackTopic = settings.get("topic.feedback");
        String contactCenterTopic = settings.get("topic.outreach.contact-center");
        String group = settings.get("group-id");
        int port = kafka.port();

        job = CxJobRunner.start(settings, 2);
        try (TestKafkaClient client = new TestKafkaClient(kafka.bootstrapServers());
                KafkaProducer<byte[], byte[]> producer = producer()) {
            // 1. Before: events flow, and their outreach is committed.
            awaitAll(sendDetractors(producer, feedbackTopic, "before"));
            awaitConsumed(group, feedbackTopic);
            // Out once the input has been quiet for the idleness and event time follows the clock.
            List<OutreachEvent> early = client.readUntil(
                    contactCenterTopic,
                    OutreachEvent.class,
                    DEADLINE,
                    seen -> outreachIds(seen).containsAll(expectedOutreachIds.values()));
            assertThat(outreachIds(early))
                    .as(() -> "outreach before the outage; " + diagnosis(client, settings))
                    .containsExactlyInAnyOrderElementsOf(expectedOutreachIds.values());
            // 2. Just before: answers still in flight when the broker goes away. The input is quiet for
            //    less than the idleness across the outage, so event time stands still and their outreach
            //    waits in the decision until after it.
            awaitAll(sendDetractors(producer, feedbackTopic, "straddle"));

            // 3. The outage: answers sent meanwhile wait in the producer, which re-bootstraps and
            //    blocks in send() until the broker is back (max.block.ms), then delivers them.
            long stoppedAt = System.nanoTime();
            kafka.stop();
            List<CompletableFuture<Void>> duringOutage = sendDetractors(producer, feedbackTopic, "during");
            Thread.sleep(
                    OUTAGE.toMillis()); // holds the broker down; the outage is the scenario, not a wait for a result
            assertThat(duringOutage)
                    .as("nothing is delivered while the broker is down")
                    .noneMatch(CompletableFuture::isDone);
            kafka.restart();
            LOG.info(
                    "Broker at {} down for {} s (stop → restarted broker answering)",
                    kafka.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stoppedAt));
            assertThat(kafka.port()).isEqualTo(port);
            awaitAll(duringOutage);
            awaitConsumed(group, feedbackTopic);

            // 4. After: the job works on as before.
            awaitAll(sendDetractors(producer, feedbackTopic, "after"));
            awaitConsumed(group, feedbackTopic);
            List<OutreachEvent> outreach;
            List<DeadLetter> deadLetters;
            // Reads for at least four seconds, while event time moves and checkpoints go on, until
            // all arrived: a duplicate would show up too.
            long settled = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            outreach = client.readUntil(
                    contactCenterTopic,
                    OutreachEvent.class,
                    DEADLINE,
                    seen -> outreachIds(seen).containsAll(expectedOutreachIds.values()) && System.nanoTime() > settled);
            deadLetters = client.readUntil(
                    settings.get("topic.deadletter"), DeadLetter.class, Duration.ofSeconds(3), seen -> false);

            assertThat(outreachIds(outreach))
                    .as(() -> "every outreach exactly once, read_committed; " + diagnosis(client, settings))
                    .containsExactlyInAnyOrderElementsOf(expectedOutreachIds.values());
            assertThat(outreach).allSatisfy(o -> {
                assertThat(o.getTrigger()).isEqualTo(TriggerType.DETRACTOR);
                assertThat(o.getOutreachId()).isEqualTo(expectedOutreachIds.get(o.getCustomerId()));
            });
            assertThat(deadLetters)
                    .as("no answer was late or lost to the dead-letter topic")
                    .isEmpty();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            int restored = logRecovery(miniCluster, job.getJobID(), contactCenterTopic);
            if (shortTimeouts) {
                assertThat(restored)
                        .as("with short client timeouts the outage fails the job, which restores a checkpoint")
                        .isPositive();
            }
        }
    }

    /**
     * Sends one NPS 1 answer for each of {@code PER_PHASE} new customers, and records their expected
     * outreachIds. All answers of a phase carry the same event time: they land on different
     * partitions, read by different source readers, so a later one read first could otherwise make
     * an earlier one late.
     */
    private List<CompletableFuture<Void>> sendDetractors(
            KafkaProducer<byte[], byte[]> producer, String topic, String phase) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        long time = System.currentTimeMillis();
        for (int i = 0; i < PER_PHASE; i++) {
            String customer = phase + "-" + i;
            FeedbackEvent answer = Events.feedback(customer, time, FeedbackMetric.NPS, 1);
            expectedOutreachIds.put(
                    customer,
                    OutreachIds.of(
                            customer,
                            TriggerType.DETRACTOR.name(),
                            List.of(new Evidence(answer.getEventId(), Instant.ofEpochMilli(time), "NPS=1"))));
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                    topic, customer.getBytes(StandardCharsets.UTF_8), FEEDBACK.encode(answer, WireFormat.AVRO));
            // From another thread: send() itself blocks while the producer has no metadata (broker down).
            sent.add(CompletableFuture.runAsync(
                    () -> {
                        try {
                            producer.send(record).get();
                        } catch (Exception e) {
                            throw new CompletionException("sending " + customer + " failed", e);
                        }
                    },
                    sender));
        }
        return sent;
    }

    private static void awaitAll(List<CompletableFuture<Void>> sends) throws Exception {
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Waits until the job's committed offsets (committed when a checkpoint completes) cover every
     * record of the topic: the job has read them, so event time may move past them.
     */
    private static void awaitConsumed(String group, String topic) throws Exception {
        try (CommittedOffsets offsets = new CommittedOffsets(kafka.adminConfig())) {
            offsets.awaitCheckpointed(group, List.of(topic), DEADLINE);
        }
    }

    /**
     * What the job went through: restarts (restored checkpoints, task attempts) and failed checkpoints.
     * Returns the number of checkpoints restored.
     */
    private static int logRecovery(MiniCluster miniCluster, JobID jobId, String outputTopic) throws Exception {
        AccessExecutionGraph graph = miniCluster.getExecutionGraph(jobId).get(30, TimeUnit.SECONDS);
        CheckpointStatsCounts checkpoints = graph.getCheckpointStatsSnapshot().getCounts();
        int maxAttempt = 0;
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            maxAttempt =
                    Math.max(maxAttempt, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        FailedCheckpointStats lastFailed =
                graph.getCheckpointStatsSnapshot().getHistory().getLatestFailedCheckpoint();
        LOG.info(
                "Outage recovery: job restarts (highest task attempt) = {}, restored checkpoints = {}, "
                        + "checkpoints completed = {} (longest {} ms), failed = {} (last: {}), ever RESTARTING = {}, "
                        + "last job failure = {}; {} outreach records written to {} (read_uncommitted, incl. aborted transactions)",
                maxAttempt,
                checkpoints.getNumberOfRestoredCheckpoints(),
                checkpoints.getNumberOfCompletedCheckpoints(),
                graph.getCheckpointStatsSnapshot()
                        .getSummaryStats()
                        .getEndToEndDurationStats()
                        .getMaximum(),
                checkpoints.getNumberOfFailedCheckpoints(),
                lastFailed == null ? "none" : lastFailed.getFailureMessage(),
                graph.getStatusTimestamp(JobStatus.RESTARTING) > 0,
                graph.getFailureInfo() == null ? "none" : graph.getFailureInfo().getExceptionAsString(),
                countUncommitted(outputTopic),
                outputTopic);
        return (int) checkpoints.getNumberOfRestoredCheckpoints();
    }

    /** For a failure message: what the output topics hold, committed or not. */
    private String diagnosis(TestKafkaClient client, Map<String, String> settings) {
        WireCodec<OutreachEvent> codec = WireCodec.of(OutreachEvent.class);
        List<String> uncommitted = new ArrayList<>();
        for (byte[] bytes : readUncommitted(settings.get("topic.outreach.contact-center"))) {
            try {
                uncommitted.add(codec.decode(bytes).getCustomerId());
            } catch (WireFormatException e) {
                uncommitted.add("undecodable: " + e.getMessage());
            }
        }
        List<String> deadLetters = client
                .readUntil(settings.get("topic.deadletter"), DeadLetter.class, Duration.ofSeconds(2), seen -> false)
                .stream()
                .map(d -> d.getReason() + ": " + d.getDetail())
                .collect(Collectors.toList());
        return "expected " + expectedOutreachIds + "; outreach incl. uncommitted: " + uncommitted + "; dead letters: "
                + deadLetters;
    }

    /** All records of the topic including those of aborted transactions. */
    private static int countUncommitted(String topic) {
        return readUncommitted(topic).size();
    }

    private static List<byte[]> readUncommitted(String topic) {
        Properties p = kafka.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "uncommitted-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            int emptyPolls = 0;
            while (emptyPolls < 5) {
                int before = values.size();
                consumer.poll(Duration.ofMillis(400)).forEach(r -> values.add(r.value()));
                emptyPolls = values.size() == before ? emptyPolls + 1 : 0;
            }
        }
        return values;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // Outlasts the outage plus the broker's restart, so held records are delivered, not failed.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(DEADLINE.toMillis()));
        p.put(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                Long.toString(DEADLINE.multipliedBy(2).toMillis()));
        return new KafkaProducer<>(p);
    }

    private static List<String> outreachIds(List<OutreachEvent> outreach) {
        return outreach.stream().map(OutreachEvent::getOutreachId).collect(Collectors.toList());
    }

    /** The job's settings over fresh topics on this test's broker. */
    private static Map<String, String> jobSettings(String suffix) {
        Map<String, String> s = new CxTopics(kafka, kafka.bootstrapServers()).jobSettings();
        s.put("group-id", "outage-" + suffix);
        s.put("transactional-id-prefix", "outage-" + suffix);
        s.put("delivery-guarantee", "exactly-once");
        s.put("watermark.idleness", IDLENESS.toMillis() + " ms");
        return s;
    }
}
