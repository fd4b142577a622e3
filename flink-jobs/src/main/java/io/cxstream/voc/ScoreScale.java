package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.journey.FeedbackScoring;

/**
 * The raw answer scale of each metric and what the aggregates derive from it: histogram bins (one per
 * raw score, lowest first), the 0-100 normalisation of {@link FeedbackScoring#normalized}, and the
 * "low" answers an alert names touchpoints by (NPS detractors 0-6, CSAT 1-2, CES 1-3).
 */
enum ScoreScale {
    NPS(FeedbackMetric.NPS, 0, 10, 6, -100, 100),
    CSAT(FeedbackMetric.CSAT, 1, 5, 2, 0, 100),
    CES(FeedbackMetric.CES, 1, 7, 3, 0, 100);

    final FeedbackMetric metric;
    final int min;
    final int max;
    /** Raw scores at or below this are "low" answers. */
    final int lowAtMost;
    /** Range of the score (NPS -100..100, CSAT/CES 0..100). */
    final double scoreMin;

    final double scoreMax;

    ScoreScale(FeedbackMetric metric, int min, int max, int lowAtMost, double scoreMin, double scoreMax) {
        this.metric = metric;
        this.min = min;
        this.max = max;
        this.lowAtMost = lowAtMost;
        this.scoreMin = scoreMin;
        this.scoreMax = scoreMax;
    }

    /** The scale of a metric, or null for UNKNOWN (or a symbol a newer writer added). */
    static ScoreScale of(FeedbackMetric metric) {
        if (metric == null) {
            return null;
        }
        switch (metric) {
            case NPS:
                return NPS;
            case CSAT:
                return CSAT;
            case CES:
                return CES;
            default:
                return null;
        }
    }

    int bins() {
        return max - min + 1;
    }

    boolean accepts(int raw) {
        return raw >= min && raw <= max;
    }

    int bin(int raw) {
        return raw - min;
    }

    boolean isLow(int raw) {
        return raw <= lowAtMost;
    }

    /** A raw score on the 0-100 scale, exact (the journey's {@link FeedbackScoring#normalized} rounds to an int). */
    double normalized(int raw) {
        return (raw - min) * 100.0 / (max - min);
    }
}
