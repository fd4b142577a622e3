package io.cxstream.bench;

import io.cxstream.CxJob;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.config.CxConfig;
import io.cxstream.generator.SimulatorConfig;
import io.cxstream.generator.SyntheticLoad;
import io.cxstream.generator.SyntheticLoadConfig;
import io.cxstream.generator.TopicNames;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The topic and job helpers every phase shares: a run's fresh topics and its job settings, the job's start (RocksDB,
 * a checkpoint directory of the run's own under the work directory) and end, paced loads, plain consumers and end
 * offsets.
 */
final class BenchJobs {
    /** Catch-up limit of paced loads: never drop a slot (coordinated omission, see {@link IntendedTimeClock}). */
    static final Duration NEVER_DROP = Duration.ofDays(365);

    private final BenchOptions options;
    private final Path workDir;

    BenchJobs(BenchOptions options, Path workDir) {
        this.options = options;
        this.workDir = workDir;
    }

    /**
     * The job's settings for one run: RocksDB, the guarantee, the parallelism, --checkpoint-interval, a checkpoint
     * directory, consumer group and transactional id prefix of the run's own, then --job settings, then {@code overrides}.
     */
    CxConfig jobConfig(
            EmbeddedKafkaBroker broker, String run, String guarantee, int parallelism, Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap-servers", broker.bootstrapServers());
        settings.put("state.backend", "rocksdb");
        settings.put("delivery-guarantee", guarantee);
        settings.put("parallelism", Integer.toString(parallelism));
        settings.put("checkpoint.interval", options.checkpointInterval().toMillis() + " ms");
        settings.put("checkpoint.dir", checkpointDir(run).toUri().toString());
        settings.put("group-id", "cx-bench-" + run);
        settings.put("transactional-id-prefix", "cx-bench-" + run);
        settings.putAll(options.jobSettings());
        settings.putAll(overrides);
        CxConfig config = CxConfig.fromMap(settings, Map.of());
        broker.createCompactedTopics(config.rulesTopic);
        broker.createTopics(1, config.rulesStatusTopic);
        return config;
    }

    Path checkpointDir(String run) {
        return workDir.resolve("checkpoints").resolve(run);
    }

    /** RocksDB's working directory of a run (set through state.backend.rocksdb.localdir), for its size on disk. */
    Path rocksDbDir(String run) {
        return workDir.resolve("rocksdb").resolve(run);
    }

    /** Starts the job (with the {@link JobProgress} reporter) and waits until it is RUNNING. */
    JobClient startJob(CxConfig config, String name, String run) throws Exception {
        org.apache.flink.configuration.Configuration conf = CxJob.flinkConfiguration(config);
        JobProgress.configure(conf);
        CheckpointSpans.configure(conf);
        conf.setString("state.backend.rocksdb.localdir", rocksDbDir(run).toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(config.parallelism);
        CxJob.onKafka(config).build(env);
        JobClient job = env.executeAsync(name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JobStatus s = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (s == JobStatus.RUNNING) {
                return job;
            }
            if (s.isGloballyTerminalState()) {
                throw new IllegalStateException(name + ": the job ended with status " + s + " before it ran");
            }
            Thread.sleep(50); // polling the job status
        }
        throw new IllegalStateException(name + ": the job did not reach RUNNING within 60 s");
    }

    SyntheticLoadConfig.Builder loadConfig(EmbeddedKafkaBroker broker, TopicNames topics, double rate, long customers) {
        return SyntheticLoadConfig.builder(broker.bootstrapServers())
                .topics(topics)
                .eventsPerSecond(rate)
                .format(WireFormat.AVRO)
                .progressInterval(Duration.ofSeconds(30))
                .simulator(SimulatorConfig.builder().customers(customers).build());
    }

    /**
     * A paced load that never drops a slot and stamps each event with its intended send time
     * ({@link IntendedTimeClock}): the harness's answer to coordinated omission.
     */
    SyntheticLoad pacedLoad(
            EmbeddedKafkaBroker broker,
            TopicNames topics,
            double rate,
            long customers,
            IntendedTimeClock clock,
            Duration duration) {
        SyntheticLoadConfig config = loadConfig(broker, topics, rate, customers)
                .duration(duration)
                .maxCatchUp(NEVER_DROP)
                .build();
        return new SyntheticLoad(
                config,
                new KafkaProducer<>(SyntheticLoad.producerProperties(config)),
                clock,
                System::nanoTime,
                LockSupport::parkNanos);
    }

    static String shortName(String guarantee) {
        return guarantee.equals("exactly-once") ? "eo" : "alo";
    }

    /** Input topics of a run on fresh topics: {@code <run>.cx.*}. */
    static TopicNames inputTopics(String run) {
        return new TopicNames(run + ".cx.interactions", run + ".cx.feedback", run + ".cx.consents");
    }

    /** Output topics of a run: {@code <run>.cx.outreach.*}, {@code <run>.cx.deadletter}. */
    static Map<String, String> outputTopics(String run) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("topic.outreach.contact-center", run + ".cx.outreach.contact-center");
        m.put("topic.outreach.marketing", run + ".cx.outreach.marketing");
        m.put("topic.deadletter", run + ".cx.deadletter");
        return m;
    }

    /**
     * Job settings of a run on fresh topics. The job reads them from earliest: they are empty when it starts, so
     * nothing is skipped even if the load starts before the source has looked up its partitions.
     */
    static Map<String, String> freshTopicSettings(String run, TopicNames topics) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("starting-offsets", "earliest");
        m.put("topic.interactions", topics.interactions());
        m.put("topic.feedback", topics.feedback());
        m.put("topic.consents", topics.consents());
        m.putAll(outputTopics(run));
        return m;
    }

    static void createTopics(EmbeddedKafkaBroker broker, int partitions, TopicNames topics, CxConfig config)
            throws Exception {
        broker.createTopics(
                partitions,
                topics.interactions(),
                topics.feedback(),
                topics.consents(),
                config.contactCenterTopic,
                config.marketingTopic,
                config.deadLetterTopic,
                config.voc.aggregatesTopic,
                config.voc.alertsTopic);
    }

    /** Deletes a directory tree, best effort (a full run writes gigabytes of checkpoints and RocksDB files). */
    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("cx bench: could not delete " + dir + ": " + e);
        }
    }

    static void failIfEnded(JobClient job, String run) throws Exception {
        JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
        if (status.isGloballyTerminalState()) {
            throw new IllegalStateException(run + ": the job ended with status " + status);
        }
    }

    static void cancel(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("cx bench: cancelling the job failed: " + e);
        }
    }

    static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafkaBroker broker, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, List<String> topics) {
        List<TopicPartition> list = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                list.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        return list;
    }

    static Map<String, Long> endOffsets(EmbeddedKafkaBroker broker, String... topics) {
        Map<String, Long> m = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker, null)) {
            for (String topic : topics) {
                m.put(
                        topic,
                        consumer.endOffsets(partitions(consumer, List.of(topic))).values().stream()
                                .mapToLong(Long::longValue)
                                .sum());
            }
        }
        return m;
    }
}
