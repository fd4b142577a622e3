package io.cxstream.io;

import io.cxstream.avro.DeadLetterReason;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Names of the job's own metrics, in one place. cx-stream's Prometheus reporter (module metrics-reporter)
 * exports every metric named {@code cx_*}: the keys of key/value metric groups become labels and nothing
 * else, counters get {@code _total}, histograms named {@code *_millis} are exported in seconds
 * (e.g. {@code cx_events_in} with groups input, type is {@code cx_events_in_total{input="feedback",type="NPS",...}};
 * verified by PrometheusITCase, listed in docs/metrics.md).
 * Label values come from closed enums, or from a bounded set (the Voice-of-the-Customer dimension
 * values, see {@code voc.max-values}), so cardinality is bounded.
 *
 * <p>Every input record is accounted for at {@code route-input}, per input (interactions, feedback,
 * consents): {@code cx_records_in{input} == sum over type of cx_events_in{input,type}
 * + cx_records_dead_lettered{input}}, and the sum of {@code cx_records_dead_lettered} over inputs equals
 * the sum of {@code cx_dead_letters} over reasons. A difference would mean a record vanished; the
 * reconciliation is asserted by BadInputITCase. (Events later found behind the watermark are counted
 * in {@code cx_events_in} here and again in {@code cx_late_events} by the journey.)
 */
public final class Metrics {
    private Metrics() {}

    /** Every record read from an input topic, good or bad; label {@code input}. */
    public static final String RECORDS_IN = "cx_records_in";
    /** Valid events passed on to the journey; labels {@code input}, {@code type}. */
    public static final String EVENTS_IN = "cx_events_in";
    /** Records of an input sent to the dead-letter topic by decoding and validation; label {@code input}. */
    public static final String RECORDS_DEAD_LETTERED = "cx_records_dead_lettered";
    /** Records sent to the dead-letter topic by decoding and validation; label {@code reason}. */
    public static final String DEAD_LETTERS = "cx_dead_letters";

    public static final String LATE_EVENTS = "cx_late_events";
    public static final String OUTREACH_EMITTED = "cx_outreach_emitted";
    public static final String OUTREACH_SUPPRESSED = "cx_outreach_suppressed";
    /** OPT_OUTs that arrived after an outreach they would have suppressed (stamped at or before its decision point); label {@code purpose}. */
    public static final String CONSENT_AFTER_OUTREACH = "cx_consent_after_outreach";
    /** Events and consents of an erased customer stamped at or before the erasure, dropped by the journey (never dead-lettered). */
    public static final String ERASED_EVENTS_DROPPED = "cx_erased_events_dropped";
    /** Event time of the last evidence → emission, ms, a bucketed histogram; exported as {@code cx_alert_latency_seconds}. */
    public static final String ALERT_LATENCY = "cx_alert_latency_millis";
    /** Published rules rejected (bad JSON, type error, unknown field, limits); the reason is on cx.rules.status. */
    public static final String RULES_REJECTED = "cx_rules_rejected";
    /** Reads of a customer's value in the journey served from its heap cache (journey.cache-size), no RocksDB read. */
    public static final String JOURNEY_CACHE_HITS = "cx_journey_cache_hits";
    /** Reads of a customer's value in the journey that went to the state backend. */
    public static final String JOURNEY_CACHE_MISSES = "cx_journey_cache_misses";
    /** Writes of a customer's value to the journey's state backend (with the cache, at most one per customer per checkpoint). */
    public static final String JOURNEY_STATE_WRITES = "cx_journey_state_writes";
    /** Reads of a customer's value in the outreach decision served from its heap cache (no RocksDB read). */
    public static final String OUTREACH_CACHE_HITS = "cx_outreach_cache_hits";
    /** Reads of a customer's value in the outreach decision that went to the state backend. */
    public static final String OUTREACH_CACHE_MISSES = "cx_outreach_cache_misses";
    /** Writes (and clears) of a customer's value to the outreach decision's state backend. */
    public static final String OUTREACH_STATE_WRITES = "cx_outreach_state_writes";
    /** Rules enabled now (defaults and published). */
    public static final String RULES_ACTIVE = "cx_rules_active";
    /** Events of a customer that a rule with memory could not wait for (rules.max-pending reached). */
    public static final String RULE_EVENTS_DROPPED = "cx_rule_events_dropped";
    /** Net Promoter Score over the last hour, -100..100 (Voice-of-the-Customer gauge, see io.cxstream.voc.VocGauges). */
    public static final String NPS = "cx_nps";
    /** Average CSAT over the last hour, normalised 0-100 (Voice-of-the-Customer gauge). */
    public static final String CSAT = "cx_csat";
    /** Average CES over the last hour, normalised 0-100, 100 = least effort (Voice-of-the-Customer gauge). */
    public static final String CES = "cx_ces";

    /** Outreach whose lifecycle changed status; labels {@code status}, {@code route} (io.cxstream.loop). */
    public static final String OUTREACH_STATUS = "cx_outreach_status_changes";
    /** Open → acked, processing time, ms, a bucketed histogram (minutes to a day); exported as {@code cx_outreach_time_to_ack_seconds}. */
    public static final String TIME_TO_ACK = "cx_outreach_time_to_ack_millis";
    /** Missed times to ack (an escalation or an expiry); labels {@code route}, {@code priority}. */
    public static final String SLA_BREACHES = "cx_outreach_sla_breaches";
    /** Outreach open now (not acked, not ended) per subtask; label {@code priority}. Sum over subtasks. */
    public static final String OUTREACH_OPEN = "cx_outreach_open";
    /** Triggers held out of outreach for the uplift measurement; labels {@code trigger}, {@code route}. */
    public static final String OUTREACH_HELD_OUT = "cx_outreach_held_out";
    /** Acks and closes dead-lettered (malformed, unknown or ended outreach); label {@code reason}. */
    public static final String FEEDBACK_REJECTED = "cx_outreach_feedback_rejected";
    /** Acks and closes without effect (duplicate, out_of_order); label {@code reason}. */
    public static final String FEEDBACK_IGNORED = "cx_outreach_feedback_ignored";
    /** Recovery outcomes after the follow-up; labels {@code trigger}, {@code arm} (treated, held_out), {@code outcome}. */
    public static final String RECOVERY_OUTCOMES = "cx_recovery_outcomes";

    /** The {@code input} label of records whose topic is not one of the configured inputs (never expected). */
    public static final String UNKNOWN_INPUT = "unknown";

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
