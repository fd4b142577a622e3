package io.cxstream.journey;

import io.cxstream.avro.FeedbackMetric;

/**
 * Scores survey answers as they arrive: the NPS bucket, and every metric on a common 0-100 scale
 * (higher is better) so that NPS, CSAT and CES can be compared and aggregated.
 */
public final class FeedbackScoring {
    private FeedbackScoring() {}

    /** The standard NPS bucket of a 0-10 score. */
    public static NpsCategory npsCategory(int score) {
        if (score < 0 || score > 10) {
            throw new IllegalArgumentException("NPS score out of range: " + score);
        }
        if (score >= 9) {
            return NpsCategory.PROMOTER;
        }
        return score >= 7 ? NpsCategory.PASSIVE : NpsCategory.DETRACTOR;
    }

    /**
     * The score on a 0-100 scale: NPS 0-10 → 0-100, CSAT 1-5 → 0-100, CES 1-7 → 0-100 (7 = least
     * effort = 100). Linear, rounded to the nearest integer.
     */
    public static int normalized(FeedbackMetric metric, int score) {
        switch (metric) {
            case NPS:
                return linear(score, 0, 10);
            case CSAT:
                return linear(score, 1, 5);
            case CES:
                return linear(score, 1, 7);
            default:
                throw new IllegalArgumentException("Unknown metric " + metric);
        }
    }

    private static int linear(int score, int min, int max) {
        if (score < min || score > max) {
            throw new IllegalArgumentException("score " + score + " outside " + min + ".." + max);
        }
        return Math.round((score - min) * 100f / (max - min));
    }
}
