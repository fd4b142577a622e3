package io.cxstream.bench;

import io.cxstream.config.CxConfig;
import io.cxstream.generator.SyntheticLoad;
import io.cxstream.generator.TopicNames;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.flink.core.execution.JobClient;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The soak test (issue: soak; {@code --soak 10m}): one job at a steady paced load for the given time, with a
 * short {@code state.ttl} ({@code --soak-ttl}, 1 min by default) and a customer id space so large
 * ({@code --soak-customers}, 100M) that almost every journey is a new customer: customers churn, and only
 * expiring state keeps the state bounded. Every {@code --soak-sample} it records the checkpoint size
 * (Flink's {@code lastCheckpointFullSize}), RocksDB's SST and live-data bytes, the live heap (after a forced full GC),
 * heap used, RSS and the source's lag. At the end it compares, per series, the mean of the last third of the
 * samples with the mean of the middle third (the first third is the ramp-up until the TTL starts expiring
 * state): growth below {@code --soak-tolerance} counts as flat.
 */
final class Soak {
    private final BenchMain bench;

    Soak(BenchMain bench) {
        this.bench = bench;
    }

    List<Path> run() throws Exception {
        BenchOptions o = bench.options();
        long started = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", Instant.now().toString());
        result.put("profile", "soak");
        result.put("environment", RunInfo.environment());
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("duration_s", o.soak().toSeconds());
        opts.put("events_per_s", o.soakRate());
        opts.put("state_ttl_s", o.soakTtl().toSeconds());
        opts.put("customer_id_space", o.soakCustomers());
        opts.put("sample_s", o.soakSample().toSeconds());
        opts.put("tolerance", o.soakTolerance());
        opts.put("parallelism", o.mainParallelism());
        opts.put("delivery_guarantee", o.guarantees().get(0));
        opts.put("checkpoint_interval_ms", o.checkpointInterval().toMillis());
        opts.put("job_settings", o.jobSettings());
        result.put("options", opts);
        List<Map<String, Object>> samples = new ArrayList<>();
        bench.log("soak: starting Kafka (KRaft, in this JVM) ...");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(0).start()) {
            String run = "soak";
            TopicNames topics = BenchJobs.inputTopics(run);
            Map<String, String> settings = new LinkedHashMap<>(BenchJobs.freshTopicSettings(run, topics));
            settings.put("state.ttl", o.soakTtl().toMillis() + " ms");
            String guarantee = o.guarantees().get(0);
            CxConfig config = bench.jobs().jobConfig(broker, run, guarantee, o.mainParallelism(), settings);
            BenchJobs.createTopics(broker, o.mainParallelism(), topics, config);
            String name = "cx-bench " + run;
            JobClient job = bench.jobs().startJob(config, name, run);
            IntendedTimeClock clock = new IntendedTimeClock(o.soakRate());
            try (SyntheticLoad load =
                    bench.jobs().pacedLoad(broker, topics, o.soakRate(), o.soakCustomers(), clock, o.soak())) {
                long t0 = System.nanoTime();
                Thread thread = new Thread(load, "bench-soak");
                thread.start();
                bench.log(
                        "soak: %s at %,.0f events/s, state.ttl %s, %,d customer ids, %s, sampling every %s",
                        o.soak(), o.soakRate(), o.soakTtl(), o.soakCustomers(), guarantee, o.soakSample());
                while (!load.awaitFinished(o.soakSample())) {
                    Map<String, Object> s = sample(name, load, t0);
                    samples.add(s);
                    bench.log("soak: %s", s);
                    BenchJobs.failIfEnded(job, run);
                }
                thread.join();
                // which operator holds the state at the end: where to look if it grew
                result.put(
                        "rocksdb_live_bytes_by_operator_at_end", JobProgress.rocksDb(name, "estimate-live-data-size"));
                result.put("sent", load.sent());
                result.put("achieved_events_per_s", Math.round(load.sent() / BenchMain.seconds(t0)));
                result.put("generator_max_behind_ms", clock.maxBehindMillis());
            } finally {
                BenchJobs.cancel(job);
            }
        }
        result.put("samples", samples);
        Map<String, Object> verdict = verdict(samples, o.soakTolerance());
        result.put("verdict", verdict);
        result.put("memory", RunInfo.wholeRunMemory());
        result.put("wall_time_s", BenchMain.round((System.nanoTime() - started) / 1e9, 1));
        bench.log("soak: %s", verdict);
        return bench.write("cx-soak", result, Report.soakMarkdown(result));
    }

    private static Map<String, Object> sample(String job, SyntheticLoad load, long t0) {
        Map<String, Object> s = new LinkedHashMap<>();
        long sent = load.sent();
        long read = Math.max(0, JobProgress.recordsRead(job));
        s.put("t_s", Math.round(BenchMain.seconds(t0)));
        s.put("sent", sent);
        s.put("lag", sent - read);
        s.put("checkpoints", JobProgress.checkpointMetric(job, "numberOfCompletedCheckpoints"));
        s.put("checkpoint_full_bytes", JobProgress.checkpointMetric(job, "lastCheckpointFullSize"));
        s.put("checkpoint_ms", JobProgress.checkpointMetric(job, "lastCheckpointDuration"));
        s.put(
                "rocksdb_sst_bytes",
                JobProgress.rocksDb(job, "total-sst-files-size").getOrDefault("total", -1L));
        s.put(
                "rocksdb_live_bytes",
                JobProgress.rocksDb(job, "estimate-live-data-size").getOrDefault("total", -1L));
        s.put("heap_used_mib", ProcessMemory.heapUsed() >> 20);
        // the live heap: a full GC first (a pause of ~0.1-0.3 s per sample; the soak measures state, not latency),
        // because without it heap in use saw-tooths and G1's old generation only shrinks on a mixed or full GC
        System.gc();
        s.put("heap_live_mib", ProcessMemory.heapUsed() >> 20);
        s.put("rss_mib", ProcessMemory.rssKib() >> 10);
        return s;
    }

    /** Per series: middle-third mean, last-third mean, growth, flat; and whether all are flat. */
    static Map<String, Object> verdict(List<Map<String, Object>> samples, double tolerance) {
        Map<String, Object> v = new LinkedHashMap<>();
        int third = samples.size() / 3;
        if (third < 1) {
            v.put("flat", "unknown");
            v.put(
                    "note",
                    "too few samples (" + samples.size() + ") to compare thirds; run longer or sample more often");
            return v;
        }
        boolean allFlat = true;
        for (String key : List.of("checkpoint_full_bytes", "rocksdb_live_bytes", "heap_live_mib", "rss_mib", "lag")) {
            double middle = mean(samples.subList(third, 2 * third), key);
            double last = mean(samples.subList(samples.size() - third, samples.size()), key);
            double growth = middle <= 0 ? (last <= 0 ? 0 : Double.POSITIVE_INFINITY) : (last - middle) / middle;
            // the lag is judged in absolute terms: a few records either way is flat
            boolean flat = key.equals("lag") ? last - middle < 1000 : growth <= tolerance;
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("middle_third_mean", Math.round(middle));
            s.put("last_third_mean", Math.round(last));
            s.put("growth", Double.isInfinite(growth) ? "inf" : BenchMain.round(growth, 3));
            s.put("flat", flat);
            v.put(key, s);
            allFlat &= flat;
        }
        v.put("flat", allFlat);
        return v;
    }

    private static double mean(List<Map<String, Object>> samples, String key) {
        return samples.stream()
                .mapToDouble(s -> ((Number) s.get(key)).doubleValue())
                .average()
                .orElse(0);
    }
}
