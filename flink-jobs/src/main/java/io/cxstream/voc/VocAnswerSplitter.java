package io.cxstream.voc;

import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Turns one feedback event into one {@link VocAnswer} per dimension that has a value for it. Values are
 * trimmed; a value that is too long ({@value #MAX_VALUE_LENGTH} characters) or names a reserved value
 * ({@value VocDimension#ALL}, {@value VocDimension#OTHER}) is counted under {@value VocDimension#OTHER}.
 * Events with no metric, or a score outside the metric's scale (which validation dead-letters before
 * this), are skipped and counted in {@code cx_voc_skipped}: bad input never fails the job.
 */
public class VocAnswerSplitter extends RichFlatMapFunction<JourneyEvent, VocAnswer> {
    private static final long serialVersionUID = 1L;
    static final int MAX_VALUE_LENGTH = 100;
    static final String SKIPPED = "cx_voc_skipped";

    private transient Counter skipped;

    @Override
    public void open(OpenContext openContext) {
        skipped = getRuntimeContext().getMetricGroup().counter(SKIPPED);
    }

    @Override
    public void flatMap(JourneyEvent e, Collector<VocAnswer> out) {
        if (e.metric == null) {
            return;
        }
        ScoreScale scale = ScoreScale.of(e.metric);
        if (scale == null || !scale.accepts(e.score)) {
            if (skipped != null) {
                skipped.inc();
            }
            return;
        }
        for (VocDimension d : VocDimension.values()) {
            String raw = d.rawValue(e);
            if (raw == null || raw.isBlank()) {
                continue;
            }
            out.collect(new VocAnswer(d, clean(d, raw), e.metric, e.score, e.eventTime, e.touchpoint));
        }
    }

    static String clean(VocDimension d, String raw) {
        String v = raw.trim();
        if (d == VocDimension.OVERALL) {
            return VocDimension.ALL;
        }
        if (v.length() > MAX_VALUE_LENGTH || v.equals(VocDimension.ALL) || v.equals(VocDimension.OTHER)) {
            return VocDimension.OTHER;
        }
        return v;
    }
}
