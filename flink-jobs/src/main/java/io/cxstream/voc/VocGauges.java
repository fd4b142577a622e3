package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.io.Metrics;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Voice-of-the-Customer gauges, fed from the 1h aggregates of the keys this subtask owns:
 * {@code cx_nps}, {@code cx_csat}, {@code cx_ces} (the last hour's score; NaN while the hour has fewer
 * answers than the minimum sample) and {@code cx_voc_answers} (the last hour's answer count), under the
 * metric groups {@code dimension=<d>} → {@code value=<v>} (so labels {@code dimension}, {@code value};
 * Flink's Prometheus reporter names them e.g. {@code …_dimension_value_cx_nps}). Each key lives on one
 * subtask, so a series comes from one subtask only. Only the configured dimensions get gauges, and the
 * cardinality guard bounds their values: at most 4 × |dimensions| × (voc.max-values + 1) series per metric.
 */
final class VocGauges {
    static final String ANSWERS = "cx_voc_answers";

    private static final class Holder {
        volatile double score = Double.NaN;
        volatile long answers;
    }

    private final MetricGroup group;
    private final Set<VocDimension> dimensions;
    private final Map<String, Holder> holders = new HashMap<>();

    VocGauges(MetricGroup group, Set<VocDimension> dimensions) {
        this.group = group;
        this.dimensions = dimensions;
    }

    void update(VocKey key, VocStats lastHour, boolean sufficient) {
        if (!dimensions.contains(key.dimension())) {
            return;
        }
        String id = key.asString();
        Holder h = holders.get(id);
        if (h == null) {
            Holder created = new Holder();
            MetricGroup g = group.addGroup("dimension", key.dimension().label()).addGroup("value", key.value());
            g.gauge(metricName(key.metric()), (Gauge<Double>) () -> created.score);
            g.addGroup("metric", key.metric().name()).gauge(ANSWERS, (Gauge<Long>) () -> created.answers);
            holders.put(id, created);
            h = created;
        }
        h.score = sufficient ? lastHour.score : Double.NaN;
        h.answers = lastHour.count;
    }

    static String metricName(FeedbackMetric metric) {
        switch (metric) {
            case NPS:
                return Metrics.NPS;
            case CSAT:
                return Metrics.CSAT;
            case CES:
                return Metrics.CES;
            default:
                throw new IllegalArgumentException("no gauge for " + metric);
        }
    }
}
