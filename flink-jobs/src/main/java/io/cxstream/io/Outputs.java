package io.cxstream.io;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.RecoveryRate;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.voc.VocWindows;

/** How each Avro output is keyed, stamped and headed on its topic (outreach itself: {@link OutreachSerializationSchema}). */
public final class Outputs {
    private Outputs() {}

    /** Header of a dead letter: its reason. */
    public static final String REASON_HEADER = "cx-dead-letter-reason";
    /** Header of a VoC alert: its id, for consumers that deduplicate. */
    public static final String ALERT_ID_HEADER = "cx-alert-id";
    /** Header of an outreach status update: the outreach's id. */
    public static final String OUTREACH_ID_HEADER = OutreachSerializationSchema.OUTREACH_ID_HEADER;

    /** Dead letters keyed by their source topic, stamped when dead-lettered, the reason as a header. */
    public static AvroRecordSchema<DeadLetter> deadLetters(String topic, WireFormat format) {
        return AvroRecordSchema.of(
                        topic, format, DeadLetter.class, DeadLetter::getSourceTopic, DeadLetter::getDeadLetteredAt)
                .withHeader(REASON_HEADER, d -> d.getReason().name());
    }

    /**
     * Aggregates to the compacted {@code cx.voc} topic, stamped with their window end, keyed by {@link #vocAggregateKey}
     * so that compaction keeps what a reader wants.
     */
    public static AvroRecordSchema<VocAggregate> vocAggregates(String topic, WireFormat format) {
        return AvroRecordSchema.of(
                topic, format, VocAggregate.class, Outputs::vocAggregateKey, VocAggregate::getWindowEnd);
    }

    /**
     * {@code window/dimension/value/METRIC} for the rolling windows (the current value of each), and
     * {@code 1m/dimension/value/METRIC/<minute start millis>} for minutes (each minute once; a late answer's
     * corrected minute replaces the first one).
     */
    public static String vocAggregateKey(VocAggregate a) {
        String key = a.getWindow() + "/" + a.getDimension() + "/" + a.getValue() + "/" + a.getMetric();
        return VocWindows.MINUTE_LABEL.equals(a.getWindow())
                ? key + "/" + a.getWindowStart().toEpochMilli()
                : key;
    }

    /**
     * Trend alerts keyed by {@code dimension/value} (one dimension value's alerts stay in order on one partition),
     * stamped with their detection time, the alert id as a header.
     */
    public static AvroRecordSchema<VocTrendAlert> vocAlerts(String topic, WireFormat format) {
        return AvroRecordSchema.of(
                        topic,
                        format,
                        VocTrendAlert.class,
                        a -> a.getDimension() + "/" + a.getValue(),
                        VocTrendAlert::getDetectedAt)
                .withHeader(ALERT_ID_HEADER, VocTrendAlert::getAlertId);
    }

    /** Status updates keyed by customer (in order per customer), stamped with the update, the outreach id as a header. */
    public static AvroRecordSchema<OutreachUpdate> outreachUpdates(String topic, WireFormat format) {
        return AvroRecordSchema.of(
                        topic,
                        format,
                        OutreachUpdate.class,
                        OutreachUpdate::getCustomerId,
                        OutreachUpdate::getUpdatedAt)
                .withHeader(OUTREACH_ID_HEADER, OutreachUpdate::getOutreachId);
    }

    /** Recovery figures keyed by rule (the latest per key is the current one). */
    public static AvroRecordSchema<RecoveryRate> recoveryRates(String topic, WireFormat format) {
        return AvroRecordSchema.of(
                topic, format, RecoveryRate.class, RecoveryRate::getRuleId, RecoveryRate::getUpdatedAt);
    }
}
