package io.cxstream.bench;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;
import io.cxstream.voc.VocAggregateFunction;
import io.cxstream.voc.VocAnswer;
import io.cxstream.voc.VocConfig;
import io.cxstream.voc.VocDimension;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One run of the trend-alert benchmark: the production {@link VocAggregateFunction} in Flink's keyed operator
 * harness (heap state), fed synthetic NPS answers in event time for {@code streams} touchpoints.
 * <ul>
 *   <li>Stationary: every touchpoint keeps its NPS for the whole run. Every SCORE_DROP alert after the 7-day
 *       warm-up is a false alarm.
 *   <li>Drop: each touchpoint's NPS falls by {@code dropPoints} at a random time after the warm-up; the
 *       detection delay is the first alert's detection time minus the drop time (event time).
 * </ul>
 * Answers arrive as a Poisson process of {@code perHour} answers an hour per touchpoint.
 */
final class TrendAlertRun {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long DAY = 24 * HOUR;
    static final long T0 = 1_764_460_800_000L;

    record Result(int alerts, long dimensionMinutesTested, List<Long> delaysMillis, int missed) {}

    private TrendAlertRun() {}

    static Result run(
            VocConfig config,
            long seed,
            int streams,
            double perHour,
            long warmup,
            long measured,
            double dropPoints,
            boolean drop)
            throws Exception {
        Random random = new Random(seed);
        double[] promoter = new double[streams];
        double[] detractor = new double[streams];
        long[] dropAt = new long[streams];
        long[] next = new long[streams];
        for (int s = 0; s < streams; s++) {
            promoter[s] = 0.35 + 0.3 * random.nextDouble(); // NPS between about 5 and 55
            detractor[s] = 0.1 + 0.2 * random.nextDouble();
            dropAt[s] = drop ? T0 + warmup + (long) (random.nextDouble() * (measured - 12 * HOUR)) : Long.MAX_VALUE;
            next[s] = T0 + exponential(random, perHour);
        }
        long[] firstAlert = new long[streams];
        java.util.Arrays.fill(firstAlert, -1);
        int alerts = 0;
        long tested = 0;
        try (KeyedOneInputStreamOperatorTestHarness<String, VocAnswer, VocAggregate> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new VocAggregateFunction(config)),
                        a -> a.metric + "/" + a.dimension.label() + "/" + a.value,
                        Types.STRING)) {
            h.open();
            long end = T0 + warmup + measured;
            for (long minute = T0; minute < end; minute += MIN) {
                for (int s = 0; s < streams; s++) {
                    while (next[s] < minute + MIN) {
                        long t = next[s];
                        double p = promoter[s];
                        double d = detractor[s];
                        if (t >= dropAt[s]) { // an NPS drop of dropPoints: half fewer promoters, half more detractors
                            p = Math.max(0, p - dropPoints / 200.0);
                            d = Math.min(1 - p, d + dropPoints / 200.0);
                        }
                        double u = random.nextDouble();
                        int score =
                                u < p ? 9 + random.nextInt(2) : u < p + d ? random.nextInt(7) : 7 + random.nextInt(2);
                        VocAnswer a = new VocAnswer();
                        a.dimension = VocDimension.TOUCHPOINT;
                        a.value = "tp-" + s;
                        a.metric = FeedbackMetric.NPS;
                        a.score = score;
                        a.eventTime = t;
                        a.touchpoint = a.value;
                        h.processElement(new StreamRecord<>(a, t));
                        next[s] = t + exponential(random, perHour);
                    }
                }
                h.processWatermark(new Watermark(minute + MIN));
                if (minute >= T0 + warmup) {
                    tested += streams;
                }
                for (StreamRecord<VocTrendAlert> r : drain(h)) {
                    VocTrendAlert alert = r.getValue();
                    if (!alert.getKind().equals("SCORE_DROP")
                            || alert.getDetectedAt().toEpochMilli() < T0 + warmup) {
                        continue;
                    }
                    alerts++;
                    int s = Integer.parseInt(alert.getValue().substring(3));
                    if (firstAlert[s] < 0 && alert.getDetectedAt().toEpochMilli() >= dropAt[s]) {
                        firstAlert[s] = alert.getDetectedAt().toEpochMilli();
                    }
                }
                h.getOutput().clear();
            }
        }
        List<Long> delays = new ArrayList<>();
        int missed = 0;
        if (drop) {
            for (int s = 0; s < streams; s++) {
                if (firstAlert[s] < 0) {
                    missed++;
                } else {
                    delays.add(firstAlert[s] - dropAt[s]);
                }
            }
        }
        return new Result(alerts, tested, delays, missed);
    }

    private static List<StreamRecord<VocTrendAlert>> drain(
            KeyedOneInputStreamOperatorTestHarness<String, VocAnswer, VocAggregate> h) {
        var side = h.getSideOutput(VocAggregateFunction.ALERTS);
        List<StreamRecord<VocTrendAlert>> out = side == null ? List.of() : new ArrayList<>(side);
        if (side != null) {
            side.clear();
        }
        return out;
    }

    private static long exponential(Random random, double perHour) {
        return 1 + (long) (-Math.log(1 - random.nextDouble()) * HOUR / perHour);
    }

    static VocConfig config(double minDrop, double minZ, Duration cooldown) {
        return new VocConfig(true, "cx.voc", "cx.voc.alerts", 30, 200, Set.of(), minDrop, minZ, cooldown, Map.of());
    }
}
