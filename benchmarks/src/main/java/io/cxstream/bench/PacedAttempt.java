package io.cxstream.bench;

import io.cxstream.avro.wire.WireFormat;
import io.cxstream.generator.SimulatorConfig;
import io.cxstream.generator.SyntheticLoad;
import io.cxstream.generator.SyntheticLoadConfig;
import io.cxstream.generator.TopicNames;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The paced attempts of the throughput phase ({@link PrefilledSustain}) on the running, drained job. Each attempt
 * first waits until the job has caught up with everything appended so far, then appends a paced load at its target
 * rate to the job's input topics for {@code --confirm-duration}, drawn from the customers the backlog gave state,
 * and judges from the lag sampled each second whether the job kept up ({@link LagTrend}). Leaves the job running.
 */
final class PacedAttempt {
    /** The generator keeps up with a target when it sends at least this share of it. */
    static final double GENERATOR_SHARE = 0.95;

    private final BenchMain bench;
    private final EmbeddedKafkaBroker broker;
    /** Reads the input topics' end offsets (once a second while an attempt runs). */
    private final KafkaConsumer<byte[], byte[]> offsets;
    /** The customers the paced attempts draw from ({@link PrefilledSustain#pacedPool}); null: all. */
    private final long[] pacedCustomers;

    PacedAttempt(
            BenchMain bench, EmbeddedKafkaBroker broker, KafkaConsumer<byte[], byte[]> offsets, long[] pacedCustomers) {
        this.bench = bench;
        this.broker = broker;
        this.offsets = offsets;
        this.pacedCustomers = pacedCustomers;
    }

