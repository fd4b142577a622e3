package io.cxstream.bench;

import java.util.List;

/**
 * Throughput phase ({@link PrefilledSustain}): least-squares slope of the lag (events/s) over the samples after the
 * skipped start, the mean lag of the first and last thirds of them, and the job's read rate over them.
 */
record LagTrend(double slope, double firstThird, double lastThird, double readRate) {
    /** Confirmation runs: the job keeps up if its lag grows by less than this share of the input rate. */
    static final double MAX_LAG_SLOPE = 0.02;
    /**
     * Confirmation runs: the job also keeps up if its lag in the last third of the run stayed below this many seconds
     * of input (a short run's slope is noisy; a job that falls behind piles up more than this).
     */
    static final double MAX_LAG_SECONDS = 0.5;

    /** Whether a job fed at {@code rate} kept up: the lag grew slower than {@link #MAX_LAG_SLOPE}, or stayed small. */
    boolean keptUp(double rate) {
        return slope < MAX_LAG_SLOPE * rate || lastThird < MAX_LAG_SECONDS * rate;
    }

    static LagTrend of(List<double[]> samples, double skip) {
        List<double[]> s = samples.subList((int) (samples.size() * skip), samples.size());
        if (s.size() < 3) {
            return new LagTrend(0, 0, 0, 0);
        }
        double mt = 0;
        double ml = 0;
        for (double[] x : s) {
            mt += x[0];
            ml += x[3];
        }
        mt /= s.size();
        ml /= s.size();
        double num = 0;
        double den = 0;
        for (double[] x : s) {
            num += (x[0] - mt) * (x[3] - ml);
            den += (x[0] - mt) * (x[0] - mt);
        }
        int third = Math.max(1, s.size() / 3);
        double first =
                s.subList(0, third).stream().mapToDouble(x -> x[3]).average().orElse(0);
        double last = s.subList(s.size() - third, s.size()).stream()
                .mapToDouble(x -> x[3])
                .average()
                .orElse(0);
        double[] a = s.get(0);
        double[] b = s.get(s.size() - 1);
        double readRate = b[0] > a[0] ? (b[2] - a[2]) / (b[0] - a[0]) : 0;
        return new LagTrend(den == 0 ? 0 : num / den, first, last, readRate);
    }
}
