package io.cxstream.io;

import io.cxstream.avro.DeadLetterReason;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Names of the job's own metrics, in one place. Key/value metric groups become Prometheus labels
 * under Flink's Prometheus reporter, and their <em>keys</em> also become part of the metric name, in
 * registration order (e.g. {@code cx_events_in} with groups input, type is
 * {@code flink_taskmanager_job_task_operator_input_type_cx_events_in{input="feedback",type="NPS"}};
 * verified by PrometheusITCase, listed in the README's "Metrics").
 * Label values come from closed enums, or from a bounded set (the Voice-of-Customer touchpoints,
 * see {@code metrics.max-touchpoints}), so cardinality is bounded.
 */
public final class Metrics {
    private Metrics() {}

    public static final String EVENTS_IN = "cx_events_in";
    public static final String DEAD_LETTERS = "cx_dead_letters";
    public static final String LATE_EVENTS = "cx_late_events";
    public static final String OUTREACH_EMITTED = "cx_outreach_emitted";
    public static final String OUTREACH_SUPPRESSED = "cx_outreach_suppressed";
    public static final String ALERT_LATENCY = "cx_alert_latency_millis";
    /** Net Promoter Score over the recent answers, -100..100 (Voice-of-Customer gauge). */
    public static final String NPS = "cx_nps";
    /** Average CSAT over the recent answers, normalised 0-100 (Voice-of-Customer gauge). */
    public static final String CSAT = "cx_csat";
    /** Average CES over the recent answers, normalised 0-100, 100 = least effort (Voice-of-Customer gauge). */
    public static final String CES = "cx_ces";

    public static Counter deadLetterCounter(MetricGroup group, DeadLetterReason reason) {
        return group.addGroup("reason", reason.name()).counter(DEAD_LETTERS);
    }

    /** The type label of an event: interaction type, feedback metric or consent action. */
    public static String typeOf(CxEvent event) {
        if (event.interaction != null) {
            return event.interaction.getType().name();
        }
        if (event.feedback != null) {
            return event.feedback.getMetric().name();
        }
        return event.consent.getAction().name();
    }
}
