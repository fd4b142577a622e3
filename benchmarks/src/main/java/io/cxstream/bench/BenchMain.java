package io.cxstream.bench;

import io.cxstream.generator.SyntheticLoad;
import io.cxstream.generator.SyntheticLoadConfig;
import io.cxstream.generator.TopicNames;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.kafka.clients.producer.KafkaProducer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The end-to-end benchmark harness (issue: benchmarks), everything in this one JVM: an embedded
 * Kafka broker (KRaft), the cx-stream job on the Flink MiniCluster and the synthetic customer
 * generator. Phases, in order (each can be left out with {@code --phases}), one class each:
 * <ol>
 *   <li><b>limit</b> ({@link LimitPhase}): the rate a plain consumer reads and decodes the preloaded backlog (no Flink).
 *   <li><b>throughput</b> ({@link PrefilledSustain}): per delivery guarantee and parallelism, the job drains the
 *       backlog, then paced runs from that pre-filled state find the sustained maximum.
 *   <li><b>latency</b> ({@link LatencyPhase}): per delivery guarantee and rate (fractions of that guarantee's
 *       sustained maximum), event-to-alert latency of a fresh job fed by a paced load.
 *   <li><b>state</b> ({@link StateScale}): checkpoint and savepoint size and duration per customer count.
 *   <li><b>jmh</b> ({@link Microbenchmarks}): the JMH microbenchmarks in {@code io.cxstream.bench.jmh}.
 * </ol>
 * {@code --soak} runs {@link Soak} instead. This class holds what every phase shares: the options, the work
 * directory, peak memory, the preload, the log and the result files; topics and jobs are {@link BenchJobs}.
 * Writes {@code cx-bench-<time>.json} and {@code .md} into {@code --out}. See benchmarks/README.md.
 */
public final class BenchMain {
    private final BenchOptions options;
    private final PrintStream out;
    private final Path workDir;
    private final ProcessMemory memory = new ProcessMemory();
    private final BenchJobs jobs;

    BenchMain(BenchOptions options, PrintStream out) throws IOException {
        this.options = options;
        this.out = out;
        this.workDir = Files.createTempDirectory("cx-bench-");
        this.jobs = new BenchJobs(options, workDir);
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

    /** Starts the run's jobs and loads. */
    BenchJobs jobs() {
        return jobs;
    }

    /** What a preload sent, and how many sends failed. */
    record Preloaded(long sent, long failed) {}

    /**
     * Preloads {@code events} events of the generator (default seed, {@code customers} ids) into {@code topics} as fast
     * as it goes, stamped by a {@link BacklogClock} ending now. The same arguments always give the same events.
     */
    Preloaded preload(EmbeddedKafkaBroker broker, TopicNames topics, long events, long customers)
            throws InterruptedException {
        long t0 = System.nanoTime();
        // Not idempotent, one request in flight (as StateScale's preload): ordered, and immune to the
        // OUT_OF_ORDER_SEQUENCE_NUMBER rejections an idempotent producer met on the embedded broker under load
        // (a few dozen events of a 1M backlog lost, and the run failed).
        SyntheticLoadConfig preload = jobs.loadConfig(broker, topics, 0, customers)
                .maxEvents(events)
                .producerProperty("enable.idempotence", "false")
                .producerProperty("max.in.flight.requests.per.connection", "1")
                .build();
        BacklogClock clock = new BacklogClock(System.currentTimeMillis(), events);
        try (SyntheticLoad load = new SyntheticLoad(
                preload,
                new KafkaProducer<>(SyntheticLoad.producerProperties(preload)),
                clock,
                System::nanoTime,
                LockSupport::parkNanos)) {
            Thread thread = new Thread(load, "bench-preload");
            thread.start();
            while (!load.awaitFinished(Duration.ofSeconds(2))) {
                log("preloaded %,d of %,d events (%,.0f events/s)", load.sent(), events, load.sent() / seconds(t0));
            }
            thread.join();
            return new Preloaded(load.sent(), load.failed());
        }
    }

    /** Runs every selected phase; returns the JSON and Markdown files written. */
    List<Path> run() throws Exception {
        long started = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", Instant.now().toString());
        result.put("profile", options.quick() ? "quick" : "full");
        result.put("environment", RunInfo.environment());
        result.put("options", optionsMap());
        try {
            boolean needsKafka = options.phases().stream().anyMatch(p -> !p.equals("jmh"));
            if (needsKafka) {
                log("starting Kafka (KRaft, in this JVM) ...");
            }
            try (EmbeddedKafkaBroker broker =
                    needsKafka ? EmbeddedKafkaBroker.builder().port(0).start() : null) {
                long limitRate = -1;
                long backlogEvents = -1;
                if (options.phases().contains("limit") || options.phases().contains("throughput")) {
                    memory.reset();
                    Map<String, Object> limit = new LimitPhase(this, broker).run();
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
                            Map<String, Object> t = survive(
                                    runs,
                                    Map.of("delivery_guarantee", guarantee, "parallelism", p),
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
                            survive(
                                    latency,
                                    Map.of("delivery_guarantee", guarantee, "target_events_per_s", Math.round(rate)),
                                    () -> new LatencyPhase(this, broker).run(i, guarantee, rate));
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
            result.put("memory", RunInfo.wholeRunMemory());
            result.put("wall_time_s", round((System.nanoTime() - started) / 1e9, 1));
            write("cx-bench", result, Report.markdown(result));
            throw e;
        } finally {
            BenchJobs.deleteQuietly(workDir);
        }
        result.put("memory", RunInfo.wholeRunMemory());
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
        opts.put("sustain_refine", options.sustainRefine());
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
            throw new IllegalStateException(
                    "latency: no sustained maximum was measured to take fractions of; give --rates");
        }
        List<Double> rates = new ArrayList<>();
        for (double f : options.rateFractions()) {
            rates.add((double) Math.max(1, Math.round(f * sustained)));
        }
        return rates;
    }

    /** Writes {@code <prefix>-<time>.json} and {@code .md} into --out and prints the Markdown. */
    List<Path> write(String prefix, Map<String, Object> result, String markdown) throws IOException {
        Files.createDirectories(options.out());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
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
