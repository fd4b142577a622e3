package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;

/**
 * One feedback answer as counted under one dimension: what the aggregation needs and nothing more
 * (no customer id, no comment). A Flink POJO.
 */
public class VocAnswer {
    public VocDimension dimension;
    public String value;
    public FeedbackMetric metric;
    /** Raw score on the metric's scale. */
    public int score;
    /** Event time, epoch millis. */
    public long eventTime;
    /** The answer's touchpoint (for the evidence of alerts), whatever the dimension. */
    public String touchpoint;

    public VocAnswer() {}

    VocAnswer(
            VocDimension dimension, String value, FeedbackMetric metric, int score, long eventTime, String touchpoint) {
        this.dimension = dimension;
        this.value = value;
        this.metric = metric;
        this.score = score;
        this.eventTime = eventTime;
        this.touchpoint = touchpoint;
    }

    /** The aggregation key, {@link VocKey}. */
    String aggregationKey() {
        return new VocKey(metric, dimension, value).asString();
    }

    @Override
    public String toString() {
        return "VocAnswer{" + dimension.label() + "=" + value + ", " + metric + "=" + score + ", t=" + eventTime + "}";
    }
}
