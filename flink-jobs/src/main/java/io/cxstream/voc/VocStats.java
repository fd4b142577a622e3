package io.cxstream.voc;

/**
 * The statistics of one metric's answers in a window, from the histogram of raw scores: count, NPS
 * categories, mean, score, and the variance of the score's estimate with its 95 % interval.
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li><b>NPS</b> = 100 (P − D) / n, a difference of two proportions of one multinomial sample, so
 *   Var(NPS) = 100² (p + d − (p − d)²) / n. The plain (Wald) form collapses to zero width when every
 *   answer is a promoter; like Agresti–Coull for one proportion, the variance is taken with one
 *   pseudo-answer added to each category (p = (P+1)/(n+3), d = (D+1)/(n+3), n+3). The point
 *   estimate is not adjusted.
 *   <li><b>CSAT, CES</b>: the mean on the 0-100 scale, Var = s² / n with the sample variance s²
 *   (normal approximation; with a single answer s is taken as 50, the largest a 0-100 variable has).
 * </ul>
 * The interval is score ± 1.96 √Var, clipped to the score's range. It is a large-sample interval, which is
 * why scores below the minimum sample are not shown at all.
 */
final class VocStats {
    static final double Z95 = 1.959964;

    final ScoreScale scale;
    final long count;
    final long promoters;
    final long passives;
    final long detractors;
    final double mean;
    final double score;
    /** Variance of the score's estimate (score units squared). */
    final double variance;

    private VocStats(
            ScoreScale scale,
            long count,
            long promoters,
            long passives,
            long detractors,
            double mean,
            double score,
            double variance) {
        this.scale = scale;
        this.count = count;
        this.promoters = promoters;
        this.passives = passives;
        this.detractors = detractors;
        this.mean = mean;
        this.score = score;
        this.variance = variance;
    }

    static VocStats of(ScoreScale scale, long[] histogram) {
        long n = 0;
        double sumRaw = 0;
        double sumNorm = 0;
        for (int bin = 0; bin < histogram.length; bin++) {
            n += histogram[bin];
            sumRaw += histogram[bin] * (double) (scale.min + bin);
            sumNorm += histogram[bin] * scale.normalized(scale.min + bin);
        }
        if (n == 0) {
            return new VocStats(scale, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = sumRaw / n;
        if (scale == ScoreScale.NPS) {
            long d = sum(histogram, 0, 6);
            long pa = sum(histogram, 7, 8);
            long p = sum(histogram, 9, 10);
            double score = 100.0 * (p - d) / n;
            double pp = (p + 1.0) / (n + 3.0);
            double dd = (d + 1.0) / (n + 3.0);
            double variance = 10_000.0 * (pp + dd - (pp - dd) * (pp - dd)) / (n + 3.0);
            return new VocStats(scale, n, p, pa, d, mean, score, variance);
        }
        double score = sumNorm / n;
        double s2;
        if (n < 2) {
            s2 = 50.0 * 50.0;
        } else {
            double ss = 0;
            for (int bin = 0; bin < histogram.length; bin++) {
                double dev = scale.normalized(scale.min + bin) - score;
                ss += histogram[bin] * dev * dev;
            }
            s2 = ss / (n - 1);
        }
        return new VocStats(scale, n, 0, 0, 0, mean, score, s2 / n);
    }

    private static long sum(long[] histogram, int from, int to) {
        long s = 0;
        for (int i = from; i <= to; i++) {
            s += histogram[i];
        }
        return s;
    }

    double low() {
        return Math.max(scale.scoreMin, score - Z95 * Math.sqrt(variance));
    }

    double high() {
        return Math.min(scale.scoreMax, score + Z95 * Math.sqrt(variance));
    }

    boolean sufficient(int minSample) {
        return count > 0 && count >= minSample;
    }
}
