package io.cxstream.voc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The scores and their 95 % intervals: exact on known histograms, and covering the true score about 95 % of the time. */
class VocStatsTest {

    @Test
    void npsIsPromotersMinusDetractorsInPercent() {
        long[] h = new long[11];
        h[10] = 50; // promoters
        h[8] = 30; // passives
        h[2] = 20; // detractors
        VocStats s = VocStats.of(ScoreScale.NPS, h);

        assertThat(s.count).isEqualTo(100);
        assertThat(s.score).isEqualTo(30.0);
        assertThat(s.promoters).isEqualTo(50);
        assertThat(s.passives).isEqualTo(30);
        assertThat(s.detractors).isEqualTo(20);
        assertThat(s.mean).isCloseTo((10 * 50 + 8 * 30 + 2 * 20) / 100.0, within(1e-9));
        // adjusted variance: p=(51/103), d=(21/103)
        double p = 51 / 103.0;
        double d = 21 / 103.0;
        double half = 1.959964 * 100 * Math.sqrt((p + d - (p - d) * (p - d)) / 103);
        assertThat(s.low()).isCloseTo(30 - half, within(1e-9));
        assertThat(s.high()).isCloseTo(30 + half, within(1e-9));
    }

    @Test
    void allPromotersStillHaveAnIntervalOfPositiveWidth() {
        long[] h = new long[11];
        h[9] = 40;
        VocStats s = VocStats.of(ScoreScale.NPS, h);
        assertThat(s.score).isEqualTo(100.0);
        assertThat(s.high()).isEqualTo(100.0);
        assertThat(s.low()).isLessThan(100.0);
    }

    @Test
    void csatAndCesAreMeansOnZeroToHundred() {
        long[] csat = {0, 0, 0, 1, 1}; // 4 and 5 → 75 and 100
        assertThat(VocStats.of(ScoreScale.CSAT, csat).score).isEqualTo(87.5);
        assertThat(VocStats.of(ScoreScale.CSAT, csat).mean).isEqualTo(4.5);
        long[] ces = {1, 0, 0, 0, 0, 0, 1}; // 1 and 7 → 0 and 100
        assertThat(VocStats.of(ScoreScale.CES, ces).score).isEqualTo(50.0);
    }

    /**
     * Property: for samples of n answers drawn from a known distribution, the 95 % interval contains the true
     * score in 93-97 % of 4,000 samples (the binomial spread of a correct 95 % interval over 4,000 trials is ±0.7 %).
     */
    @ParameterizedTest(name = "{0} n={1} distribution {2}")
    @CsvSource({
        "NPS, 30, '0.05,0,0,0,0,0.05,0.1,0.1,0.2,0.2,0.3'",
        "NPS, 100, '0.1,0.05,0.05,0.05,0.05,0.05,0.05,0.1,0.1,0.2,0.2'",
        "NPS, 400, '0,0,0,0,0,0,0.05,0.05,0.1,0.3,0.5'",
        "CSAT, 30, '0.1,0.1,0.2,0.3,0.3'",
        "CSAT, 200, '0.02,0.03,0.15,0.4,0.4'",
        "CES, 50, '0.05,0.05,0.1,0.2,0.2,0.2,0.2'"
    })
    void theIntervalCoversTheTrueScoreAboutNinetyFivePercentOfTheTime(String metric, int n, String distribution) {
        ScoreScale scale = ScoreScale.valueOf(metric);
        String[] parts = distribution.split(",");
        double[] probs = new double[parts.length];
        double trueScore = 0;
        for (int i = 0; i < parts.length; i++) {
            probs[i] = Double.parseDouble(parts[i]);
        }
        if (scale == ScoreScale.NPS) {
            trueScore = 100
                    * (probs[9]
                            + probs[10]
                            - (probs[0] + probs[1] + probs[2] + probs[3] + probs[4] + probs[5] + probs[6]));
        } else {
            for (int i = 0; i < probs.length; i++) {
                trueScore += probs[i] * scale.normalized(scale.min + i);
            }
        }
        Random random = new Random(n * 31L + metric.hashCode());
        int trials = 4000;
        int covered = 0;
        for (int trial = 0; trial < trials; trial++) {
            long[] h = new long[scale.bins()];
            for (int i = 0; i < n; i++) {
                double u = random.nextDouble();
                int bin = 0;
                while (bin < probs.length - 1 && u >= probs[bin]) {
                    u -= probs[bin];
                    bin++;
                }
                h[bin]++;
            }
            VocStats s = VocStats.of(scale, h);
            if (s.low() <= trueScore && trueScore <= s.high()) {
                covered++;
            }
        }
        assertThat(covered / (double) trials).isBetween(0.93, 0.975);
    }
}
