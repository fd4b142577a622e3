package io.cxstream.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The harness's own arithmetic: the lag trend that decides "keeps up", the soak verdict, options, intended send times, CPU accounting. */
class BenchLogicTest {

    private static List<double[]> lagSamples(double slope, double start) {
        List<double[]> s = new ArrayList<>();
        for (int t = 0; t < 20; t++) {
            double sent = 1000.0 * t;
            double lag = start + slope * t;
            s.add(new double[] {t, sent, sent - lag, lag});
        }
        return s;
    }

    @Test
    void lagTrendMeasuresTheSlopeAfterTheSkippedStart() {
        // lag 5000 in the first quarter (start-up), then growing by exactly 50 events/s
        List<double[]> samples = lagSamples(50, 100);
        for (int t = 0; t < 5; t++) {
            samples.get(t)[3] = 5000;
        }
        LagTrend trend = LagTrend.of(samples, 0.25);
        assertThat(trend.slope()).isCloseTo(50.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(trend.lastThird()).isGreaterThan(trend.firstThird());
        assertThat(trend.readRate()).isCloseTo(950.0, org.assertj.core.data.Offset.offset(1e-9));
        // 50/s is 5 % of 1000 events/s, and the lag ends near 1 s of input: fell behind; at 5000 events/s it is 1 %:
        // kept up
        assertThat(trend.keptUp(1000)).isFalse();
        assertThat(trend.keptUp(5000)).isTrue();
    }

    @Test
    void aNoisyButSmallLagCountsAsKeepingUp() {
        // slope 25/s on 1000 events/s (2.5 %), but the lag stays under half a second of input
        LagTrend trend = LagTrend.of(lagSamples(25, 0), 0.25);
        assertThat(trend.slope()).isCloseTo(25.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(trend.lastThird()).isLessThan(500);
        assertThat(trend.keptUp(1000)).isTrue();
    }

    @Test
    void aFlatLagHasSlopeZeroAndTheReadRateIsTheSendRate() {
        LagTrend trend = LagTrend.of(lagSamples(0, 300), 0.25);
        assertThat(trend.slope()).isZero();
        assertThat(trend.firstThird()).isEqualTo(300.0);
        assertThat(trend.lastThird()).isEqualTo(300.0);
        assertThat(trend.readRate()).isCloseTo(1000.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theFirstPacedAttemptProbesAboveTheDrainRateThenBacksOff() {
        // drain 10,000 events/s: probe at 1.1 x, then 0.9 x, then 0.8 x the previous rate
        assertThat(PrefilledSustain.attemptRates(10_000, 1.1, 0.9, 0.8, 3))
                .containsExactly(11_000.0, 9_000.0, 7_200.0, 5_760.0);
        assertThat(PrefilledSustain.attemptRates(10_000, 1.1, 0.9, 0.8, 3).get(0))
                .isGreaterThan(10_000.0);
        // never below 1 event/s, even from a tiny drain rate
        assertThat(PrefilledSustain.attemptRates(0.4, 1.1, 0.9, 0.8, 2)).containsExactly(1.0, 1.0, 1.0);
    }

    /** Runs a search against a job whose limit is {@code limit} events/s; returns the rates tried. */
    private static List<Double> search(SustainSearch search, double limit) {
        List<Double> tried = new ArrayList<>();
        for (double rate = search.next(); rate > 0; rate = search.next()) {
            tried.add(rate);
            search.result(rate, rate <= limit, rate);
        }
        return tried;
    }

    @Test
    void theSustainSearchHalvesTheBracketAroundTheLimitAfterTheFixedSteps() {
        // drain 10,000: probe 11,000 falls behind, 9,000 falls behind, 7,200 keeps up; then 8,100 and 8,550
        SustainSearch s = new SustainSearch(10_000, 1.1, 0.9, 0.8, 3, 2);
        assertThat(search(s, 8_600)).containsExactly(11_000.0, 9_000.0, 7_200.0, 8_100.0, 8_550.0);
        assertThat(s.sustained()).isEqualTo(8_550.0);
        // a limit just below a step: the fixed steps alone would say 7,200; refined, within a bracket of 450
        SustainSearch below = new SustainSearch(10_000, 1.1, 0.9, 0.8, 3, 2);
        assertThat(search(below, 8_999)).containsExactly(11_000.0, 9_000.0, 7_200.0, 8_100.0, 8_550.0);
        assertThat(below.sustained()).isEqualTo(8_550.0);
        SustainSearch fixed = new SustainSearch(10_000, 1.1, 0.9, 0.8, 3, 0);
        assertThat(search(fixed, 8_999)).containsExactly(11_000.0, 9_000.0, 7_200.0);
        assertThat(fixed.sustained()).isEqualTo(7_200.0);
    }

    @Test
    void theSustainSearchProbesHigherWhenNothingFellBehindAndStopsWhenTheBracketIsNarrow() {
        // the probe keeps up: the next probes 1.1 x higher (12,100 falls behind), then halves: 11,550
        SustainSearch up = new SustainSearch(10_000, 1.1, 0.9, 0.8, 3, 2);
        assertThat(search(up, 12_000)).containsExactly(11_000.0, 12_100.0, 11_550.0);
        assertThat(up.sustained()).isEqualTo(11_550.0);
        // bracket 9,000 .. 9,100 is within 2 %: no more attempts, whatever the budget
        SustainSearch narrow = new SustainSearch(10_000, 1.1, 0.9, 0.8, 3, 10);
        narrow.result(9_100, false, 9_100);
        narrow.result(9_000, true, 9_000);
        assertThat(narrow.next()).isEqualTo(-1);
        assertThat(narrow.sustained()).isEqualTo(9_000.0);
        // nothing keeps up: the fixed steps only, no refinement, nothing sustained
        SustainSearch none = new SustainSearch(10_000, 1.1, 0.9, 0.8, 3, 2);
        assertThat(search(none, 100)).containsExactly(11_000.0, 9_000.0, 7_200.0, 5_760.0);
        assertThat(none.sustained()).isEqualTo(-1);
    }

    @Test
    void theSustainSearchCountsWhatTheGeneratorAchievedAndKeepsTheHighestThatKeptUp() {
        SustainSearch s = new SustainSearch(10_000, 1.1, 0.9, 0.8, 3, 2);
        s.result(s.next(), true, 10_500); // the generator reached 10,500 of 11,000: that is what was shown
        assertThat(s.sustained()).isEqualTo(10_500.0);
        double higher = s.next();
        assertThat(higher).isEqualTo(11_550.0);
        s.result(higher, false, higher);
        double middle = s.next();
        assertThat(middle).isEqualTo(11_025.0);
        s.result(middle, false, middle); // noise: a lower rate fell behind; the higher one that kept up stays
        assertThat(s.next()).isEqualTo(-1);
        assertThat(s.sustained()).isEqualTo(10_500.0);
    }

    @Test
    void theCustomersWithStateAreCountedByReplayingTheDeterministicGenerator() {
        io.cxstream.generator.SimulatorConfig sim = PrefilledSustain.simulator(1_000, 42);
        long touched = PrefilledSustain.customersTouched(sim, 20_000);
        assertThat(touched)
                .isEqualTo(PrefilledSustain.customersTouched(sim, 20_000))
                .isPositive()
                .isLessThanOrEqualTo(1_000);
        assertThat(PrefilledSustain.customersTouched(sim, 10)).isLessThanOrEqualTo(10);
    }

    @Test
    void thePacedAttemptsDrawOnlyFromTheCustomersTheBacklogGaveState() {
        // 100,000 ids, a backlog touching part of them: a paced load from the pool stays on those customers
        io.cxstream.generator.SimulatorConfig backlog = PrefilledSustain.simulator(100_000, 42);
        java.util.BitSet touched = PrefilledSustain.touchedCustomers(backlog, 60_000);
        long[] pool = PrefilledSustain.pacedPool(touched);
        assertThat(pool).hasSize(touched.cardinality());
        assertThat(touched.cardinality()).isGreaterThan(1_000).isLessThan(100_000);
        io.cxstream.generator.CustomerSimulator paced =
                new io.cxstream.generator.CustomerSimulator(PrefilledSustain.simulator(100_000, 43).toBuilder()
                        .customerPool(pool)
                        .build());
        java.util.BitSet after = (java.util.BitSet) touched.clone();
        for (long i = 0; i < 60_000; i++) {
            after.set(Integer.parseInt(paced.next(i).customerId().substring(2)));
        }
        assertThat(after).isEqualTo(touched); // no new customer got state
        // control: the same seed over the whole id space adds customers
        java.util.BitSet whole = (java.util.BitSet) touched.clone();
        whole.or(PrefilledSustain.touchedCustomers(PrefilledSustain.simulator(100_000, 43), 60_000));
        assertThat(whole.cardinality()).isGreaterThan(touched.cardinality());
        // too few customers for the generator's journeys in flight: the whole id space
        java.util.BitSet few = new java.util.BitSet();
        few.set(0, 500);
        assertThat(PrefilledSustain.pacedPool(few)).isNull();
    }

    @Test
    void theOperatorIdOfAUidIsTheOneFlinkGenerates() {
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(1, 2)
                .keyBy(i -> i)
                .map(i -> i)
                .uid("journey")
                .name("journey")
                .sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        List<org.apache.flink.runtime.jobgraph.OperatorID> ids = new ArrayList<>();
        env.getStreamGraph()
                .getJobGraph()
                .getVertices()
                .forEach(v -> v.getOperatorIDs().forEach(p -> ids.add(p.getGeneratedOperatorID())));
        assertThat(ids).contains(TypicalState.operatorId("journey"));
    }

    @Test
    void theTypicalProfileCountsEventsUntilEnoughJourneysHaveEnded() {
        long events = TypicalState.eventsFor(1_000, 1_000);
        assertThat(events).isEqualTo(TypicalState.eventsFor(1_000, 1_000)).isGreaterThan(1_000);
        assertThat(TypicalState.perCustomer(Map.of("journey/journey", 5_000L, "total", 8_000L), 100))
                .containsEntry("journey/journey", 50.0)
                .containsEntry("total", 80.0);
    }

    private static Map<String, Object> sample(long checkpoint, long live, long heap, long rss, long lag) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("checkpoint_full_bytes", checkpoint);
        s.put("rocksdb_live_bytes", live);
        s.put("heap_live_mib", heap);
        s.put("rss_mib", rss);
        s.put("lag", lag);
        return s;
    }

    @Test
    void soakVerdictComparesTheLastThirdWithTheMiddleThird() {
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            // ramp-up in the first third, then flat, except the checkpoint, which keeps growing 40 % per third
            long checkpoint = i < 3 ? 100 * i : i < 6 ? 1000 : 1400;
            samples.add(sample(checkpoint, i < 3 ? 10 * i : 100, 200, 1000 + i, 50));
        }
        Map<String, Object> v = Soak.verdict(samples, 0.25);
        assertThat(v.get("flat")).isEqualTo(false);
        @SuppressWarnings("unchecked")
        Map<String, Object> cp = (Map<String, Object>) v.get("checkpoint_full_bytes");
        assertThat(cp)
                .containsEntry("middle_third_mean", 1000L)
                .containsEntry("last_third_mean", 1400L)
                .containsEntry("growth", 0.4)
                .containsEntry("flat", false);
        @SuppressWarnings("unchecked")
        Map<String, Object> live = (Map<String, Object>) v.get("rocksdb_live_bytes");
        assertThat(live).containsEntry("flat", true).containsEntry("growth", 0.0);
        @SuppressWarnings("unchecked")
        Map<String, Object> rss = (Map<String, Object>) v.get("rss_mib");
        assertThat(rss).containsEntry("flat", true);

        assertThat(Soak.verdict(samples.subList(0, 2), 0.25)).containsEntry("flat", "unknown");
    }

    @Test
    void theFullProfileRunsBothGuaranteesAtParallelismOneAndTwoAndTheQuickOneStaysSmall() {
        BenchOptions full = BenchOptions.parse();
        assertThat(full.guarantees()).containsExactly("exactly-once", "at-least-once");
        assertThat(full.parallelisms()).containsExactly(1, 2);
        assertThat(full.rateFractions()).containsExactly(0.1, 0.5, 0.8);
        assertThat(full.stateCustomers()).containsExactly(1_000_000L, 10_000_000L);
        assertThat(full.customers()).isEqualTo(1_000_000L);
        assertThat(full.phases()).containsExactly("limit", "throughput", "latency", "state", "jmh");
        assertThat(full.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(full.backlogPartitions()).isEqualTo(2);
        assertThat(full.probeFraction()).isEqualTo(1.1);
        assertThat(full.confirmFraction()).isEqualTo(0.9);
        assertThat(full.stateProfile()).isEqualTo("minimal");
        assertThat(BenchOptions.parse("--state-profile", "typical", "--probe-fraction", "1.2")
                        .stateProfile())
                .isEqualTo("typical");
        assertThatThrownBy(() -> BenchOptions.parse("--state-profile", "huge"))
                .hasMessageContaining("minimal, typical");

        BenchOptions quick = BenchOptions.parse("--quick", "--job", "outreach.cooldown=1m", "--soak", "2min");
        assertThat(quick.phases()).doesNotContain("jmh");
        assertThat(quick.parallelisms()).containsExactly(1);
        assertThat(quick.jobSettings()).containsEntry("outreach.cooldown", "1m");
        assertThat(quick.soak()).isEqualTo(Duration.ofMinutes(2));

        assertThatThrownBy(() -> BenchOptions.parse("--delivery", "twice"))
                .hasMessageContaining("exactly-once or at-least-once");
        assertThatThrownBy(() -> BenchOptions.parse("--phases", "latency")).hasMessageContaining("--rates");
        assertThatThrownBy(() -> BenchOptions.parse("--job", "novalue")).hasMessageContaining("key=value");
    }

    @Test
    void intendedTimesFollowTheScheduleWhateverTheActualSendTime() throws Exception {
        IntendedTimeClock clock = new IntendedTimeClock(100); // one event every 10 ms
        long first = clock.millis();
        Thread.sleep(200); // a stall: the next events are sent late
        long second = clock.millis();
        long third = clock.millis();
        assertThat(second - first).isEqualTo(10);
        assertThat(third - first).isEqualTo(20);
        assertThat(clock.maxBehindMillis()).isGreaterThanOrEqualTo(180);
    }

    @Test
    void threadCpuCountsWhatAThreadBurnedSinceTheSnapshotByItsFoldedName() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadCpuTimeSupported(), "thread CPU time");
        ThreadCpu before = ThreadCpu.now();
        long[] sink = new long[1];
        CountDownLatch burned = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        Thread burner = new Thread(
                () -> {
                    long x = 0;
                    // at least 200 ms of this thread's own CPU, however busy the machine is
                    while (mx.getCurrentThreadCpuTime() < 200_000_000L) {
                        x += x * 31 + 7;
                    }
                    burned.countDown();
                    try {
                        measured.await(); // alive when measured: groups are of live threads
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    sink[0] = x; // the loop's result is used
                },
                "cpu-burner-7 (1/1)#0");
        burner.start();
        burned.await();
        Map<String, Object> since = ThreadCpu.now().since(before, 1000, 50);
        measured.countDown();
        burner.join();

        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> threads = (Map<String, Map<String, Object>>) since.get("threads");
        assertThat(threads).containsKey("cpu-burner-N (N/N)#N");
        double cpu = ((Number) threads.get("cpu-burner-N (N/N)#N").get("cpu_s")).doubleValue();
        assertThat(cpu).isGreaterThanOrEqualTo(0.2).isLessThan(60);
        // per event: 1000 events, so at least 200 µs each
        assertThat(ThreadCpu.usPerEvent(since, "cpu-burner")).isGreaterThanOrEqualTo(200);
        assertThat(ThreadCpu.usPerEvent(since, "no-such-thread")).isEqualTo(-1);
        assertThat(((Number) since.get("process_cpu_s")).doubleValue()).isGreaterThanOrEqualTo(cpu - 0.01);
        if (Files.isReadable(Path.of("/proc/self/task"))) {
            // the kernel's name of a Java thread is its name cut to 15 characters: "cpu-burner-7 (1"
            @SuppressWarnings("unchecked")
            Map<String, Number> os = (Map<String, Number>) since.get("os_threads_cpu_s");
            assertThat(os).containsKey("cpu-burner-N (N");
            assertThat(os.get("cpu-burner-N (N").doubleValue())
                    .isGreaterThanOrEqualTo(0.19)
                    .isLessThan(60);
        }
    }
}
