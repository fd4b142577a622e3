package io.cxstream.voc;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.journey.FeedbackScoring;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.NpsCategory;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;

/**
 * Running Voice-of-Customer scores, free of Flink: every feedback answer updates three series of its
 * metric — overall ({@code channel="all",touchpoint="all"}), its channel ({@code touchpoint="all"}) and
 * its touchpoint ({@code channel="all"}, bounded by {@link TouchpointLabels}).
 *
 * <p>Each series is the average over a count-based sliding window of its last {@code window} answers:
 * <ul>
 *   <li>NPS: each answer counts +100 (promoter, 9-10), 0 (passive, 7-8) or -100 (detractor, 0-6), so the
 *       average is promoters% − detractors%, -100..100.
 *   <li>CSAT and CES: the answer on the common 0-100 scale of {@link FeedbackScoring#normalized}
 *       (CSAT 1-5 → 0-100; CES 1-7 → 0-100 where 100 = least effort).
 * </ul>
 * A series exists from its first answer on; the {@link SeriesListener} hears of it once.
 */
public final class VoiceOfCustomerBoard {

    /** Told once about every new series, with a supplier of its current value (e.g. to register a gauge). */
    @FunctionalInterface
    public interface SeriesListener {
        void newSeries(String metricName, String channel, String touchpoint, DoubleSupplier value);
    }

    private final int window;
    private final TouchpointLabels touchpoints;
    private final SeriesListener listener;
    private final Map<VocSeries, SlidingAverage> series = new HashMap<>();

    public VoiceOfCustomerBoard(int maxTouchpoints, int window, SeriesListener listener) {
        this.window = window;
        this.touchpoints = new TouchpointLabels(maxTouchpoints);
        this.listener = listener;
    }

    /** Adds one feedback answer; interactions (no metric) are ignored. */
    public void record(JourneyEvent feedback) {
        if (feedback.metric == null) {
            return;
        }
        int value = valueOf(feedback);
        String channel = feedback.channel == null ? Channel.UNKNOWN.name() : feedback.channel.name();
        String touchpoint = touchpoints.labelOf(feedback.touchpoint);
        add(new VocSeries(feedback.metric, TouchpointLabels.ALL, TouchpointLabels.ALL), value);
        add(new VocSeries(feedback.metric, channel, TouchpointLabels.ALL), value);
        add(new VocSeries(feedback.metric, TouchpointLabels.ALL, touchpoint), value);
    }

    /** The current value of a series, empty if it has no answer yet. */
    public OptionalDouble value(FeedbackMetric metric, String channel, String touchpoint) {
        SlidingAverage avg = series.get(new VocSeries(metric, channel, touchpoint));
        return avg == null ? OptionalDouble.empty() : OptionalDouble.of(avg.value());
    }

    /** How many series exist (for cardinality checks). */
    public int seriesCount() {
        return series.size();
    }

    private void add(VocSeries key, int value) {
        SlidingAverage avg = series.get(key);
        if (avg == null) {
            avg = new SlidingAverage(window);
            series.put(key, avg);
            avg.add(value);
            listener.newSeries(key.metricName(), key.channel(), key.touchpoint(), avg::value);
            return;
        }
        avg.add(value);
    }

    /** The value an answer contributes to its metric's average. */
    static int valueOf(JourneyEvent feedback) {
        if (feedback.metric != FeedbackMetric.NPS) {
            return feedback.normalizedScore;
        }
        NpsCategory category = feedback.npsCategory != null ? feedback.npsCategory : FeedbackScoring.npsCategory(feedback.score);
        switch (category) {
            case PROMOTER:
                return 100;
            case DETRACTOR:
                return -100;
            default:
                return 0;
        }
    }
}
