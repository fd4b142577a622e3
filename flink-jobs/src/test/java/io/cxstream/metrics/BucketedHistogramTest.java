package io.cxstream.metrics;

import org.apache.flink.metrics.HistogramStatistics;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BucketedHistogramTest {

    @Test
    void boundsAreInclusiveAndCountsCumulative() {
        BucketedHistogram h = new BucketedHistogram(10, 100);
        for (long v : new long[] {0, 10, 11, 100, 101, 5_000}) {
            h.update(v);
        }

        SortedMap<Double, Long> buckets = buckets(h.getStatistics());

        Map<Double, Long> expected = new TreeMap<>(Map.of(10.0, 2L, 100.0, 4L, Double.POSITIVE_INFINITY, 6L));
        assertThat(buckets).isEqualTo(expected);
        assertThat(h.getCount()).isEqualTo(6);
        HistogramStatistics s = h.getStatistics();
        assertThat(s.size()).isEqualTo(6);
        assertThat(s.getMean() * s.size()).isCloseTo(5_222, within(1e-9));
        assertThat(s.getMin()).isZero();
        assertThat(s.getMax()).isEqualTo(5_000);
    }

    @Test
    void quantilesInterpolateWithinTheBucketAsHistogramQuantileDoes() {
        BucketedHistogram h = new BucketedHistogram(10, 25, 50, 100);
        for (long v = 1; v <= 100; v++) {
            h.update(v);
        }
        HistogramStatistics s = h.getStatistics();
        // rank 50 of 100 is the last value of (25, 50]: 25 + 25 * 25/25
        assertThat(s.getQuantile(0.5)).isCloseTo(50, within(1e-9));
        // rank 99: (50, 100] holds 50 values, 49 of them up to rank 99 → 50 + 50 * 49/50
        assertThat(s.getQuantile(0.99)).isCloseTo(99, within(1e-9));
        // the first bucket starts at the smallest value seen: rank 5 of (1, 10] holding 10 values
        assertThat(s.getQuantile(0.05)).isCloseTo(1 + 9 * 0.5, within(1e-9));
        assertThat(s.getValues()).isEmpty();
    }

    @Test
    void anEmptyHistogramHasAllBucketsAtZero() {
        HistogramStatistics s = BucketedHistogram.latencyMillis().getStatistics();
        SortedMap<Double, Long> buckets = buckets(s);
        assertThat(buckets).hasSize(BucketedHistogram.LATENCY_BOUNDS_MILLIS.length + 1);
        assertThat(buckets.values()).containsOnly(0L);
        assertThat(buckets.firstKey()).isEqualTo(10.0);
        assertThat(buckets.headMap(Double.POSITIVE_INFINITY).lastKey()).isEqualTo(60_000.0);
        assertThat(s.size()).isZero();
        assertThat(s.getMean()).isZero();
        assertThat(s.getQuantile(0.99)).isNaN();
    }

    @Test
    void boundsMustBeAscending() {
        assertThatThrownBy(() -> new BucketedHistogram(10, 10)).hasMessageContaining("strictly ascending");
        assertThatThrownBy(BucketedHistogram::new).hasMessageContaining("at least one");
    }

    /** What the reporter reads: the statistics are a Supplier of a SortedMap (JDK types only). */
    @SuppressWarnings("unchecked")
    private static SortedMap<Double, Long> buckets(HistogramStatistics statistics) {
        assertThat(statistics).isInstanceOf(Supplier.class);
        Object buckets = ((Supplier<?>) statistics).get();
        assertThat(buckets).isInstanceOf(SortedMap.class);
        return (SortedMap<Double, Long>) buckets;
    }
}
