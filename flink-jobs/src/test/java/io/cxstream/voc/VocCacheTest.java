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
import java.util.Random;

import static io.cxstream.voc.VocHarness.HOUR;
import static io.cxstream.voc.VocHarness.MIN;
import static io.cxstream.voc.VocHarness.T0;
import static io.cxstream.voc.VocHarness.nps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The aggregation's heap cache ({@link VocStore}): buckets held back until the next snapshot, and the
 * same aggregates, record times and alerts with any cache size, through restores at any point.
 */
class VocCacheTest {

    @Test
    void changedBucketsReachRocksDbAtTheNextSnapshotAndEverySnapshotHoldsThem() throws Exception {
        OperatorSubtaskState snapshot;
        try (VocHarness h = new VocHarness(VocHarness.config(1))) {
            h.send(nps("delivery", 3, T0 + 1_000));
            h.send(nps("checkout", 9, T0 + 2_000));
            h.send(nps("support", 7, T0 + 3_000));
            h.send(nps("support", 8, T0 + 4_000));
            assertThat(h.keysWithMinutesInBackend()).isEmpty();
            assertThat(h.cacheCounts()).as("hits, misses, writes").containsExactly(1, 3, 0);
            snapshot = h.snapshot(1);
            assertThat(h.keysWithMinutesInBackend())
                    .containsExactly("NPS/touchpoint/checkout", "NPS/touchpoint/delivery", "NPS/touchpoint/support");
            assertThat(h.cacheCounts()).as("one write per changed key").containsExactly(1, 3, 3);
            h.snapshot(2);
            assertThat(h.cacheCounts()).as("nothing changed since").containsExactly(1, 3, 3);
        }
        try (VocHarness h = new VocHarness(VocHarness.config(1), snapshot)) {
            h.watermark(T0 + MIN);
            List<VocAggregate> minutes = h.take().stream()
                    .filter(a -> a.getWindow().equals(VocWindows.MINUTE_LABEL))
                    .toList();
            assertThat(minutes)
                    .extracting(VocAggregate::getValue)
                    .containsExactlyInAnyOrder("checkout", "delivery", "support");
        }
    }

    @Test
    void aSeriesLeavingTheCacheIsWrittenUnderItsOwnKey() throws Exception {
        try (VocHarness h = new VocHarness(VocHarness.config(1), null, 1)) {
            h.send(nps("delivery", 3, T0 + 1_000));
            assertThat(h.keysWithMinutesInBackend()).isEmpty();
            h.send(nps("checkout", 9, T0 + 2_000)); // delivery leaves the one-series cache
            assertThat(h.keysWithMinutesInBackend()).containsExactly("NPS/touchpoint/delivery");
        }
    }

    /**
     * Property: random answers over several series (out of order within the watermark's bound, late
     * corrections, quiet hours) give the same aggregates with their record times and the same alerts
     * with no cache, a cache smaller than the series (evictions) and the job's, with a snapshot and a
     * restore on a fresh RocksDB harness at a random point.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void anyCacheSizeAndRestorePointGivesTheSameAggregates(long seed) throws Exception {
        List<VocAnswer> answers = history(new Random(seed));
        int restoreAt = 1 + new Random(seed * 31).nextInt(answers.size() - 1);
        Run expected = run(answers, 0, -1);
        assertThat(expected.records).hasSizeGreaterThan(100);
        for (int cache : new int[] {0, 1, 3, VocHarness.CACHE_KEYS}) {
            Run actual = run(answers, cache, restoreAt);
            assertThat(actual.records)
                    .as("cache " + cache + ", restored at " + restoreAt)
                    .isEqualTo(expected.records);
            assertThat(actual.alerts).as("cache " + cache).isEqualTo(expected.alerts);
        }
    }

    private record Run(List<String> records, List<VocTrendAlert> alerts) {}

    /** Each answer followed by a watermark 20 s behind the newest event time; restoreAt -1: no restore. */
    private static Run run(List<VocAnswer> answers, int cacheKeys, int restoreAt) throws Exception {
        List<String> records = new ArrayList<>();
        List<VocTrendAlert> alerts = new ArrayList<>();
        VocHarness h = new VocHarness(VocHarness.config(3), null, cacheKeys);
        try {
            long newest = Long.MIN_VALUE;
            for (int i = 0; i < answers.size(); i++) {
                if (i == restoreAt) {
                    OperatorSubtaskState snapshot = h.snapshot(1);
                    alerts.addAll(h.alerts());
                    h.close();
                    h = new VocHarness(VocHarness.config(3), snapshot, cacheKeys);
                }
                VocAnswer a = answers.get(i);
                h.send(a);
                newest = Math.max(newest, a.eventTime);
                h.watermark(newest - 20_000);
                collect(h, records);
            }
            h.watermark(Long.MAX_VALUE);
            collect(h, records);
            alerts.addAll(h.alerts());
        } finally {
            h.close();
        }
        return new Run(records, alerts);
    }

    private static void collect(VocHarness h, List<String> records) {
        for (StreamRecord<VocAggregate> r : h.takeRecords()) {
            records.add(r.getTimestamp() + " " + r.getValue());
        }
    }

    /** Bursts and gaps over three days on five touchpoints, two metrics, up to 20 s out of order. */
    private static List<VocAnswer> history(Random random) {
        String[] touchpoints = {"delivery", "checkout", "support", "app", "store"};
        List<VocAnswer> answers = new ArrayList<>();
        long t = T0;
        while (t < T0 + 3 * 24 * HOUR) {
            t += (long) (random.nextDouble() * random.nextDouble() * 3 * HOUR);
            for (int i = random.nextInt(8); i >= 0; i--) {
                FeedbackMetric metric = random.nextInt(4) == 0 ? FeedbackMetric.CSAT : FeedbackMetric.NPS;
                int score = metric == FeedbackMetric.NPS ? random.nextInt(11) : 1 + random.nextInt(5);
                String tp = touchpoints[random.nextInt(touchpoints.length)];
                long at = t - random.nextInt(20_000) + random.nextInt(3) * MIN;
                answers.add(VocHarness.answer(VocDimension.TOUCHPOINT, tp, metric, score, at));
            }
        }
        return answers;
    }
}
