package io.cxstream.bench;

import io.cxstream.config.CxConfig;
import io.cxstream.generator.SyntheticLoad;
import io.cxstream.generator.TopicNames;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.flink.core.execution.JobClient;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latency phase, one run per delivery guarantee and rate: a fresh job on fresh topics fed by a paced load that
 * stamps intended send times (against coordinated omission); event-to-alert latency from the last evidence's Kafka
 * timestamp, in an HdrHistogram ({@link AlertRecorder}).
 */
final class LatencyPhase {
    /** After a latency run's load stops: time for the last alerts (watermark out-of-orderness + idleness + a checkpoint). */
    static final Duration DRAIN = Duration.ofSeconds(6);

    private final BenchMain bench;
    private final EmbeddedKafkaBroker broker;
    private final BenchOptions options;

    LatencyPhase(BenchMain bench, EmbeddedKafkaBroker broker) {
        this.bench = bench;
        this.broker = broker;
        this.options = bench.options();
    }

    Map<String, Object> run(int index, String guarantee, double rate) throws Exception {
        String run = "lat" + index + "-" + BenchJobs.shortName(guarantee);
        TopicNames topics = BenchJobs.inputTopics(run);
        CxConfig config = bench.jobs()
                .jobConfig(
                        broker, run, guarantee, options.mainParallelism(), BenchJobs.freshTopicSettings(run, topics));
        BenchJobs.createTopics(broker, options.mainParallelism(), topics, config);
        bench.log("latency %s @ %,.0f events/s: starting the job on fresh topics ...", guarantee, rate);
        JobClient job = bench.jobs().startJob(config, "cx-bench " + run, run);
        AlertRecorder alerts = new AlertRecorder(
                BenchJobs.consumer(broker, "cx-bench-alerts-" + run),
                List.of(config.contactCenterTopic, config.marketingTopic));
        Thread alertThread = new Thread(alerts, "bench-alerts");
        alertThread.setDaemon(true);
        alertThread.start();
        long sent;
        long t0;
        IntendedTimeClock clock = new IntendedTimeClock(rate);
        try {
            try (SyntheticLoad load =
                    bench.jobs().pacedLoad(broker, topics, rate, options.customers(), clock, options.duration())) {
                alerts.recordFrom(System.currentTimeMillis() + options.warmup().toMillis());
                t0 = System.nanoTime();
                Thread loadThread = new Thread(load, "bench-load");
                loadThread.start();
                while (!load.awaitFinished(Duration.ofSeconds(5))) {
                    bench.log(
                            "latency %s @ %,.0f events/s: sent %,d (%,.0f events/s, max %d ms behind schedule) | %s",
                            guarantee,
                            rate,
                            load.sent(),
                            load.sent() / BenchMain.seconds(t0),
                            clock.maxBehindMillis(),
                            alerts.summary());
                    BenchJobs.failIfEnded(job, run);
                }
                loadThread.join();
                sent = load.sent();
            }
            double sendSeconds = BenchMain.seconds(t0);
            Thread.sleep(DRAIN.toMillis()
                    + options.checkpointInterval().toMillis()); // the last alerts: watermark delay, idleness, commit
            bench.log(
                    "latency %s @ %,.0f events/s: done, sent %,d in %.1f s | %s",
                    guarantee, rate, sent, sendSeconds, alerts.summary());
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
            BenchJobs.cancel(job);
        }
    }
}
