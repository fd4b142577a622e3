package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.cxstream.voc.VocHarness.HOUR;
import static io.cxstream.voc.VocHarness.MIN;
import static io.cxstream.voc.VocHarness.T0;
import static io.cxstream.voc.VocHarness.nps;
import static org.assertj.core.api.Assertions.assertThat;

/** Windows, minimum sample, late answers, goals, state bounds and restore of {@link VocAggregateFunction}. */
class VocAggregateFunctionTest {

    private static VocAggregate only(List<VocAggregate> out, String window) {
        List<VocAggregate> w =
                out.stream().filter(a -> a.getWindow().equals(window)).toList();
        assertThat(w).as(window + " records in " + out).hasSize(1);
        return w.get(0);
    }

    @Test
    void aMinuteIsEmittedWhenTheWatermarkPassesItsEndStampedWithTheEnd() throws Exception {
        try (VocHarness h = new VocHarness(VocHarness.config(2))) {
            h.send(nps("delivery", 10, T0 + 10_000));
            h.send(nps("delivery", 3, T0 + 50_000));
            h.send(nps("delivery", 8, T0 + 5_000)); // out of order within the minute
            h.watermark(T0 + MIN - 1);
            assertThat(h.take()).as("nothing before the minute closes").isEmpty();

            h.watermark(T0 + MIN);
            List<StreamRecord<VocAggregate>> records = h.takeRecords();
            assertThat(records).extracting(r -> r.getValue().getWindow()).containsExactly("1m", "1h", "24h", "7d");
            assertThat(records).allSatisfy(r -> {
                assertThat(r.getTimestamp()).as("record timestamp = window end").isEqualTo(T0 + MIN);
                assertThat(r.getValue().getWindowEnd().toEpochMilli()).isEqualTo(T0 + MIN);
                assertThat(r.getValue().getCount()).isEqualTo(3);
            });
            VocAggregate minute = records.get(0).getValue();
            assertThat(minute.getWindowStart().toEpochMilli()).isEqualTo(T0);
            assertThat(minute.getPromoters()).isEqualTo(1);
            assertThat(minute.getPassives()).isEqualTo(1);
            assertThat(minute.getDetractors()).isEqualTo(1);
            assertThat(minute.getDistribution())
                    .hasSize(11)
                    .containsExactly(0L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 1L, 0L, 1L);
            assertThat(minute.getScore()).isEqualTo(0.0);
            assertThat(minute.getDimension()).isEqualTo("touchpoint");
            assertThat(minute.getValue()).isEqualTo("delivery");
            assertThat(records.get(1).getValue().getWindowStart().toEpochMilli())
                    .isEqualTo(T0 + MIN - HOUR);
            assertThat(records.get(2).getValue().getWindowStart().toEpochMilli())
                    .isEqualTo(T0 - 23 * HOUR);
            assertThat(records.get(3).getValue().getWindowStart().toEpochMilli())
                    .isEqualTo(T0 - 167 * HOUR);
        }
    }