    /** One paced attempt at {@code rate} appended to the running job's input topics: does it keep up (lag flat)? */
    Map<String, Object> run(
            JobClient job, String name, TopicNames topics, String guarantee, int parallelism, double rate, int attempt)
            throws Exception {
        BenchOptions options = bench.options();
        String run = name + " attempt " + attempt;
        double catchUp = catchUp(job, name, topics, run);
        long base = endOffsets(offsets, topics);
        ThreadCpu cpuBefore = ThreadCpu.now();
        CacheCounts cacheBefore = CacheCounts.now(name);
        int checkpointsBefore = CheckpointSpans.mark();
        WatermarkDelays delays = new WatermarkDelays(name);
        log(
                "sustain %s p%d @ %,.0f events/s: paced load for %d s appended to the drained job's topics (lag before: %,d) ...",
                guarantee,
                parallelism,
                rate,
                options.confirmDuration().toSeconds(),
                base - JobProgress.recordsRead(name));
        List<double[]> samples = new ArrayList<>(); // {seconds, sent, read, lag}, counted from the attempt's start
        long sent;
        double sendSeconds;
        long lagFinal;
        ThreadCpu cpuAfter;
        CacheCounts cacheAfter;
        Map<String, Object> checkpoints;
        AtomicLong generatorCpu = new AtomicLong();
        IntendedTimeClock clock = new IntendedTimeClock(rate);
        SyntheticLoadConfig config = SyntheticLoadConfig.builder(broker.bootstrapServers())
                .topics(topics)
                .eventsPerSecond(rate)
                .format(WireFormat.AVRO)
                .progressInterval(Duration.ofSeconds(30))
                .simulator(
                        PrefilledSustain.simulator(options.customers(), SimulatorConfig.DEFAULT_SEED + attempt)
                                .toBuilder()
                                .customerPool(pacedCustomers)
                                .build())
                .duration(options.confirmDuration())
                .maxCatchUp(BenchJobs.NEVER_DROP)
                .build();
        try (SyntheticLoad load = new SyntheticLoad(
                config,
                new KafkaProducer<>(SyntheticLoad.producerProperties(config)),
                clock,
                System::nanoTime,
                LockSupport::parkNanos)) {
            long t0 = System.nanoTime();
            // the generator's thread ends before the attempt's CPU is read: it reports its own
            Thread thread = new Thread(
                    () -> {
                        try {
                            load.run();
                        } finally {
                            generatorCpu.set(ThreadCpu.currentThreadNanos());
                        }
                    },
                    "bench-sustain");
            thread.start();
            while (!load.awaitFinished(Duration.ofSeconds(1))) {
                long end = endOffsets(offsets, topics) - base;
                long read = Math.max(0, JobProgress.recordsRead(name) - base);
                samples.add(new double[] {BenchMain.seconds(t0), end, read, end - read});
                delays.sample();
                if (samples.size() % 5 == 0) {
                    log(
                            "sustain %s p%d @ %,.0f events/s: sent %,d (%,.0f/s), read %,d (%,.0f/s), lag %,d",
                            guarantee,
                            parallelism,
                            rate,
                            end,
                            end / BenchMain.seconds(t0),
                            read,
                            read / BenchMain.seconds(t0),
                            end - read);
                }
                BenchJobs.failIfEnded(job, run);
            }
            thread.join();
            sent = load.sent();
            sendSeconds = BenchMain.seconds(t0);
            lagFinal = endOffsets(offsets, topics) - JobProgress.recordsRead(name);
            cpuAfter = ThreadCpu.now(); // the generator's producer is still open: its network thread counts
            cacheAfter = CacheCounts.now(name);
            checkpoints = CheckpointSpans.since(checkpointsBefore, JobProgress.taskNames(name));
        }
        // the generator, its producer and the broker's appends share the cores with the job here (not in the drain)
        Map<String, Object> cpu = cpuAfter.since(cpuBefore, sent, 10);
        cpu.put("generator_thread_cpu_s", BenchMain.round(generatorCpu.get() / 1e9, 2));
        LagTrend trend = LagTrend.of(samples, PrefilledSustain.CONFIRM_SKIP);
        double achieved = sent / sendSeconds;
        boolean generatorOk = achieved >= GENERATOR_SHARE * rate;
        boolean keptUp = trend.keptUp(rate);
        log(
                "sustain %s p%d @ %,.0f events/s: achieved %,.0f events/s, lag slope %,.0f events/s (limit %,.0f), final lag %,d: %s%s",
                guarantee,
                parallelism,
                rate,
                achieved,
                trend.slope(),
                LagTrend.MAX_LAG_SLOPE * rate,
                lagFinal,
                keptUp ? "kept up" : "fell behind",
                generatorOk ? "" : " (the generator did not reach the target rate)");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempt", attempt);
        m.put("target_events_per_s", Math.round(rate));
        m.put("achieved_events_per_s", Math.round(achieved));
        m.put("generator_reached_target", generatorOk);
        m.put("generator_max_behind_ms", clock.maxBehindMillis());
        m.put("job_read_events_per_s", Math.round(trend.readRate()));
        m.put("lag_slope_events_per_s", Math.round(trend.slope()));
        m.put("lag_mean_first_third", Math.round(trend.firstThird()));
        m.put("lag_mean_last_third", Math.round(trend.lastThird()));
        m.put("lag_final", lagFinal);
        m.put("catch_up_before_s", BenchMain.round(catchUp, 2));
        m.put("kept_up", keptUp);
        m.put("process_cores", BenchMain.round(((Number) cpu.get("process_cpu_s")).doubleValue() / sendSeconds, 2));
        m.put("cpu", cpu);
        m.put("state_cache", cacheAfter.since(cacheBefore));
        m.put("watermark_delay_ms", delays.report());
        m.put("checkpoints_by_task", checkpoints);
        log("sustain %s p%d @ %,.0f events/s: CPU %s", guarantee, parallelism, rate, cpu);
        log(
                "sustain %s p%d @ %,.0f events/s: state caches %s, watermark delay %s",
                guarantee, parallelism, rate, m.get("state_cache"), m.get("watermark_delay_ms"));
        return m;
    }

    /**
     * Waits until the job has read everything in its input topics and no operator's numRecordsIn changed for
     * {@link PrefilledSustain#QUIET} (after a failed attempt: its leftover), at most --confirm-duration + 30 s;
     * returns the seconds waited.
     */
    private double catchUp(JobClient job, String name, TopicNames topics, String run) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + bench.options().confirmDuration().toNanos() + TimeUnit.SECONDS.toNanos(30);
        long lastIn = -1;
        long lastChange = t0;
        while (System.nanoTime() < deadline) {
            long lag = endOffsets(offsets, topics) - JobProgress.recordsRead(name);
            long in = JobProgress.recordsInAllOperators(name);
            long now = System.nanoTime();
            if (in != lastIn) {
                lastIn = in;
                lastChange = now;
            }
            if (lag <= 0 && now - lastChange > PrefilledSustain.QUIET.toNanos()) {
                break;
            }
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException(run + ": the job ended with status " + status);
            }
            Thread.sleep(100); // polling metrics and end offsets
        }
        return BenchMain.seconds(t0);
    }

    /** Sum of the end offsets of the three input topics: every record sent so far, backlog included. */
    static long endOffsets(KafkaConsumer<byte[], byte[]> offsets, TopicNames topics) {
        List<TopicPartition> partitions =
                BenchJobs.partitions(offsets, List.of(topics.interactions(), topics.feedback(), topics.consents()));
        return offsets.endOffsets(partitions).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private void log(String format, Object... args) {
        bench.log(format, args);
    }
}
