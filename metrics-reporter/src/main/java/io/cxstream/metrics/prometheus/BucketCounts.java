package io.cxstream.metrics.prometheus;

import org.apache.flink.metrics.HistogramStatistics;

import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * Reads the buckets of a bucketed histogram handed over by the job.
 *
 * <p><b>The hand-over uses JDK and Flink types only</b>, because on a cluster this reporter lives in a plugin
 * class loader and the job's histogram class in the job's user class loader: neither can see the other's classes,
 * only those both get from Flink's parent-first packages and the JDK. A Flink {@link org.apache.flink.metrics.Histogram}
 * is <em>bucketed</em> when the {@link HistogramStatistics} its {@code getStatistics()} returns also implements
 * {@link Supplier}, and {@code get()} returns a {@link SortedMap} of {@link Number}s:
 * <ul>
 *   <li>key: an inclusive upper bound, in the unit of {@code Histogram.update(long)}, ascending; the last key is
 *       {@code +Infinity};
 *   <li>value: the cumulative count of values at or below that bound (so the last value is the total count);
 * </ul>
 * and {@link HistogramStatistics#getMean()} is the exact mean of all values, so that mean × count is their sum.
 * The statistics object is a snapshot: counts, mean and size belong to the same moment. Histograms without it
 * (Flink's sampling histograms) are exported as summaries.
 */
final class BucketCounts {
    final double[] upperBounds;
    final long[] cumulativeCounts;
    final double sum;

    private BucketCounts(double[] upperBounds, long[] cumulativeCounts, double sum) {
        this.upperBounds = upperBounds;
        this.cumulativeCounts = cumulativeCounts;
        this.sum = sum;
    }

    long count() {
        return cumulativeCounts[cumulativeCounts.length - 1];
    }

    /** The buckets of {@code statistics}, or null if it is not bucketed (or breaks the contract above). */
    static BucketCounts of(HistogramStatistics statistics) {
        if (!(statistics instanceof Supplier<?> supplier)
                || !(supplier.get() instanceof SortedMap<?, ?> buckets)
                || buckets.isEmpty()) {
            return null;
        }
        double[] bounds = new double[buckets.size()];
        long[] counts = new long[buckets.size()];
        int i = 0;
        for (Map.Entry<?, ?> bucket : buckets.entrySet()) {
            if (!(bucket.getKey() instanceof Number bound) || !(bucket.getValue() instanceof Number count)) {
                return null;
            }
            bounds[i] = bound.doubleValue();
            counts[i] = count.longValue();
            if (i > 0 && (bounds[i] <= bounds[i - 1] || counts[i] < counts[i - 1])) {
                return null;
            }
            i++;
        }
        if (bounds[bounds.length - 1] != Double.POSITIVE_INFINITY) {
            return null;
        }
        long total = counts[counts.length - 1];
        double sum = total == 0 ? 0 : statistics.getMean() * total;
        return new BucketCounts(bounds, counts, sum);
    }
}
