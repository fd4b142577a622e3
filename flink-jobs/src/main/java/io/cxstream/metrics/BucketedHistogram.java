package io.cxstream.metrics;

import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;

import java.util.Arrays;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * A Flink {@link Histogram} that counts values into fixed buckets, so that histograms of several subtasks can be
 * added up ({@code sum by (le)}) into a correct job-wide quantile, unlike quantiles of samples.
 *
 * <p>cx-stream's Prometheus reporter (module metrics-reporter) exports it as a Prometheus {@code histogram}. The
 * hand-over crosses class loaders (the reporter is a Flink plugin, this class is the job's), so it uses JDK and
 * Flink types only: {@link #getStatistics()} returns a {@link HistogramStatistics} that also implements
 * {@link Supplier}{@code <SortedMap<Double, Long>>} (inclusive upper bound → cumulative count, last bound
 * {@code +Infinity}), and whose {@link HistogramStatistics#getMean()} is exact. Any other Flink reporter sees an
 * ordinary histogram: count, min, max, mean and quantiles interpolated within the buckets.
 *
 * <p>One task thread updates it while the reporter reads: counters are atomic and a snapshot takes the total from
 * the bucket counts, so buckets and count always agree; the sum may miss an update that is under way.
 */
public final class BucketedHistogram implements Histogram {
    /**
     * Buckets for latencies measured in milliseconds, chosen for alerting: 10 ms to 60 s, finer between 1 s and
     * 10 s where event-to-alert latency lives (watermark delay plus processing), so that thresholds of 1, 2, 3, 5,
     * 10, 30 and 60 s fall on bucket bounds.
     */
    public static final long[] LATENCY_BOUNDS_MILLIS = {
        10, 25, 50, 100, 250, 500, 1_000, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000, 7_500, 10_000, 15_000, 20_000,
        30_000, 45_000, 60_000
    };

    private final long[] bounds;
    private final AtomicLongArray counts;
    private final AtomicLong sum = new AtomicLong();
    private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong max = new AtomicLong(Long.MIN_VALUE);

    /** @param upperBounds inclusive upper bounds, strictly ascending; a last bucket up to +Infinity is added */
    public BucketedHistogram(long... upperBounds) {
        if (upperBounds.length == 0) {
            throw new IllegalArgumentException("a bucketed histogram needs at least one bucket bound");
        }
        for (int i = 1; i < upperBounds.length; i++) {
            if (upperBounds[i] <= upperBounds[i - 1]) {
                throw new IllegalArgumentException(
                        "bucket bounds must be strictly ascending: " + Arrays.toString(upperBounds));
            }
        }
        this.bounds = upperBounds.clone();
        this.counts = new AtomicLongArray(upperBounds.length + 1);
    }

    /** A histogram of latencies in milliseconds with {@link #LATENCY_BOUNDS_MILLIS}; exported in seconds. */
    public static BucketedHistogram latencyMillis() {
        return new BucketedHistogram(LATENCY_BOUNDS_MILLIS);
    }

    @Override
    public void update(long value) {
        int i = Arrays.binarySearch(bounds, value);
        counts.incrementAndGet(i >= 0 ? i : -i - 1);
        sum.addAndGet(value);
        min.accumulateAndGet(value, Math::min);
        max.accumulateAndGet(value, Math::max);
    }

    @Override
    public long getCount() {
        long count = 0;
        for (int i = 0; i < counts.length(); i++) {
            count += counts.get(i);
        }
        return count;
    }

    @Override
    public HistogramStatistics getStatistics() {
        long[] snapshot = new long[counts.length()];
        for (int i = 0; i < snapshot.length; i++) {
            snapshot[i] = counts.get(i);
        }
        return new Statistics(bounds, snapshot, sum.get(), min.get(), max.get());
    }

    /** A snapshot; see the class comment for what the reporter reads of it. */
    static final class Statistics extends HistogramStatistics implements Supplier<SortedMap<Double, Long>> {
        private final long[] bounds;
        private final long[] counts;
        private final long total;
        private final long sum;
        private final long min;
        private final long max;

        Statistics(long[] bounds, long[] counts, long sum, long min, long max) {
            this.bounds = bounds;
            this.counts = counts;
            this.total = Arrays.stream(counts).sum();
            this.sum = sum;
            this.min = min;
            this.max = max;
        }

        /** Inclusive upper bound → cumulative count, the last bound +Infinity. */
        @Override
        public SortedMap<Double, Long> get() {
            TreeMap<Double, Long> cumulative = new TreeMap<>();
            long running = 0;
            for (int i = 0; i < bounds.length; i++) {
                running += counts[i];
                cumulative.put((double) bounds[i], running);
            }
            cumulative.put(Double.POSITIVE_INFINITY, total);
            return Collections.unmodifiableSortedMap(cumulative);
        }

        /**
         * The q-quantile interpolated linearly within its bucket, as Prometheus' histogram_quantile does; the first
         * bucket starts at the smallest value seen, the last (unbounded) one ends at the largest.
         */
        @Override
        public double getQuantile(double q) {
            if (total == 0) {
                return Double.NaN;
            }
            double rank = q * total;
            long below = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0 && below + counts[i] >= rank) {
                    return lower(i) + (upper(i) - lower(i)) * Math.max(0, rank - below) / counts[i];
                }
                below += counts[i];
            }
            return max;
        }

        /** Empty: a bucketed histogram keeps no individual values. */
        @Override
        public long[] getValues() {
            return new long[0];
        }

        @Override
        public int size() {
            return (int) Math.min(Integer.MAX_VALUE, total);
        }

        /** Exact: the sum of all values divided by their count. */
        @Override
        public double getMean() {
            return total == 0 ? 0 : (double) sum / total;
        }

        /** Estimated from the bucket midpoints (bucket counts are all that is kept). */
        @Override
        public double getStdDev() {
            if (total < 2) {
                return 0;
            }
            double mean = getMean();
            double squares = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0) {
                    double mid = (lower(i) + upper(i)) / 2;
                    squares += counts[i] * (mid - mean) * (mid - mean);
                }
            }
            return Math.sqrt(squares / (total - 1));
        }

        /** Bucket i holds values in (bounds[i-1], bounds[i]], narrowed to [min, max]. */
        private double lower(int i) {
            return i == 0 ? min : Math.max(bounds[i - 1], min);
        }

        private double upper(int i) {
            return i < bounds.length ? Math.min(bounds[i], max) : max;
        }

        @Override
        public long getMax() {
            return total == 0 ? 0 : max;
        }

        @Override
        public long getMin() {
            return total == 0 ? 0 : min;
        }
    }
}
