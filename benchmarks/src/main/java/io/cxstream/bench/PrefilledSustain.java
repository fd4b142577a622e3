package io.cxstream.bench;

import io.cxstream.config.CxConfig;
import io.cxstream.generator.CustomerSimulator;
import io.cxstream.generator.SimulatorConfig;
import io.cxstream.generator.TopicNames;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The throughput phase for one delivery guarantee at one parallelism: the sustained input rate of the job
 * <em>from pre-filled state</em>, probed from above (issue 10: "sustained means a paced run that also probes
 * above the drain rate and runs from pre-filled state").
 * <ol>
 *   <li><b>Backlog.</b> The run's own input topics get the backlog: {@code --events} events of the generator
 *       over {@code --customers} ids (the same deterministic events as the limit phase's preload).
 *   <li><b>Drain (estimate, {@link BacklogDrain}).</b> The job reads it from earliest; drain time = job RUNNING
 *       until the source has read it all and no operator's {@code numRecordsIn} changed for {@link #QUIET}. The job
 *       is <em>not</em> cancelled: its RocksDB now holds every customer of the backlog.
 *   <li><b>Paced attempts on the same job ({@link PacedAttempt}).</b> A paced load (never drops a slot, stamps
 *       intended times) is appended to the same input topics, drawn from the customers the backlog gave state
 *       (a new seed per attempt, so new event ids; {@link #pacedPool}), so the paced events read and write existing
 *       state and the number of customers with state stays what the drain left. The first attempt is at
 *       {@code --probe-fraction} (1.1) x the drain rate, above it; then {@code --confirm-fraction} (0.9) x, then
 *       {@link #CONFIRM_BACKOFF} x the previous rate, until one keeps up ({@link LagTrend}); then up to
 *       {@code --sustain-refine} (2) more narrow the bracket between the highest rate that kept up and the lowest
 *       that fell behind ({@link SustainSearch}).
 *       Before each attempt the harness waits until the job has read everything appended so far and is quiet,
 *       so a failed probe's leftover does not count against the next attempt.
 * </ol>
 * <p>Why keep the drain job running rather than cancel it and restore a paced job from its retained checkpoint:
 * a restored job pays a restore (RocksDB files copied back, JIT cold) inside the short paced run; the last
 * retained checkpoint trails the drain by up to one interval, so the restored source re-reads a tail of the
 * backlog whose size the harness does not know; and a second attempt restored from the same checkpoint would
 * first re-read the first attempt's events, appended to the same topics (a restored Kafka source keeps its
 * topics and splits). The running job has none of these: its state is exactly the drained state, and its
 * source position is exactly the end of what it read.
 * <p><b>Lag.</b> {@link JobProgress#recordsRead} sums {@code currentOffset + 1} over partitions: absolute
 * offsets, so after the drain it already counts the whole backlog. The lag of an attempt is therefore the
 * broker's end offsets of the input topics (everything sent, backlog included) minus that sum, sampled each
 * second; "sent" and "read" in the samples are counted from the attempt's start (the end offsets when it began).
 * Every partition of the backlog has been read before an attempt starts, so no partition is missing from the sum.
 */
final class PrefilledSustain {
    /** The first paced attempt probes at this × the drain rate (above it). */
    static final double PROBE_FRACTION = 1.1;
    /** The job is done with the backlog when no operator's numRecordsIn changed for this long. */
    static final Duration QUIET = Duration.ofSeconds(1);
    /** Confirmation runs: the first part of a run is not judged (job start, JIT, first checkpoints). */
    static final double CONFIRM_SKIP = 0.25;
    /** Confirmation runs: after a failed attempt the next is at this share of the rate. */
    static final double CONFIRM_BACKOFF = 0.8;

    static final int CONFIRM_ATTEMPTS = 3;

    private final BenchMain bench;
    private final EmbeddedKafkaBroker broker;

    PrefilledSustain(BenchMain bench, EmbeddedKafkaBroker broker) {
        this.bench = bench;
        this.broker = broker;
    }

    /**
     * Target rates of the paced attempts: {@code probe} × drain first, then {@code confirm} × drain, then each
     * {@code backoff} × the one before; {@code 1 + backoffAttempts} rates in all, each at least 1 event/s.
     */
    static List<Double> attemptRates(
            double drainRate, double probe, double confirm, double backoff, int backoffAttempts) {
        List<Double> rates = new ArrayList<>();
        rates.add((double) Math.max(1, Math.round(probe * drainRate)));
        double rate = Math.max(1, Math.round(confirm * drainRate));
        for (int i = 0; i < backoffAttempts; i++) {
            rates.add(rate);
            rate = Math.max(1, Math.round(rate * backoff));
        }
        return rates;
    }

    /**
     * Distinct customers that a backlog of {@code events} events of the generator touches: replays the
     * generator (deterministic for a seed) without sending; these are the customers with state after the drain.
     */
    static long customersTouched(SimulatorConfig simulator, long events) {
        return touchedCustomers(simulator, events).cardinality();
    }

    /** The customer indexes a backlog of {@code events} events of the generator touches (see {@link #customersTouched}). */
    static BitSet touchedCustomers(SimulatorConfig simulator, long events) {
        CustomerSimulator sim = new CustomerSimulator(simulator);
        BitSet seen = new BitSet();
        String prefix = CustomerSimulator.customerId(0).replaceAll("0+$", "");
        for (long i = 0; i < events; i++) {
            seen.set(Integer.parseInt(sim.next(i).customerId().substring(prefix.length())));
        }
        return seen;
    }

    /**
     * The customers the paced attempts draw from: those the backlog gave state, so that the attempts
     * update existing state and the number of customers stays what the drain left (drawn from the whole
     * id space, each attempt would add new ones: session 17 counted 1.0M growing to 1.7M over six
     * attempts). Null (the whole id space) when the backlog touched too few for the generator's
     * journeys in flight.
     */
    static long[] pacedPool(BitSet touched) {
        if (touched.cardinality() <= SimulatorConfig.DEFAULT_IN_FLIGHT_JOURNEYS) {
            return null;
        }
        return touched.stream().asLongStream().toArray();
    }

    Map<String, Object> run(long events, String guarantee, int parallelism, long limitRate) throws Exception {
        BenchOptions options = bench.options();
        String run = "tp-" + BenchJobs.shortName(guarantee) + "-p" + parallelism;
        TopicNames topics = BenchJobs.inputTopics(run);
        Map<String, String> settings = new LinkedHashMap<>(BenchJobs.freshTopicSettings(run, topics));
        CxConfig config = bench.jobs().jobConfig(broker, run, guarantee, parallelism, settings);
        BenchJobs.createTopics(broker, parallelism, topics, config);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("delivery_guarantee", guarantee);
        m.put("parallelism", parallelism);
        try (KafkaConsumer<byte[], byte[]> consumer = BenchJobs.consumer(broker, null)) {
            bench.log(
                    "throughput %s p%d: preloading the run's backlog of %,d events (%,d customers) ...",
                    guarantee, parallelism, events, options.customers());
            BenchMain.Preloaded preloaded = bench.preload(broker, topics, events, options.customers());
            if (preloaded.failed() > 0) {
                throw new IllegalStateException(
                        run + ": " + preloaded.failed() + " of " + events + " backlog events failed to send");
            }
            long total = PacedAttempt.endOffsets(consumer, topics);
            String name = "cx-bench " + run;
            long submitted = System.nanoTime();
            JobClient job = bench.jobs().startJob(config, name, run);
            try {
                Map<String, Object> drain = new BacklogDrain(bench, broker)
                        .drain(job, name, config, total, guarantee, parallelism, run, submitted);
                BitSet touched = touchedCustomers(simulator(options.customers(), SimulatorConfig.DEFAULT_SEED), total);
                drain.put("customers_with_state", touched.cardinality());
                long[] pacedCustomers = pacedPool(touched);
                drain.put("paced_customers", pacedCustomers == null ? "the whole id space" : pacedCustomers.length);
                m.put("drain", drain);
                double drainRate = ((Number) drain.get("events_per_s")).doubleValue();
                PacedAttempt paced = new PacedAttempt(bench, broker, consumer, pacedCustomers);
                sustain(m, paced, job, name, topics, guarantee, parallelism, drainRate, limitRate);
            } finally {
                BenchJobs.cancel(job);
            }
        } finally {
            // free the disk before the next run: this run's backlog, paced events, checkpoints and RocksDB files
            broker.deleteTopics(
                    topics.interactions(),
                    topics.feedback(),
                    topics.consents(),
                    config.contactCenterTopic,
                    config.marketingTopic,
                    config.deadLetterTopic);
            BenchJobs.deleteQuietly(bench.jobs().checkpointDir(run));
            BenchJobs.deleteQuietly(bench.jobs().rocksDbDir(run));
        }
        m.put("method", method(options));
        return m;
    }

    static String method(BenchOptions options) {
        return "drain: the job reads the run's preloaded backlog (--events over --customers ids) from earliest; elapsed = job "
                + "RUNNING until the source has read it all (currentOffset metrics) and every operator's numRecordsIn stopped "
                + "changing. Sustain, from the drained (pre-filled) state: the same job keeps running and paced loads over the same "
                + "customers the backlog gave state are appended to the same topics, each for "
                + options.confirmDuration().toSeconds() + " s: first at "
                + options.probeFraction() + " x the drain rate (a probe above it), then " + options.confirmFraction()
                + " x, then " + CONFIRM_BACKOFF + " x the previous rate (up to " + CONFIRM_ATTEMPTS
                + " more runs) until one keeps up, then up to " + options.sustainRefine()
                + " more halve the bracket between the highest rate that kept up and the lowest that fell behind (or, if"
                + " none fell behind, probe " + options.probeFraction() + " x higher), until it is within "
                + Math.round(SustainSearch.NARROW_ENOUGH * 100)
                + " %; before each, the job first catches up. lag = the input topics' end offsets - "
                + "the source's positions, sampled each second; the job keeps up if the least-squares slope of the lag (after "
                + "the first " + Math.round(CONFIRM_SKIP * 100) + " %) is below "
                + Math.round(LagTrend.MAX_LAG_SLOPE * 100)
                + " % of the input rate, or its mean in the last third of the run is below " + LagTrend.MAX_LAG_SECONDS
                + " s of input. Sustained = the highest rate that kept up (every attempt is reported; if no attempt fell "
                + "behind, a lower bound: nothing higher was tried)";
    }

    private void sustain(
            Map<String, Object> m,
            PacedAttempt paced,
            JobClient job,
            String name,
            TopicNames topics,
            String guarantee,
            int parallelism,
            double drainRate,
            long limitRate)
            throws Exception {
        BenchOptions options = bench.options();
        SustainSearch search = new SustainSearch(
                drainRate,
                options.probeFraction(),
                options.confirmFraction(),
                CONFIRM_BACKOFF,
                CONFIRM_ATTEMPTS,
                options.sustainRefine());
        List<Object> attempts = new ArrayList<>();
        double lastRead = -1;
        boolean fellBehind = false;
        for (double rate = search.next(); rate > 0; rate = search.next()) {
            Map<String, Object> a = paced.run(job, name, topics, guarantee, parallelism, rate, attempts.size() + 1);
            a.put("fraction_of_drain", BenchMain.round(rate / drainRate, 3));
            attempts.add(a);
            boolean keptUp = (Boolean) a.get("kept_up");
            fellBehind |= !keptUp;
            // the generator may not reach a high target: then what it achieved is what was shown sustainable
            search.result(rate, keptUp, ((Number) a.get("achieved_events_per_s")).doubleValue());
            lastRead = ((Number) a.get("job_read_events_per_s")).doubleValue();
        }
        boolean confirmed = search.sustained() > 0;
        double sustained = confirmed ? search.sustained() : lastRead;
        m.put("confirm_runs", attempts);
        m.put("sustained_confirmed", confirmed);
        m.put("sustained_from_prefilled_state", true);
        m.put("sustained_is_lower_bound", confirmed && !fellBehind);
        m.put(
                "probe_above_drain_kept_up",
                !attempts.isEmpty() && (Boolean) ((Map<?, ?>) attempts.get(0)).get("kept_up"));
        m.put("sustained_events_per_s", Math.round(sustained));
        if (limitRate > 0) {
            m.put("ratio_to_limit", BenchMain.round(sustained / limitRate, 3));
            m.put("drain_ratio_to_limit", BenchMain.round(drainRate / limitRate, 3));
        }
        bench.log(
                "throughput %s p%d: drain %,.0f events/s, sustained from pre-filled state %,.0f events/s (%s)%s",
                guarantee,
                parallelism,
                drainRate,
                sustained,
                confirmed ? "confirmed: lag did not grow" : "NOT confirmed: last attempt's read rate",
                limitRate > 0 ? String.format(", %.2f x limit", sustained / limitRate) : "");
    }

    static SimulatorConfig simulator(long customers, long seed) {
        return SimulatorConfig.builder().customers(customers).seed(seed).build();
    }
}