    /**
     * Property: over random answers spread across nine days (random minutes, scores, metrics, out of order
     * within the watermark's bound), every aggregate the function emits has exactly the counts of a brute-force
     * recount of the answers whose event time lies in [windowStart, windowEnd).
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void everyWindowCountsExactlyTheAnswersInsideIt(long seed) throws Exception {
        Random random = new Random(seed);
        List<VocAnswer> sent = new ArrayList<>();
        List<VocAggregate> out = new ArrayList<>();
        try (VocHarness h = new VocHarness(VocHarness.config(5))) {
            long t = T0;
            long end = T0 + 9 * 24 * HOUR;
            long wm = Long.MIN_VALUE;
            while (t < end) {
                t += (long) (random.nextDouble() * random.nextDouble() * 6 * HOUR); // bursts and gaps
                for (int i = random.nextInt(6); i >= 0; i--) {
                    FeedbackMetric metric = random.nextBoolean() ? FeedbackMetric.NPS : FeedbackMetric.CES;
                    int score = metric == FeedbackMetric.NPS ? random.nextInt(11) : 1 + random.nextInt(7);
                    long at = Math.max(
                            t - random.nextInt(20_000), wm + 1); // up to 20 s out of order, never behind the watermark
                    VocAnswer a = VocHarness.answer(
                            VocDimension.TOUCHPOINT, random.nextBoolean() ? "a" : "b", metric, score, at);
                    sent.add(a);
                    h.send(a);
                }
                wm = t - 20_000;
                h.watermark(wm);
                out.addAll(h.take());
            }
            h.watermark(end + 2 * HOUR);
            out.addAll(h.take());
        }
        assertThat(out).hasSizeGreaterThan(100);
        for (VocAggregate a : out) {
            long[] expected = new long[a.getMetric() == FeedbackMetric.NPS ? 11 : 7];
            int min = a.getMetric() == FeedbackMetric.NPS ? 0 : 1;
            for (VocAnswer s : sent) {
                if (s.metric == a.getMetric()
                        && s.value.equals(a.getValue())
                        && s.eventTime >= a.getWindowStart().toEpochMilli()
                        && s.eventTime < a.getWindowEnd().toEpochMilli()) {
                    expected[s.score - min]++;
                }
            }
            List<Long> exp = new ArrayList<>();
            long n = 0;
            for (long c : expected) {
                exp.add(c);
                n += c;
            }
            assertThat(a.getDistribution())
                    .as(a.getWindow() + " " + a.getValue() + " " + a.getMetric() + " ending " + a.getWindowEnd())
                    .isEqualTo(exp);
            assertThat(a.getCount()).isEqualTo(n);
        }
    }

    @Test
    void belowTheMinimumSampleThereIsNoScore() throws Exception {
        try (VocHarness h = new VocHarness(VocHarness.config(30))) {
            for (int i = 0; i < 29; i++) {
                h.send(nps("delivery", 10, T0 + i));
            }
            h.watermark(T0 + MIN);
            VocAggregate insufficient = only(h.take(), "1m");
            assertThat(insufficient.getCount()).isEqualTo(29);
            assertThat(insufficient.getSufficient()).isFalse();
            assertThat(insufficient.getScore()).isNull();
            assertThat(insufficient.getScoreLow()).isNull();
            assertThat(insufficient.getMean()).isNull();

            h.send(nps("delivery", 10, T0 + MIN));
            h.watermark(T0 + 2 * MIN);
            VocAggregate hour = only(h.take(), "1h");
            assertThat(hour.getCount()).isEqualTo(30);
            assertThat(hour.getSufficient()).isTrue();
            assertThat(hour.getScore()).isEqualTo(100.0);
            assertThat(hour.getScoreLow()).isLessThan(100.0).isGreaterThan(80.0);
            assertThat(hour.getScoreHigh()).isEqualTo(100.0);
        }
    }

    @Test
    void aLateAnswerWithinTheHourCorrectsItsMinuteAndCountsInTheNextRollingWindows() throws Exception {
        try (VocHarness h = new VocHarness(VocHarness.config(1))) {
            h.send(nps("delivery", 9, T0 + 1_000));
            h.watermark(T0 + MIN);
            assertThat(only(h.take(), "1m").getCount()).isEqualTo(1);

            h.send(nps("delivery", 2, T0 + 2_000)); // behind the watermark, in the minute already emitted
            h.watermark(T0 + MIN + 1);
            List<StreamRecord<VocAggregate>> corrected = h.takeRecords();
            assertThat(corrected).as("only the minute is emitted again").hasSize(1);
            assertThat(corrected.get(0).getTimestamp()).isEqualTo(T0 + MIN);
            assertThat(corrected.get(0).getValue().getWindow()).isEqualTo("1m");
            assertThat(corrected.get(0).getValue().getCount()).isEqualTo(2);
            assertThat(corrected.get(0).getValue().getDetractors()).isEqualTo(1);

            h.send(nps("delivery", 10, T0 + 5 * MIN));
            h.watermark(T0 + 6 * MIN);
            List<VocAggregate> next = h.take();
            assertThat(only(next, "1h").getCount())
                    .as("the late answer is in the rolling hour")
                    .isEqualTo(3);
            assertThat(only(next, "7d").getCount()).isEqualTo(3);
        }
    }

    @Test
    void anAnswerMoreThanAnHourBehindTheWatermarkIsDroppedNotMiscounted() throws Exception {
        try (VocHarness h = new VocHarness(VocHarness.config(1))) {
            h.send(nps("delivery", 9, T0 + 2 * HOUR));
            h.watermark(T0 + 2 * HOUR + MIN);
            h.take();
            h.send(nps("delivery", 0, T0 + 30 * MIN));
            h.send(nps("delivery", 10, T0 + 2 * HOUR + 2 * MIN));
            h.watermark(T0 + 2 * HOUR + 3 * MIN);
            List<VocAggregate> out = h.take();
            assertThat(out).extracting(VocAggregate::getWindow).containsExactly("1m", "1h", "24h", "7d");
            assertThat(only(out, "7d").getCount()).isEqualTo(2);
            assertThat(only(out, "7d").getDetractors()).isZero();
        }
    }

    @Test
    void aDayBelowTheGoalIsFlaggedAndAlertedOnce() throws Exception {
        VocConfig config = VocHarness.config(10, Map.of("touchpoint/delivery", 40.0));
        try (VocHarness h = new VocHarness(config)) {
            for (int m = 0; m < 120; m++) {
                h.send(nps("delivery", m % 2 == 0 ? 10 : 8, T0 + m * MIN)); // NPS 50
            }
            h.watermark(T0 + 120 * MIN);
            VocAggregate day = h.take().stream()
                    .filter(a -> a.getWindow().equals("24h"))
                    .reduce((a, b) -> b)
                    .orElseThrow();
            assertThat(day.getGoal()).isEqualTo(40.0);
            assertThat(day.getGoalGap()).isEqualTo(10.0);
            assertThat(day.getGoalMissedDay()).isFalse();
            assertThat(h.alerts()).isEmpty();

            for (int m = 120; m < 360; m++) {
                h.send(nps("delivery", 4, T0 + m * MIN));
            }
            h.watermark(T0 + 360 * MIN);
            List<VocAggregate> days =
                    h.take().stream().filter(a -> a.getWindow().equals("24h")).toList();
            assertThat(days.get(days.size() - 1).getGoalMissedDay()).isTrue();
            List<VocTrendAlert> goalAlerts = h.alerts().stream()
                    .filter(a -> a.getKind().equals("GOAL_MISSED"))
                    .toList();
            assertThat(goalAlerts).as("once a day").hasSize(1);
            assertThat(goalAlerts.get(0).getBaselineScore()).isEqualTo(40.0);
            assertThat(goalAlerts.get(0).getRecentScore()).isLessThan(40.0);

            h.send(VocHarness.answer(VocDimension.TOUCHPOINT, "delivery", FeedbackMetric.CSAT, 1, T0 + 360 * MIN));
            h.watermark(T0 + 361 * MIN);
            assertThat(h.take())
                    .filteredOn(a -> a.getMetric() == FeedbackMetric.CSAT)
                    .isNotEmpty()
                    .allSatisfy(a -> assertThat(a.getGoal())
                            .as("an NPS goal is not a CSAT goal")
                            .isNull());
        }
    }

    @Test
    void stateAndTimersAreGoneAWeekAfterTheLastAnswer() throws Exception {
        try (VocHarness h = new VocHarness(VocHarness.config(1))) {
            h.send(nps("delivery", 9, T0 + 1_000));
            h.send(nps("checkout", 9, T0 + 3 * HOUR));
            h.watermark(T0 + 4 * HOUR);
            assertThat(h.keysWithState())
                    .containsExactlyInAnyOrder("NPS/touchpoint/delivery", "NPS/touchpoint/checkout");
            h.watermark(T0 + 3 * HOUR + 7 * 24 * HOUR + 3 * HOUR);
            assertThat(h.keysWithState()).isEmpty();
            assertThat(h.timers()).isZero();
        }
    }

    /** A snapshot taken mid-stream and restored on a fresh RocksDB harness yields exactly what an uninterrupted run yields. */
    @Test
    void restoreFromSnapshotContinuesExactly() throws Exception {
        Random random = new Random(42);
        List<VocAnswer> answers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            answers.add(nps(random.nextBoolean() ? "delivery" : "support", random.nextInt(11), T0 + i * 7 * MIN));
        }
        List<VocAggregate> uninterrupted = new ArrayList<>();
        List<VocTrendAlert> uninterruptedAlerts;
        try (VocHarness h = new VocHarness(VocHarness.config(5))) {
            for (VocAnswer a : answers) {
                h.send(a);
                h.watermark(a.eventTime - 1);
                uninterrupted.addAll(h.take());
            }
            h.watermark(Long.MAX_VALUE);
            uninterrupted.addAll(h.take());
            uninterruptedAlerts = h.alerts();
        }

        List<VocAggregate> restored = new ArrayList<>();
        List<VocTrendAlert> restoredAlerts = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (VocHarness h = new VocHarness(VocHarness.config(5))) {
            for (VocAnswer a : answers.subList(0, 200)) {
                h.send(a);
                h.watermark(a.eventTime - 1);
                restored.addAll(h.take());
            }
            snapshot = h.snapshot(1);
            restoredAlerts.addAll(h.alerts());
        }
        try (VocHarness h = new VocHarness(VocHarness.config(5), snapshot)) {
            for (VocAnswer a : answers.subList(200, answers.size())) {
                h.send(a);
                h.watermark(a.eventTime - 1);
                restored.addAll(h.take());
            }
            h.watermark(Long.MAX_VALUE);
            restored.addAll(h.take());
            restoredAlerts.addAll(h.alerts());
        }
        assertThat(uninterrupted).hasSizeGreaterThan(400);
        assertThat(restored).isEqualTo(uninterrupted);
        assertThat(restoredAlerts).isEqualTo(uninterruptedAlerts);
    }
}
