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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * generator. Phases, in order (each can be left out with {@code --phases}):
 * <ol>
 *   <li><b>limit</b>: preloads {@code --events} events into the input topics as fast as the
 *       generator can, then reads them back with a plain {@link KafkaConsumer} and decodes each with
 *       {@link WireCodec}: the rate nothing built on this broker and these records can beat (no Flink).
 *   <li><b>throughput</b>: per delivery guarantee and parallelism, the full job drains the preloaded
 *       backlog (an estimate of its capacity), then paced runs at {@code --confirm-fraction} of that
 *       rate confirm it: the highest rate at which the source's lag does not grow is the sustained maximum.
 *   <li><b>latency</b>: per delivery guarantee and rate (fractions of that guarantee's sustained maximum),
 *       a fresh job on fresh topics fed by a paced load that stamps intended send times (against
 *       coordinated omission); event-to-alert latency from the last evidence's Kafka timestamp, in an
 *       HdrHistogram.
 *   <li><b>state</b>: {@link StateScale}: per customer count, one event per customer through the real
 *       job, then checkpoint and savepoint size and duration, RocksDB bytes, peak heap and RSS.
 *   <li><b>jmh</b>: {@link Microbenchmarks}: the JMH microbenchmarks in {@code io.cxstream.bench.jmh}.
 * </ol>
 * {@code --soak} runs {@link Soak} instead. Writes {@code cx-bench-<time>.json} and {@code .md} into
 * {@code --out}. See benchmarks/README.md.
 */
public final class BenchMain {
    /** After a latency run's load stops: time for the last alerts (watermark out-of-orderness + idleness + a checkpoint). */
    static final Duration DRAIN = Duration.ofSeconds(6);
    /** Events per second of event time in the preloaded backlog (see {@link BacklogClock}). */
    static final long BACKLOG_EVENT_TIME_RATE = 200;
    /** Throughput phase: the job is done with the backlog when no operator's numRecordsIn changed for this long. */
    static final Duration QUIET = Duration.ofSeconds(1);
    /** Catch-up limit of paced loads: never drop a slot (coordinated omission, see {@link IntendedTimeClock}). */
    static final Duration NEVER_DROP = Duration.ofDays(365);
    /** Confirmation runs: the first part of a run is not judged (job start, JIT, first checkpoints). */
    static final double CONFIRM_SKIP = 0.25;
    /** Confirmation runs: the job keeps up if its lag grows by less than this share of the input rate. */
    static final double MAX_LAG_SLOPE = 0.02;
    /**
     * Confirmation runs: the job also keeps up if its lag in the last third of the run stayed below this many seconds
     * of input (a short run's slope is noisy; a job that falls behind piles up more than this).
     */
    static final double MAX_LAG_SECONDS = 0.5;
    /** Confirmation runs: after a failed attempt the next is at this share of the rate. */
    static final double CONFIRM_BACKOFF = 0.8;
    static final int CONFIRM_ATTEMPTS = 3;
    /** The generator keeps up with a target when it sends at least this share of it. */
    static final double GENERATOR_SHARE = 0.95;

    private final BenchOptions options;
    private final PrintStream out;
    private final Path workDir;
    private final ProcessMemory memory = new ProcessMemory();

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
        BenchMain bench = new BenchMain(options, System.out);
        List<Path> files = options.soak() != null ? new Soak(bench).run() : bench.run();
        System.out.println("cx bench: results in " + files);
        System.exit(0);
    }

    BenchOptions options() {
        return options;
    }

    ProcessMemory memory() {
        return memory;
    }

    Path workDir() {
        return workDir;
    }

    /** Runs every selected phase; returns the JSON and Markdown files written. */
    List<Path> run() throws Exception {
        long started = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", Instant.now().toString());
        result.put("profile", options.quick() ? "quick" : "full");
        result.put("environment", environment());
        result.put("options", optionsMap());
        try {
            boolean needsKafka = options.phases().stream().anyMatch(p -> !p.equals("jmh"));
            if (needsKafka) {
                log("starting Kafka (KRaft, in this JVM) ...");
            }
            try (EmbeddedKafkaBroker broker = needsKafka ? EmbeddedKafkaBroker.builder().port(0).start() : null) {
                long limitRate = -1;
                long backlogEvents = -1;
                if (options.phases().contains("limit") || options.phases().contains("throughput")) {
                    memory.reset();
                    Map<String, Object> limit = limitPhase(broker);
                    limit.put("memory", memory.peaks());
                    result.put("limit", limit);
                    limitRate = (Long) limit.get("read_decode_events_per_s");
                    backlogEvents = (Long) limit.get("events");
                }
                long backlog = backlogEvents;
                long limit = limitRate;
                Map<String, Double> sustained = new LinkedHashMap<>();
                if (options.phases().contains("throughput")) {
                    List<Object> runs = new ArrayList<>();
                    result.put("throughput", runs);
                    for (String guarantee : options.guarantees()) {
                        for (int p : options.parallelisms()) {
                            memory.reset();
                            Map<String, Object> t = survive(runs, Map.of("delivery_guarantee", guarantee, "parallelism", p),
                                    () -> new PrefilledSustain(this, broker).run(backlog, guarantee, p, limit));
                            if (t != null && p == options.mainParallelism()) {
                                sustained.put(guarantee, ((Number) t.get("sustained_events_per_s")).doubleValue());
                            }
                        }
                    }
                }
                if (options.phases().contains("latency")) {
                    List<Object> latency = new ArrayList<>();
                    result.put("latency", latency);
                    int index = 0;
                    for (String guarantee : options.guarantees()) {
                        List<Double> rates;
                        try {
                            rates = latencyRates(sustained.get(guarantee));
                        } catch (IllegalStateException e) {
                            log("latency %s: skipped: %s", guarantee, e.getMessage());
                            latency.add(Map.of("delivery_guarantee", guarantee, "error", e.getMessage()));
                            continue;
                        }
                        for (double rate : rates) {
                            memory.reset();
                            int i = index++;
                            survive(latency, Map.of("delivery_guarantee", guarantee, "target_events_per_s", Math.round(rate)),
                                    () -> latencyRun(broker, i, guarantee, rate));
                        }
                    }
                }
                if (options.phases().contains("state")) {
                    List<Object> state = new ArrayList<>();
                    result.put("state", state);
                    for (long n : options.stateCustomers()) {
                        survive(state, Map.of("customers", n), () -> new StateScale(this, broker).run(n));
                    }
                }
            }
            if (options.phases().contains("jmh")) {
                result.put("jmh", new Microbenchmarks(this).run());
            }
        } catch (Exception | Error e) {
            // keep what was measured: a long full run must not lose an hour of numbers to one failure
            result.put("error", e.toString());
            log("FAILED: %s (writing the results so far)", e);
            result.put("memory", wholeRunMemory());
            result.put("wall_time_s", round((System.nanoTime() - started) / 1e9, 1));
            write("cx-bench", result, Report.markdown(result));
            throw e;
        } finally {
            deleteQuietly(workDir);
        }
        result.put("memory", wholeRunMemory());
        result.put("wall_time_s", round((System.nanoTime() - started) / 1e9, 1));
        return write("cx-bench", result, Report.markdown(result));
    }

    /** One measurement of a phase. */
    @FunctionalInterface
    interface Measurement {
        Map<String, Object> run() throws Exception;
    }

    /**
     * Runs one measurement and adds its result (with the phase's peak memory) to {@code results}; if it fails, adds
     * {@code what} with the error instead and returns null: in a long full run one failed point must not cost the others.
     */
    private Map<String, Object> survive(List<Object> results, Map<String, Object> what, Measurement measurement) {
        try {
            Map<String, Object> m = measurement.run();
            m.putIfAbsent("memory", memory.peaks());
            results.add(m);
            return m;
        } catch (Exception e) {
            log("FAILED %s: %s (continuing with the next measurement)", what, e);
            Map<String, Object> failed = new LinkedHashMap<>(what);
            failed.put("error", e.toString());
            results.add(failed);
            return null;
        }
    }

    private Map<String, Object> optionsMap() {
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("phases", List.copyOf(options.phases()));
        opts.put("customers", options.customers());
        opts.put("events", options.events());
        opts.put("delivery_guarantees", options.guarantees());
        opts.put("parallelisms", options.parallelisms());
        opts.put("latency_parallelism", options.mainParallelism());
        opts.put("checkpoint_interval_ms", options.checkpointInterval().toMillis());
        opts.put("confirm_duration_s", options.confirmDuration().toSeconds());
        opts.put("confirm_fraction", options.confirmFraction());
        opts.put("latency_rate_fractions", options.rateFractions());
        opts.put("latency_rates", options.rates());
        opts.put("latency_duration_s", options.duration().toSeconds());
        opts.put("latency_warmup_s", options.warmup().toSeconds());
        opts.put("state_customers", options.stateCustomers());
        opts.put("state_backend", "rocksdb (incremental checkpoints)");
        opts.put("job_settings", options.jobSettings());
        return opts;
    }

    /** Latency rates: absolute --rates, or the fractions of the sustained maximum. */
    private List<Double> latencyRates(Double sustained) {
        if (!options.rates().isEmpty()) {
            return options.rates();
        }
        if (sustained == null || sustained <= 0) {
            throw new IllegalStateException("latency: no sustained maximum was measured to take fractions of; give --rates");
        }
        List<Double> rates = new ArrayList<>();
        for (double f : options.rateFractions()) {
            rates.add((double) Math.max(1, Math.round(f * sustained)));
        }
        return rates;
    }

    // ---------------------------------------------------------------- limit

    private Map<String, Object> limitPhase(EmbeddedKafkaBroker broker) throws Exception {
        TopicNames topics = TopicNames.DEFAULT;
        broker.createTopics(options.backlogPartitions(), topics.interactions(), topics.feedback(), topics.consents());
        log("limit: preloading %,d events (%,d customers) as fast as possible ...", options.events(), options.customers());
        long t0 = System.nanoTime();
        Preloaded preloaded = preload(broker, topics, options.events(), options.customers());
        long sent = preloaded.sent();
        long failed = preloaded.failed();
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

    /** What a preload sent, and how many sends failed. */
    record Preloaded(long sent, long failed) {
    }

    /**
     * Preloads {@code events} events of the generator (default seed, {@code customers} ids) into {@code topics} as fast
     * as it goes, stamped by a {@link BacklogClock} ending now. The same arguments always give the same events.
     */
    Preloaded preload(EmbeddedKafkaBroker broker, TopicNames topics, long events, long customers) throws InterruptedException {
        long t0 = System.nanoTime();
        SyntheticLoadConfig preload = loadConfig(broker, topics, 0, customers).maxEvents(events).build();
        BacklogClock clock = new BacklogClock(System.currentTimeMillis(), events);
        try (SyntheticLoad load = new SyntheticLoad(preload, new KafkaProducer<>(SyntheticLoad.producerProperties(preload)), clock,
                System::nanoTime, LockSupport::parkNanos)) {
            Thread thread = new Thread(load, "bench-preload");
            thread.start();
            while (!load.awaitFinished(Duration.ofSeconds(2))) {
                log("preloaded %,d of %,d events (%,.0f events/s)", load.sent(), events, load.sent() / seconds(t0));
            }
            thread.join();
            return new Preloaded(load.sent(), load.failed());
        }
    }

    // ---------------------------------------------------------------- throughput (PrefilledSustain)

    /**
     * Least-squares slope of the lag (events/s) over the samples after the skipped start, the mean lag of the first
     * and last thirds of them, and the job's read rate over them.
     */
    record LagTrend(double slope, double firstThird, double lastThird, double readRate) {
        /** Whether a job fed at {@code rate} kept up: the lag grew slower than {@link #MAX_LAG_SLOPE}, or stayed small. */
        boolean keptUp(double rate) {
            return slope < MAX_LAG_SLOPE * rate || lastThird < MAX_LAG_SECONDS * rate;
        }

        static LagTrend of(List<double[]> samples, double skip) {
            List<double[]> s = samples.subList((int) (samples.size() * skip), samples.size());
            if (s.size() < 3) {
                return new LagTrend(0, 0, 0, 0);
            }
            double mt = 0;
            double ml = 0;
            for (double[] x : s) {
                mt += x[0];
                ml += x[3];
            }
            mt /= s.size();
            ml /= s.size();
            double num = 0;
            double den = 0;
            for (double[] x : s) {
                num += (x[0] - mt) * (x[3] - ml);
                den += (x[0] - mt) * (x[0] - mt);
            }
            int third = Math.max(1, s.size() / 3);
            double first = s.subList(0, third).stream().mapToDouble(x -> x[3]).average().orElse(0);
            double last = s.subList(s.size() - third, s.size()).stream().mapToDouble(x -> x[3]).average().orElse(0);
            double[] a = s.get(0);
            double[] b = s.get(s.size() - 1);
            double readRate = b[0] > a[0] ? (b[2] - a[2]) / (b[0] - a[0]) : 0;
            return new LagTrend(den == 0 ? 0 : num / den, first, last, readRate);
        }
    }

    // ---------------------------------------------------------------- latency

    private Map<String, Object> latencyRun(EmbeddedKafkaBroker broker, int index, String guarantee, double rate) throws Exception {
        String run = "lat" + index + "-" + shortName(guarantee);
        TopicNames topics = inputTopics(run);
        CxConfig config = jobConfig(broker, run, guarantee, options.mainParallelism(), freshTopicSettings(run, topics));
        createTopics(broker, options.mainParallelism(), topics, config);
        log("latency %s @ %,.0f events/s: starting the job on fresh topics ...", guarantee, rate);
        JobClient job = startJob(config, "cx-bench " + run, run);
        AlertRecorder alerts = new AlertRecorder(consumer(broker, "cx-bench-alerts-" + run),
                List.of(config.contactCenterTopic, config.marketingTopic));
        Thread alertThread = new Thread(alerts, "bench-alerts");
        alertThread.setDaemon(true);
        alertThread.start();
        long sent;
        long t0;
        IntendedTimeClock clock = new IntendedTimeClock(rate);
        try {
            try (SyntheticLoad load = pacedLoad(broker, topics, rate, options.customers(), clock, options.duration())) {
                alerts.recordFrom(System.currentTimeMillis() + options.warmup().toMillis());
                t0 = System.nanoTime();
                Thread loadThread = new Thread(load, "bench-load");
                loadThread.start();
                while (!load.awaitFinished(Duration.ofSeconds(5))) {
                    log("latency %s @ %,.0f events/s: sent %,d (%,.0f events/s, max %d ms behind schedule) | %s", guarantee, rate,
                            load.sent(), load.sent() / seconds(t0), clock.maxBehindMillis(), alerts.summary());
                    failIfEnded(job, run);
                }
                loadThread.join();
                sent = load.sent();
            }
            double sendSeconds = seconds(t0);
            Thread.sleep(DRAIN.toMillis() + options.checkpointInterval().toMillis()); // the last alerts: watermark delay, idleness, commit
            log("latency %s @ %,.0f events/s: done, sent %,d in %.1f s | %s", guarantee, rate, sent, sendSeconds, alerts.summary());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("delivery_guarantee", guarantee);
            m.put("checkpoint_interval_ms", options.checkpointInterval().toMillis());
            m.put("consumer_isolation", "read_committed");
            m.put("target_events_per_s", Math.round(rate));
            m.put("sent", sent);
            m.put("achieved_events_per_s", Math.round(sent / sendSeconds));
            m.put("generator_max_behind_ms", clock.maxBehindMillis());
            m.putAll(alerts.result());
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

    // ---------------------------------------------------------------- helpers (shared with StateScale and Soak)

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

    static void createTopics(EmbeddedKafkaBroker broker, int partitions, TopicNames topics, CxConfig config) throws Exception {
        broker.createTopics(partitions, topics.interactions(), topics.feedback(), topics.consents(),
                config.contactCenterTopic, config.marketingTopic, config.deadLetterTopic, config.voc.aggregatesTopic, config.voc.alertsTopic);
    }

    /**
     * The job's settings for one run: RocksDB, the guarantee, the parallelism, --checkpoint-interval, a checkpoint
     * directory, consumer group and transactional id prefix of the run's own, then --job settings, then {@code overrides}.
     */
    CxConfig jobConfig(EmbeddedKafkaBroker broker, String run, String guarantee, int parallelism, Map<String, String> overrides) {
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

    /** Deletes a directory tree, best effort (a full run writes gigabytes of checkpoints and RocksDB files). */
    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("cx bench: could not delete " + dir + ": " + e);
        }
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
    SyntheticLoad pacedLoad(EmbeddedKafkaBroker broker, TopicNames topics, double rate, long customers, IntendedTimeClock clock,
            Duration duration) {
        SyntheticLoadConfig config = loadConfig(broker, topics, rate, customers).duration(duration).maxCatchUp(NEVER_DROP).build();
        return new SyntheticLoad(config, new KafkaProducer<>(SyntheticLoad.producerProperties(config)), clock, System::nanoTime,
                LockSupport::parkNanos);
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
                m.put(topic, consumer.endOffsets(partitions(consumer, List.of(topic))).values().stream()
                        .mapToLong(Long::longValue).sum());
            }
        }
        return m;
    }

    static Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_total_mib", ProcessMemory.procKib("/proc/meminfo", "MemTotal:") / 1024);
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("flink", EnvironmentInformation.getVersion());
        m.put("kafka", AppInfoParser.getVersion());
        m.put("load_average", ProcessMemory.loadAverage());
        return m;
    }

    static Map<String, Object> wholeRunMemory() {
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peak_heap_mib", peakHeap / (1024 * 1024));
        m.put("peak_rss_mib", ProcessMemory.procKib("/proc/self/status", "VmHWM:") / 1024);
        m.put("rss_now_mib", ProcessMemory.rssKib() / 1024);
        m.put("note", "one JVM: broker + MiniCluster (RocksDB native memory in RSS) + generator + consumers; "
                + "peak heap = sum of the heap pools' peaks (an upper bound)");
        return m;
    }

    /** Writes {@code <prefix>-<time>.json} and {@code .md} into --out and prints the Markdown. */
    List<Path> write(String prefix, Map<String, Object> result, String markdown) throws IOException {
        Files.createDirectories(options.out());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path json = options.out().resolve(prefix + "-" + stamp + ".json");
        Path md = options.out().resolve(prefix + "-" + stamp + ".md");
        Files.writeString(json, Json.write(result) + "\n");
        Files.writeString(md, markdown);
        out.println();
        out.print(markdown);
        return List.of(json, md);
    }

    void log(String format, Object... args) {
        out.printf("[%6.1f s] %s%n", (System.nanoTime() - T0) / 1e9, String.format(format, args));
        out.flush();
    }

    private static final long T0 = System.nanoTime();

    static double seconds(long sinceNanos) {
        return Math.max(1e-9, (System.nanoTime() - sinceNanos) / 1e9);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
