package io.cxstream.voc;

import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds the Avro outputs from window statistics. */
final class VocRecords {
    private VocRecords() {}

    static final String SCORE_DROP = "SCORE_DROP";
    static final String GOAL_MISSED = "GOAL_MISSED";
    static final String CX_TEAM = "CX_TEAM";
    static final int TOP_TOUCHPOINTS = 3;

    static VocAggregate aggregate(
            VocKey key, String window, long start, long end, long[] histogram, VocStats s, int minSample, Double goal) {
        boolean sufficient = s.sufficient(minSample);
        List<Long> distribution = new ArrayList<>(histogram.length);
        for (long c : histogram) {
            distribution.add(c);
        }
        return VocAggregate.newBuilder()
                .setWindow(window)
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(end))
                .setDimension(key.dimension().label())
                .setValue(key.value())
                .setMetric(key.metric())
                .setCount(s.count)
                .setPromoters(s.promoters)
                .setPassives(s.passives)
                .setDetractors(s.detractors)
                .setDistribution(distribution)
                .setSufficient(sufficient)
                .setMinSample(minSample)
                .setMean(sufficient ? s.mean : null)
                .setScore(sufficient ? s.score : null)
                .setScoreLow(sufficient ? s.low() : null)
                .setScoreHigh(sufficient ? s.high() : null)
                .setGoal(goal)
                .setGoalGap(sufficient && goal != null ? s.score - goal : null)
                .setGoalMissedDay(VocWindows.DAY_LABEL.equals(window) && sufficient && goal != null && s.score < goal)
                .build();
    }

    static VocTrendAlert drop(
            VocKey key, long end, VocStats recent, VocStats baseline, double z, List<String> topTouchpoints) {
        return base(SCORE_DROP, key, end, VocWindows.minuteCutoff(end), recent, topTouchpoints)
                .setBaselineStart(Instant.ofEpochMilli(VocWindows.baselineStart(end)))
                .setBaselineEnd(Instant.ofEpochMilli(VocWindows.baselineEnd(end)))
                .setBaselineCount(baseline.count)
                .setBaselineScore(baseline.score)
                .setBaselineLow(baseline.low())
                .setBaselineHigh(baseline.high())
                .setDrop(baseline.score - recent.score)
                .setZ(z)
                .build();
    }

    static VocTrendAlert goalMissed(VocKey key, long end, VocStats day, double goal, List<String> topTouchpoints) {
        return base(GOAL_MISSED, key, end, VocWindows.dayStart(end), day, topTouchpoints)
                .setBaselineScore(goal)
                .setDrop(goal - day.score)
                .build();
    }

    private static VocTrendAlert.Builder base(
            String kind, VocKey key, long end, long recentStart, VocStats recent, List<String> topTouchpoints) {
        return VocTrendAlert.newBuilder()
                .setAlertId(kind + "/" + key.dimension().label() + "/" + key.value() + "/" + key.metric() + "/" + end)
                .setKind(kind)
                .setAudience(CX_TEAM)
                .setDimension(key.dimension().label())
                .setValue(key.value())
                .setMetric(key.metric())
                .setDetectedAt(Instant.ofEpochMilli(end))
                .setRecentStart(Instant.ofEpochMilli(recentStart))
                .setRecentEnd(Instant.ofEpochMilli(end))
                .setRecentCount(recent.count)
                .setRecentScore(recent.score)
                .setRecentLow(recent.low())
                .setRecentHigh(recent.high())
                .setTopTouchpoints(topTouchpoints);
    }
}
