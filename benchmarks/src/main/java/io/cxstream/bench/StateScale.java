package io.cxstream.bench;

import io.cxstream.avro.Channel;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.config.CxConfig;
import io.cxstream.generator.CustomerSimulator;
import io.cxstream.generator.SyntheticLoad;
import io.cxstream.generator.SyntheticLoadConfig;
import io.cxstream.generator.TopicNames;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * State scale: how much state the job keeps per customer, and what checkpointing it costs. For N
 * customers, N events — one {@code PAGE_VIEW} per customer, in event-time order — go through the real
 * job (RocksDB, incremental checkpoints, every detector) at the harness's main parallelism. Once the job
 * is quiet, the harness waits for two more completed checkpoints (so the last one covers every customer)
 * and reads:
 * <ul>
 *   <li>Flink's job checkpoint metrics: {@code lastCheckpointFullSize} (the whole incremental checkpoint),
 *       {@code lastCheckpointSize} (what that checkpoint added) and {@code lastCheckpointDuration};
 *   <li>RocksDB's native metrics per operator: {@code total-sst-files-size}, {@code estimate-live-data-size};
 *   <li>the size on disk of RocksDB's working directory and of the checkpoint directory;
 *   <li>a canonical savepoint: the full state in Flink's backend-independent format, and how long it took;
 *   <li>peak heap and RSS over the phase (the whole process: broker and generator included).
 * </ul>
 * With {@code --state-profile minimal} (default) each customer sends one PAGE_VIEW: what it leaves is the journey
 * state only, a per-customer <em>minimum</em>. With {@code typical} ({@link TypicalState}) the generator's journeys
 * go through every operator, and the sizes are also given per state (RocksDB column family) and per customer with
 * state. Both count the heap timers in the last retained checkpoint ({@link TypicalState#heapTimers}).
 */
final class StateScale {
    /** Checkpoint interval of this phase: long enough that checkpoints do not dominate a 10M-event drain. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

    static final Duration QUIET = Duration.ofSeconds(2);
    static final String METHOD =
            "one PAGE_VIEW per customer through the real job (RocksDB, incremental checkpoints every "
                    + CHECKPOINT_INTERVAL.toSeconds()
                    + " s, at-least-once); sizes read after the second checkpoint completed "
                    + "after the job went quiet; savepoint = canonical format; heap timers counted in the last retained checkpoint "
                    + "(raw keyed state, read with Flink's timer snapshot reader)";
    static final String TYPICAL_METHOD =
            "typical journeys: the generator (default seed and persona mix, ids [0, N)) until N "
                    + "journeys have ended, every event of them, event time 200 events/s ending now, through the real job (RocksDB, "
                    + "incremental checkpoints every " + CHECKPOINT_INTERVAL.toSeconds()
                    + " s, at-least-once); per-customer figures "
                    + "divide by the customers with state (distinct ids sent); RocksDB live/SST bytes per operator/state (column family); "
                    + "sizes read after the second checkpoint completed after the job went quiet; savepoint = canonical format; heap "
                    + "timers counted in the last retained checkpoint (raw keyed state, read with Flink's timer snapshot reader)";

    private final BenchMain bench;
    private final EmbeddedKafkaBroker broker;

    StateScale(BenchMain bench, EmbeddedKafkaBroker broker) {
        this.bench = bench;
        this.broker = broker;
    }

    Map<String, Object> run(long customers) throws Exception {
        bench.memory().reset();
        int parallelism = bench.options().mainParallelism();
        boolean typical = bench.options().stateProfile().equals("typical");
        String run = "state" + customers + (typical ? "-typical" : "");
        TopicNames topics = BenchJobs.inputTopics(run);
        Map<String, String> settings = new LinkedHashMap<>(BenchJobs.freshTopicSettings(run, topics));
        settings.put("checkpoint.interval", CHECKPOINT_INTERVAL.toMillis() + " ms");
        settings.put("delivery-guarantee", "at-least-once");
        CxConfig config = bench.jobs().jobConfig(broker, run, "at-least-once", parallelism, settings);
        BenchJobs.createTopics(broker, parallelism, topics, config);

        long t0 = System.nanoTime();
        TypicalState.Sent typicalSent = null;
        long events = customers;
        long withState = customers;
        if (typical) {
            typicalSent = TypicalState.preload(bench, broker.bootstrapServers(), topics, customers, customers);
            events = typicalSent.events();
            withState = typicalSent.customersWithState();
        } else {
            preload(topics, customers);
        }
        double preloadSeconds = BenchMain.seconds(t0);

        String name = "cx-bench " + run;
        JobClient job = bench.jobs().startJob(config, name, run);
        long running = System.nanoTime();
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            long lastIn = -1;
            long lastChange = System.nanoTime();
            long lastLog = lastChange;
            // at least 1 ms per event: a 10M-customer drain on a slow machine outlasts the throughput phase's timeout
            Duration timeout = bench.options().throughputTimeout().compareTo(Duration.ofMillis(events)) > 0
                    ? bench.options().throughputTimeout()
                    : Duration.ofMillis(events);
            long deadline = running + timeout.toNanos();
            while (true) {
                long read = JobProgress.recordsRead(name);
                long in = JobProgress.recordsInAllOperators(name);
                long now = System.nanoTime();
                if (in != lastIn) {
                    lastIn = in;
                    lastChange = now;
                }
                if (read >= events && now - lastChange > QUIET.toNanos()) {
                    break;
                }
                if (now > deadline) {
                    throw new IllegalStateException(
                            run + ": the job read only " + read + " of " + events + " events within " + timeout);
                }
                if (now - lastLog > TimeUnit.SECONDS.toNanos(5)) {
                    lastLog = now;
                    bench.log(
                            "state %,d customers: job read %,d (%,.0f events/s), RocksDB SST %,d MiB, RSS %,d MiB",
                            customers,
                            read,
                            read / BenchMain.seconds(running),
                            JobProgress.rocksDb(name, "total-sst-files-size").getOrDefault("total", 0L) >> 20,
                            ProcessMemory.rssKib() >> 10);
                    BenchJobs.failIfEnded(job, run);
                }
                Thread.sleep(100); // polling metrics
            }
            double drainSeconds = (lastChange - running) / 1e9;
            long before = JobProgress.checkpointMetric(name, "numberOfCompletedCheckpoints");
            bench.log(
                    "state %,d customers: all in after %.1f s; waiting for two more checkpoints ...",
                    customers, drainSeconds);
            long cpDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (JobProgress.checkpointMetric(name, "numberOfCompletedCheckpoints") < before + 2) {
                if (System.nanoTime() > cpDeadline) {
                    throw new IllegalStateException(run + ": no checkpoint completed within 10 min");
                }
                BenchJobs.failIfEnded(job, run);
                Thread.sleep(100); // polling checkpoint metrics
            }
            long fullSize = JobProgress.checkpointMetric(name, "lastCheckpointFullSize");
            long size = JobProgress.checkpointMetric(name, "lastCheckpointSize");
            long duration = JobProgress.checkpointMetric(name, "lastCheckpointDuration");
            Map<String, Long> sst = JobProgress.rocksDb(name, "total-sst-files-size");
            Map<String, Long> live = JobProgress.rocksDb(name, "estimate-live-data-size");
            Map<String, Long> memtables = JobProgress.rocksDb(name, "cur-size-all-mem-tables");
            long rocksDir = ProcessMemory.directoryBytes(bench.jobs().rocksDbDir(run));
            long checkpointDir = ProcessMemory.directoryBytes(bench.jobs().checkpointDir(run));

            Path savepoints = bench.workDir().resolve("savepoints").resolve(run);
            long s0 = System.nanoTime();
            String savepoint = job.triggerSavepoint(savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(10, TimeUnit.MINUTES);
            double savepointSeconds = BenchMain.seconds(s0);
            long savepointBytes = ProcessMemory.directoryBytes(savepoints);

            m.put("customers", customers);
            m.put("profile", typical ? "typical" : "minimal");
            m.put("parallelism", parallelism);
            m.put("events", events);
            m.put("customers_with_state", withState);
            if (typicalSent != null) {
                m.put("journeys", typicalSent.journeys());
                m.put("journeys_by_persona", typicalSent.journeysByPersona());
            }
            m.put("preload_s", BenchMain.round(preloadSeconds, 1));
            m.put("drain_s", BenchMain.round(drainSeconds, 1));
            m.put("drain_events_per_s", Math.round(events / Math.max(drainSeconds, 1e-3)));
            m.put("checkpoint_interval_ms", CHECKPOINT_INTERVAL.toMillis());
            m.put("checkpoint_full_size_bytes", fullSize);
            m.put("checkpoint_incremental_size_bytes", size);
            m.put("checkpoint_duration_ms", duration);
            m.put("checkpoint_bytes_per_customer", perCustomer(fullSize, withState));
            m.put("checkpoint_dir_bytes", checkpointDir);
            m.put("rocksdb_sst_bytes", sst.getOrDefault("total", -1L));
            m.put("rocksdb_sst_bytes_per_customer", perCustomer(sst.getOrDefault("total", -1L), withState));
            m.put("rocksdb_sst_bytes_by_operator", sst);
            Map<String, Long> liveByState = JobProgress.rocksDbByState(name, "estimate-live-data-size");
            m.put("rocksdb_live_bytes_by_state", liveByState);
            m.put("rocksdb_live_bytes_per_customer_by_state", TypicalState.perCustomer(liveByState, withState));
            m.put(
                    "rocksdb_sst_bytes_per_customer_by_state",
                    TypicalState.perCustomer(JobProgress.rocksDbByState(name, "total-sst-files-size"), withState));
            m.put("rocksdb_live_data_bytes", live.getOrDefault("total", -1L));
            m.put("rocksdb_live_bytes_per_customer", perCustomer(live.getOrDefault("total", -1L), withState));
            m.put("rocksdb_memtable_bytes", memtables.getOrDefault("total", -1L));
            m.put("rocksdb_dir_bytes", rocksDir);
            m.put("savepoint_canonical_bytes", savepointBytes);
            m.put("savepoint_bytes_per_customer", perCustomer(savepointBytes, withState));
            m.put("savepoint_duration_s", BenchMain.round(savepointSeconds, 2));
            m.put("savepoint", savepoint);
            bench.log(
                    "state %,d customers: checkpoint %,d bytes (%.1f B/customer) in %d ms; RocksDB SST %,d bytes (%.1f B/customer); "
                            + "savepoint %,d bytes in %.1f s; live bytes per customer by state %s",
                    customers,
                    fullSize,
                    perCustomer(fullSize, withState),
                    duration,
                    sst.getOrDefault("total", -1L),
                    perCustomer(sst.getOrDefault("total", -1L), withState),
                    savepointBytes,
                    savepointSeconds,
                    m.get("rocksdb_live_bytes_per_customer_by_state"));
        } finally {
            BenchJobs.cancel(job);
        }
        m.put("memory", bench.memory().peaks());
        heapTimers(m, run, withState);
        // free the disk before the next (larger) point: this run's topics, checkpoints, RocksDB files and savepoint
        broker.deleteTopics(
                topics.interactions(),
                topics.feedback(),
                topics.consents(),
                config.contactCenterTopic,
                config.marketingTopic,
                config.deadLetterTopic);
        BenchJobs.deleteQuietly(bench.jobs().checkpointDir(run));
        BenchJobs.deleteQuietly(bench.jobs().rocksDbDir(run));
        BenchJobs.deleteQuietly(bench.workDir().resolve("savepoints").resolve(run));
        m.put("method", typical ? TYPICAL_METHOD : METHOD);
        return m;
    }

    /** Heap timers counted in the cancelled job's last retained checkpoint ({@link TypicalState#heapTimers}). */
    private void heapTimers(Map<String, Object> m, String run, long withState) {
        try {
            var checkpoint = TypicalState.latestCheckpoint(bench.jobs().checkpointDir(run));
            if (checkpoint.isEmpty()) {
                m.put(
                        "heap_timers_error",
                        "no retained checkpoint with a _metadata under "
                                + bench.jobs().checkpointDir(run));
                return;
            }
            Map<String, Object> timers = TypicalState.heapTimers(checkpoint.get());
            m.put("heap_timers", timers);
            m.put(
                    "heap_timers_per_customer",
                    BenchMain.round(((Number) timers.get("total_timers")).doubleValue() / withState, 3));
            bench.log("state %s: heap timers in %s: %s", run, checkpoint.get().getFileName(), timers);
        } catch (Exception | LinkageError e) {
            // a count that cannot be read must not cost the state point's other numbers
            m.put("heap_timers_error", e.toString());
            bench.log("state %s: could not count the heap timers: %s", run, e);
        }
    }

    private static double perCustomer(long bytes, long customers) {
        return bytes < 0 ? -1 : BenchMain.round((double) bytes / customers, 1);
    }

    /** Sends one PAGE_VIEW per customer, in event-time order (1 ms apart, ending now), as fast as the producer goes. */
    private void preload(TopicNames topics, long customers) throws InterruptedException {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        // Not idempotent, one request in flight: ordered (event time must not go backwards) and immune to the
        // OUT_OF_ORDER_SEQUENCE_NUMBER retry loop an idempotent producer fell into on a freshly created topic under
        // load.
        SyntheticLoadConfig loadConfig = SyntheticLoadConfig.builder(broker.bootstrapServers())
                .producerProperty("enable.idempotence", "false")
                .producerProperty("max.in.flight.requests.per.connection", "1")
                .producerProperty("batch.size", Integer.toString(256 * 1024))
                .producerProperty("linger.ms", "20")
                .build();
        long start = System.currentTimeMillis() - customers;
        AtomicLong failed = new AtomicLong();
        long t0 = System.nanoTime();
        long lastLog = t0;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(SyntheticLoad.producerProperties(loadConfig))) {
            for (long i = 0; i < customers; i++) {
                String customer = CustomerSimulator.customerId(i);
                long time = start + i;
                InteractionEvent e = InteractionEvent.newBuilder()
                        .setEventId("state-" + i)
                        .setCustomerId(customer)
                        .setEventTime(Instant.ofEpochMilli(time))
                        .setChannel(Channel.WEB)
                        .setTouchpoint("home")
                        .setType(InteractionType.PAGE_VIEW)
                        .setSessionId("s-" + i)
                        .setAttributes(new HashMap<>())
                        .build();
                producer.send(
                        new ProducerRecord<>(
                                topics.interactions(), null, time, customer, codec.encode(e, WireFormat.AVRO)),
                        (md, ex) -> {
                            if (ex != null) {
                                failed.incrementAndGet();
                            }
                        });
                if ((i & 0xFFF) == 0 && System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(5)) {
                    lastLog = System.nanoTime();
                    bench.log(
                            "state %,d customers: preloaded %,d (%,.0f events/s)",
                            customers, i, i / BenchMain.seconds(t0));
                }
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException("state: " + failed.get() + " of " + customers + " preload events failed");
        }
        bench.log("state %,d customers: preloaded in %.1f s", customers, BenchMain.seconds(t0));
    }
}
