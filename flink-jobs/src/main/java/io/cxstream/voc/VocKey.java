package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;

/**
 * The key of the aggregation, {@code METRIC/dimension/value}: one metric of one dimension value. The
 * value may itself contain '/', so it is everything after the second separator.
 */
record VocKey(FeedbackMetric metric, VocDimension dimension, String value) {

    String asString() {
        return metric.name() + "/" + dimension.label() + "/" + value;
    }

    static VocKey parse(String key) {
        String[] parts = key.split("/", 3);
        return new VocKey(FeedbackMetric.valueOf(parts[0]), VocDimension.ofLabel(parts[1]), parts[2]);
    }
}
