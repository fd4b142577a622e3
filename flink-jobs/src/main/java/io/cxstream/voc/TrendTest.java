package io.cxstream.voc;

/**
 * Decides whether a recent score fell significantly below its baseline: both have at least the
 * minimum sample, the drop is at least {@code minDrop} score points (the effect size), and the drop
 * divided by its standard error √(Var recent + Var baseline) (the two windows share no answers, so
 * their estimates are independent) is at least {@code minZ} (a one-sided z-test; 3.09 ≈ p 0.001).
 * Because the test runs every minute, {@code minZ} is set well above a single test's 1.645; the
 * false-alarm rate that results is measured by the trend-alert benchmark.
 */
final class TrendTest {
    private final int minSample;
    private final double minDrop;
    private final double minZ;

    TrendTest(int minSample, double minDrop, double minZ) {
        this.minSample = minSample;
        this.minDrop = minDrop;
        this.minZ = minZ;
    }

    /** The z of the drop if it is significant, else NaN. */
    double significantDrop(VocStats recent, VocStats baseline) {
        if (!recent.sufficient(minSample) || !baseline.sufficient(minSample)) {
            return Double.NaN;
        }
        double drop = baseline.score - recent.score;
        if (drop < minDrop) {
            return Double.NaN;
        }
        double se = Math.sqrt(recent.variance + baseline.variance);
        double z = se > 0 ? drop / se : Double.POSITIVE_INFINITY;
        return z >= minZ ? z : Double.NaN;
    }
}
