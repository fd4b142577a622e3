package io.cxstream.bench;

import io.cxstream.CxJob;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;
import io.cxstream.config.CxConfig;
import io.cxstream.generator.SimulatorConfig;
import io.cxstream.generator.SyntheticLoad;
import io.cxstream.generator.SyntheticLoadConfig;
import io.cxstream.generator.TopicNames;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.AppInfoParser;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The end-to-end benchmark harness (issue: benchmarks), everything in this one JVM: an embedded
 * Kafka broker (KRaft), the cx-stream job on the Flink MiniCluster and the synthetic customer
 * generator. Phases, in order:
 * <ol>
 *   <li><b>limit</b>: preloads {@code --events} events into the input topics as fast as the
 *       generator can, then reads them back with a plain {@link KafkaConsumer} and decodes each with
 *       {@link WireCodec}: the rate nothing built on this broker and these records can beat (no Flink).
 *   <li><b>throughput</b>: the full job (RocksDB, every detector, at-least-once) reads the preloaded
 *       backlog from earliest; the time from the job being RUNNING until its consumer group's committed
 *       offsets reach the end of the input topics gives events/s (resolution: one checkpoint interval).
 *   <li><b>latency</b>: per rate in {@code --rates}, a fresh job on fresh topics, fed live at that rate;
 *       event-to-alert latency = the moment a consumer receives an outreach minus its
 *       {@code lastEvidenceTime} (= the Kafka timestamp of the last evidence record), in an HdrHistogram.
 *   <li><b>memory</b>: peak heap (sum of the heap pools' peaks) and the process's peak RSS (VmHWM).
 * </ol>
 * Writes {@code cx-bench-<time>.json} and {@code .md} into {@code --out}. See benchmarks/README.md.
 */
public final class BenchMain {
    /** Throughput phase: offsets are committed on checkpoints, so this is the measurement's resolution. */
    static final String THROUGHPUT_CHECKPOINT_INTERVAL = "1 s";
    /** After a latency run's load stops: time for the last alerts (watermark out-of-orderness + idleness). */
    static final Duration DRAIN = Duration.ofSeconds(6);
    /** Events per second of event time in the preloaded backlog (see {@link BacklogClock}). */
    static final long BACKLOG_EVENT_TIME_RATE = 200;
    /** Throughput phase: the job is done with the backlog when no operator's numRecordsIn changed for this long. */
    static final Duration QUIET = Duration.ofSeconds(1);

    private final BenchOptions options;
    private final PrintStream out;
    private final Path workDir;

    BenchMain(BenchOptions options, PrintStream out) throws IOException {
        this.options = options;
        this.out = out;
        this.workDir = Files.createTempDirectory("cx-bench-");
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("cx bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Path> files = new BenchMain(options, System.out).run();
        System.out.println("cx bench: results in " + files);
        System.exit(0);
    }

    /** Runs every phase; returns the JSON and Markdown files written. */
    List<Path> run() throws Exception {
        long started = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", Instant.now().toString());
        result.put("profile", options.quick() ? "quick" : "custom");
        result.put("environment", environment());
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("customers", options.customers());
        opts.put("events", options.events());
        opts.put("latency_duration_s", options.duration().toSeconds());
        opts.put("latency_warmup_s", options.warmup().toSeconds());
        opts.put("rates", options.rates());
        opts.put("parallelism", options.parallelism());
        opts.put("state_backend", "rocksdb");
        opts.put("delivery_guarantee", "at-least-once");
        result.put("options", opts);

        log("starting Kafka (KRaft, in this JVM) ...");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(0).start()) {
            Map<String, Object> limit = limitPhase(broker);
            result.put("limit", limit);
            Map<String, Object> throughput = throughputPhase(broker, (Long) limit.get("events"));
            throughput.put("ratio_to_limit", round(((Number) throughput.get("events_per_s")).doubleValue() / ((Number) limit.get("read_decode_events_per_s")).doubleValue(), 3));
            result.put("throughput", throughput);
            List<Object> latency = new ArrayList<>();
            for (int i = 0; i < options.rates().size(); i++) {
                latency.add(latencyPhase(broker, i, options.rates().get(i)));
            }
            result.put("latency", latency);
        }
        result.put("memory", memory());
        result.put("wall_time_s", round((System.nanoTime() - started) / 1e9, 1));
        return write(result);
    }

    // ---------------------------------------------------------------- limit

    private Map<String, Object> limitPhase(EmbeddedKafkaBroker broker) throws Exception {
        TopicNames topics = TopicNames.DEFAULT;
        broker.createTopics(options.parallelism(), topics.interactions(), topics.feedback(), topics.consents());
        log("limit: preloading %,d events (%,d customers) as fast as possible ...", options.events(), options.customers());
        long t0 = System.nanoTime();
        long sent;
        long failed;
        SyntheticLoadConfig preload = loadConfig(broker, topics, 0).maxEvents(options.events()).build();
        BacklogClock clock = new BacklogClock(System.currentTimeMillis(), options.events());
        try (SyntheticLoad load = new SyntheticLoad(preload, new KafkaProducer<>(SyntheticLoad.producerProperties(preload)), clock,
                System::nanoTime, LockSupport::parkNanos)) {
            Thread thread = new Thread(load, "bench-preload");
            thread.start();
            while (!load.awaitFinished(Duration.ofSeconds(2))) {
                log("limit: preloaded %,d events (%,.0f events/s)", load.sent(), load.sent() / seconds(t0));
            }
            thread.join();
            sent = load.sent();
            failed = load.failed();
        }
        double preloadSeconds = seconds(t0);
        log("limit: preloaded %,d events in %.1f s (%,.0f events/s), %d failed", sent, preloadSeconds, sent / preloadSeconds, failed);

        WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);
        WireCodec<FeedbackEvent> feedback = WireCodec.of(FeedbackEvent.class);
        WireCodec<ConsentEvent> consents = WireCodec.of(ConsentEvent.class);
        long read = 0;
        long total;
        long t1;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker, null)) {
            List<TopicPartition> partitions = partitions(consumer, List.of(topics.interactions(), topics.feedback(), topics.consents()));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            total = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            log("limit: reading and decoding %,d records with a plain KafkaConsumer ...", total);
            t1 = System.nanoTime();
            long lastLog = t1;
            while (read < total) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String topic = r.topic();
                    if (topic.equals(topics.interactions())) {
                        interactions.decode(r.value());
                    } else if (topic.equals(topics.feedback())) {
                        feedback.decode(r.value());
                    } else {
                        consents.decode(r.value());
                    }
                    read++;
                }
                if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(2)) {
                    lastLog = System.nanoTime();
                    log("limit: read %,d of %,d (%,.0f events/s)", read, total, read / seconds(t1));
                }
                if (seconds(t1) > options.throughputTimeout().toSeconds()) {
                    throw new IllegalStateException("limit: read only " + read + " of " + total + " records");
                }
            }
        }
        double readSeconds = seconds(t1);
        double rate = read / readSeconds;
        log("limit: read + decoded %,d events in %.2f s = %,.0f events/s", read, readSeconds, rate);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", total);
        m.put("preload_s", round(preloadSeconds, 2));
        m.put("preload_events_per_s", Math.round(sent / preloadSeconds));
        m.put("preload_failed", failed);
        m.put("read_decode_s", round(readSeconds, 3));
        m.put("read_decode_events_per_s", Math.round(rate));
        return m;
    }

    // ---------------------------------------------------------------- throughput

    private Map<String, Object> throughputPhase(EmbeddedKafkaBroker broker, long total) throws Exception {
        String group = "cx-bench-throughput";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("group-id", group);
        settings.put("starting-offsets", "earliest");
        settings.put("checkpoint.interval", THROUGHPUT_CHECKPOINT_INTERVAL);
        CxConfig config = jobConfig(broker, settings);
        broker.createTopics(options.parallelism(), config.contactCenterTopic, config.marketingTopic, config.deadLetterTopic);
        log("throughput: starting the job (RocksDB, all detectors, at-least-once, parallelism %d) over the backlog of %,d events ...",
                options.parallelism(), total);
        String name = "cx-bench throughput";
        long submitted = System.nanoTime();
        JobClient job = startJob(config, name);
        long running = System.nanoTime();
        long commitDone = -1;
        long sourceDone = -1;
        long lastChange = running;
        long lastIn = -1;
        long committed = 0;
        long read = -1;
        boolean metricsDone = false;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            long lastLog = running;
            long deadline = running + options.throughputTimeout().toNanos();
            while (System.nanoTime() < deadline) {
                read = JobProgress.recordsRead(name);
                long in = JobProgress.recordsInAllOperators(name);
                long now = System.nanoTime();
                if (in != lastIn) {
                    lastIn = in;
                    lastChange = now;
                }
                if (read >= total && sourceDone < 0) {
                    sourceDone = now;
                }
                metricsDone = sourceDone >= 0 && now - lastChange > QUIET.toNanos();
                if (commitDone < 0) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                    committed = offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
                    if (committed >= total) {
                        commitDone = System.nanoTime();
                    }
                }
                if (commitDone >= 0 && (metricsDone || read < 0)) {
                    break;
                }
                if (now - lastLog > TimeUnit.SECONDS.toNanos(2)) {
                    lastLog = now;
                    log("throughput: read %,d, committed %,d of %,d (%,.0f events/s so far)", read, committed, total,
                            Math.max(read, committed) / seconds(running));
                }
                JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    throw new IllegalStateException("throughput: the job ended with status " + status);
                }
                Thread.sleep(50); // polling metrics and committed offsets
            }
        } finally {
            cancel(job);
        }
        if (commitDone < 0) {
            throw new IllegalStateException("throughput: the job committed only " + committed + " of " + total
                    + " offsets within " + options.throughputTimeout());
        }
        double commitSeconds = (commitDone - running) / 1e9;
        double s = metricsDone ? (lastChange - running) / 1e9 : commitSeconds;
        double rate = total / s;
        Map<String, Long> outputs = endOffsets(broker, config.contactCenterTopic, config.marketingTopic, config.deadLetterTopic);
        log("throughput: %,d events in %.2f s after RUNNING = %,.0f events/s (%s; committed offsets complete after %.1f s); outputs %s",
                total, s, rate, metricsDone ? "Flink metrics" : "committed offsets", commitSeconds, outputs);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", total);
        m.put("method", metricsDone
                ? "time from job RUNNING until the Kafka source has read the whole backlog (currentOffset metrics) and every "
                        + "operator's numRecordsIn stopped changing (the time of the last change)"
                : "time from job RUNNING until the consumer group's committed offsets (committed on checkpoints, every "
                        + THROUGHPUT_CHECKPOINT_INTERVAL + ") reach the end offsets of the input topics");
        m.put("source_read_s", sourceDone < 0 ? -1 : round((sourceDone - running) / 1e9, 2));
        m.put("offsets_committed_s", round(commitSeconds, 2));
        m.put("submit_to_running_s", round((running - submitted) / 1e9, 2));
        m.put("elapsed_s", round(s, 2));
        m.put("events_per_s", Math.round(rate));
        m.put("outputs", outputs);
        return m;
    }

    // ---------------------------------------------------------------- latency

    private Map<String, Object> latencyPhase(EmbeddedKafkaBroker broker, int index, double rate) throws Exception {
        String prefix = "live" + index + ".";
        TopicNames topics = new TopicNames(prefix + "cx.interactions", prefix + "cx.feedback", prefix + "cx.consents");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("group-id", "cx-bench-latency-" + index);
        settings.put("starting-offsets", "latest");
        settings.put("topic.interactions", topics.interactions());
        settings.put("topic.feedback", topics.feedback());
        settings.put("topic.consents", topics.consents());
        settings.put("topic.outreach.contact-center", prefix + "cx.outreach.contact-center");
        settings.put("topic.outreach.marketing", prefix + "cx.outreach.marketing");
        settings.put("topic.deadletter", prefix + "cx.deadletter");
        CxConfig config = jobConfig(broker, settings);
        broker.createTopics(options.parallelism(), topics.interactions(), topics.feedback(), topics.consents(),
                config.contactCenterTopic, config.marketingTopic, config.deadLetterTopic);
        log("latency @ %,.0f events/s: starting the job on fresh topics ...", rate);
        JobClient job = startJob(config, "cx-bench latency " + rate);
        AlertRecorder alerts = new AlertRecorder(consumer(broker, "cx-bench-alerts-" + index),
                List.of(config.contactCenterTopic, config.marketingTopic));
        Thread alertThread = new Thread(alerts, "bench-alerts");
        alertThread.setDaemon(true);
        alertThread.start();
        long sent;
        long t0;
        try {
            SyntheticLoad load = new SyntheticLoad(loadConfig(broker, topics, rate).duration(options.duration()).build());
            try (load) {
                alerts.recordFrom(System.currentTimeMillis() + options.warmup().toMillis());
                t0 = System.nanoTime();
                Thread loadThread = new Thread(load, "bench-load");
                loadThread.start();
                while (!load.awaitFinished(Duration.ofSeconds(5))) {
                    log("latency @ %,.0f events/s: sent %,d (%,.0f events/s) | %s", rate, load.sent(), load.sent() / seconds(t0),
                            alerts.summary());
                }
                loadThread.join();
                sent = load.sent();
            }
            double sendSeconds = seconds(t0);
            Thread.sleep(DRAIN.toMillis()); // let the last alerts out (watermark out-of-orderness + idleness)
            log("latency @ %,.0f events/s: done, sent %,d in %.1f s | %s", rate, sent, sendSeconds, alerts.summary());
            Map<String, Object> m = alerts.result();
            m.put("target_events_per_s", rate);
            m.put("sent", sent);
            m.put("achieved_events_per_s", Math.round(sent / sendSeconds));
            return m;
        } finally {
            alerts.close();
            alertThread.join(5_000);
            cancel(job);
        }
    }

    /**
     * Event time of the preloaded backlog: a replay of {@value #BACKLOG_EVENT_TIME_RATE} events per second of
     * event time that ends now, so that the watermark moves through the backlog and the event-time detectors
     * fire as they would on live traffic (sent as fast as possible, the wall clock would squeeze the whole
     * backlog into a second or two of event time). One instant per event sent.
     */
    static final class BacklogClock implements InstantSource {
        private final long start;
        private final AtomicLong n = new AtomicLong();

        BacklogClock(long endMillis, long events) {
            this.start = endMillis - events * 1000 / BACKLOG_EVENT_TIME_RATE;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(start + n.getAndIncrement() * 1000 / BACKLOG_EVENT_TIME_RATE);
        }
    }

    /** Reads the outreach topics and records event-to-alert latency (receive time minus lastEvidenceTime). */
    static final class AlertRecorder implements Runnable, AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<String> topics;
        private final WireCodec<OutreachEvent> codec = WireCodec.of(OutreachEvent.class);
        private final Histogram histogram = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
        private final Map<TriggerType, Long> byTrigger = new EnumMap<>(TriggerType.class);
        private final AtomicLong undecodable = new AtomicLong();
        private long received;
        private long warmup;
        private long windowed;
        private volatile long recordFrom = Long.MAX_VALUE;
        private volatile boolean running = true;

        AlertRecorder(KafkaConsumer<byte[], byte[]> consumer, List<String> topics) {
            this.consumer = consumer;
            this.topics = topics;
        }

        void recordFrom(long epochMillis) {
            recordFrom = epochMillis;
        }

        @Override
        public void run() {
            try {
                consumer.subscribe(topics);
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        long receivedAt = System.currentTimeMillis();
                        try {
                            record(codec.decode(r.value()), receivedAt);
                        } catch (WireFormatException e) {
                            undecodable.incrementAndGet();
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close(Duration.ofSeconds(2));
            }
        }

        private synchronized void record(OutreachEvent o, long receivedAt) {
            received++;
            byTrigger.merge(o.getTrigger(), 1L, Long::sum);
            long evidence = o.getLastEvidenceTime().toEpochMilli();
            if (o.getTrigger() == TriggerType.ERROR_THEN_ABANDON) {
                // fires when event time passes the abandonment window: its latency is the window by design
                windowed++;
            } else if (evidence < recordFrom) {
                warmup++;
            } else {
                histogram.recordValue(Math.max(0, Math.min(receivedAt - evidence, histogram.getHighestTrackableValue())));
            }
        }

        synchronized String summary() {
            if (histogram.getTotalCount() == 0) {
                return "outreach " + received + ", no latency recorded yet";
            }
            return String.format("outreach %d | latency p50 %d ms, p99 %d ms, max %d ms (n=%d)", received,
                    histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99), histogram.getMaxValue(),
                    histogram.getTotalCount());
        }

        synchronized Map<String, Object> result() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("outreach_received", received);
            m.put("outreach_by_trigger", new LinkedHashMap<>(byTrigger));
            m.put("undecodable", undecodable.get());
            m.put("recorded", histogram.getTotalCount());
            m.put("excluded_warmup", warmup);
            m.put("excluded_error_then_abandon", windowed);
            m.put("p50_ms", histogram.getValueAtPercentile(50));
            m.put("p95_ms", histogram.getValueAtPercentile(95));
            m.put("p99_ms", histogram.getValueAtPercentile(99));
            m.put("max_ms", histogram.getMaxValue());
            m.put("mean_ms", round(histogram.getMean(), 1));
            return m;
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
        }
    }

    // ---------------------------------------------------------------- helpers

    private SyntheticLoadConfig.Builder loadConfig(EmbeddedKafkaBroker broker, TopicNames topics, double rate) {
        return SyntheticLoadConfig.builder(broker.bootstrapServers())
                .topics(topics)
                .eventsPerSecond(rate)
                .format(WireFormat.AVRO)
                .progressInterval(Duration.ofSeconds(30))
                .simulator(SimulatorConfig.builder().customers(options.customers()).build());
    }

    private CxConfig jobConfig(EmbeddedKafkaBroker broker, Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap-servers", broker.bootstrapServers());
        settings.put("state.backend", "rocksdb");
        settings.put("delivery-guarantee", "at-least-once");
        settings.put("parallelism", Integer.toString(options.parallelism()));
        settings.put("checkpoint.dir", workDir.resolve("checkpoints").resolve(overrides.get("group-id")).toUri().toString());
        settings.putAll(overrides);
        return CxConfig.fromMap(settings, Map.of());
    }

    private JobClient startJob(CxConfig config, String name) throws Exception {
        org.apache.flink.configuration.Configuration conf = CxJob.flinkConfiguration(config);
        JobProgress.configure(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(options.parallelism());
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

    private static void cancel(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("cx bench: cancelling the job failed: " + e);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafkaBroker broker, String group) {
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

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, List<String> topics) {
        List<TopicPartition> list = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                list.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        return list;
    }

    private static Map<String, Long> endOffsets(EmbeddedKafkaBroker broker, String... topics) {
        Map<String, Long> m = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker, null)) {
            for (String topic : topics) {
                m.put(topic, consumer.endOffsets(partitions(consumer, List.of(topic))).values().stream()
                        .mapToLong(Long::longValue).sum());
            }
        }
        return m;
    }

    static Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_total_mib", procKib("/proc/meminfo", "MemTotal:") / 1024);
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("flink", EnvironmentInformation.getVersion());
        m.put("kafka", AppInfoParser.getVersion());
        return m;
    }

    static Map<String, Object> memory() {
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peak_heap_mib", peakHeap / (1024 * 1024));
        m.put("peak_rss_mib", procKib("/proc/self/status", "VmHWM:") / 1024);
        m.put("rss_now_mib", procKib("/proc/self/status", "VmRSS:") / 1024);
        m.put("note", "one JVM: broker + MiniCluster (RocksDB native memory in RSS) + generator + consumers; "
                + "peak heap = sum of the heap pools' peaks (an upper bound)");
        return m;
    }

    private static long procKib(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }

    private List<Path> write(Map<String, Object> result) throws IOException {
        Files.createDirectories(options.out());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path json = options.out().resolve("cx-bench-" + stamp + ".json");
        Path md = options.out().resolve("cx-bench-" + stamp + ".md");
        Files.writeString(json, Json.write(result) + "\n");
        Files.writeString(md, Report.markdown(result));
        out.println();
        out.print(Report.markdown(result));
        return List.of(json, md);
    }

    private void log(String format, Object... args) {
        out.printf("[%5.1f s] %s%n", (System.nanoTime() - T0) / 1e9, String.format(format, args));
        out.flush();
    }

    private static final long T0 = System.nanoTime();

    private static double seconds(long sinceNanos) {
        return Math.max(1e-9, (System.nanoTime() - sinceNanos) / 1e9);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
