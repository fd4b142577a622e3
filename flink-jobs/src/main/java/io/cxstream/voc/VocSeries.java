package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.io.Metrics;

/**
 * One Voice-of-Customer time series: a metric and its two labels. Every series carries both labels;
 * {@value TouchpointLabels#ALL} marks the dimension a series aggregates over, e.g.
 * {@code cx_nps{channel="EMAIL",touchpoint="all"}}. Keeping the label set identical on every series of a
 * metric name is what Prometheus (and Flink's reporter, which keys its collectors by name) expects.
 */
record VocSeries(FeedbackMetric metric, String channel, String touchpoint) {

    /** The metric name, see {@link Metrics}. */
    String metricName() {
        switch (metric) {
            case NPS:
                return Metrics.NPS;
            case CSAT:
                return Metrics.CSAT;
            case CES:
                return Metrics.CES;
            default:
                throw new IllegalArgumentException("Unknown feedback metric " + metric);
        }
    }
}
