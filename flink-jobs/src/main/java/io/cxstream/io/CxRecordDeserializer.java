package io.cxstream.io;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;
import io.cxstream.config.CxConfig;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.function.LongSupplier;

/**
 * Turns a Kafka record of any input topic into a {@link Decoded}: a validated {@link CxEvent}, or a
 * {@link DeadLetter} with the raw bytes, the record's coordinates and the reason. Never throws on
 * bad input, so no record can fail the job or vanish: exactly one {@link Decoded} per record.
 *
 * <p>Sizes are bounded before anything is decoded: a record over {@code validation.max-record-bytes}
 * is dead-lettered as TOO_LARGE unread, and Avro's own allocation limits are set to the same size
 * (at least 1 MiB, see {@link AvroLimits}), so a corrupt length prefix inside a small record cannot
 * make the decoder allocate more.
 * Nothing here logs: records and decoder messages may hold personal data.
 */
public class CxRecordDeserializer implements KafkaRecordDeserializationSchema<Decoded> {
    private static final long serialVersionUID = 1L;

    public static final String INTERACTIONS = "interactions";
    public static final String FEEDBACK = "feedback";
    public static final String CONSENTS = "consents";

    private final String interactionsTopic;
    private final String feedbackTopic;
    private final String consentsTopic;
    /** Null: auto-detect per record. */
    private final WireFormat format;

    private final int maxRecordBytes;
    private final EventValidator validator;
    private final LongSupplier clock;

    private final WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);
    private final WireCodec<FeedbackEvent> feedback = WireCodec.of(FeedbackEvent.class);
    private final WireCodec<ConsentEvent> consents = WireCodec.of(ConsentEvent.class);

    private transient boolean avroLimitsSet;

    public CxRecordDeserializer(CxConfig config) {
        this(
                config.interactionsTopic,
                config.feedbackTopic,
                config.consentsTopic,
                config.inputFormat,
                config.maxRecordBytes,
                EventValidator.of(config),
                (LongSupplier & java.io.Serializable) System::currentTimeMillis);
    }

    public CxRecordDeserializer(
            String interactionsTopic,
            String feedbackTopic,
            String consentsTopic,
            WireFormat format,
            int maxRecordBytes,
            EventValidator validator,
            LongSupplier clock) {
        this.interactionsTopic = interactionsTopic;
        this.feedbackTopic = feedbackTopic;
        this.consentsTopic = consentsTopic;
        this.format = format;
        this.maxRecordBytes = maxRecordBytes;
        this.validator = validator;
        this.clock = clock;
    }

    @Override
    public void open(org.apache.flink.api.common.serialization.DeserializationSchema.InitializationContext context) {
        setAvroLimits();
    }

    private void setAvroLimits() {
        if (!avroLimitsSet) {
            AvroLimits.atLeast(AvroLimits.limitFor(maxRecordBytes));
            avroLimitsSet = true;
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded> out) {
        out.collect(decode(record.topic(), record.partition(), record.offset(), record.timestamp(), record.value()));
    }

    /** Decodes and validates one record value. */
    public Decoded decode(String topic, int partition, long offset, long timestamp, byte[] value) {
        String input = inputOf(topic);
        setAvroLimits();
        try {
            if (input == null) {
                throw new WireFormatException(
                        DeadLetterReason.UNKNOWN_SCHEMA, "no schema is configured for topic " + topic);
            }
            if (value != null && value.length > maxRecordBytes) {
                throw new WireFormatException(
                        DeadLetterReason.TOO_LARGE,
                        "record of " + value.length + " bytes exceeds validation.max-record-bytes=" + maxRecordBytes);
            }
            long now = clock.getAsLong();
            CxEvent event;
            switch (input) {
                case INTERACTIONS: {
                    InteractionEvent e = decode(interactions, value);
                    validator.validate(e, now);
                    event = CxEvent.of(e);
                    break;
                }
                case FEEDBACK: {
                    FeedbackEvent e = decode(feedback, value);
                    validator.validate(e, now);
                    event = CxEvent.of(e);
                    break;
                }
                default: {
                    ConsentEvent e = decode(consents, value);
                    validator.validate(e, now);
                    event = CxEvent.of(e);
                    break;
                }
            }
            return Decoded.event(input, event);
        } catch (WireFormatException e) {
            return Decoded.deadLetter(
                    input, deadLetter(topic, partition, offset, timestamp, value, e.reason(), e.getMessage()));
        } catch (InvalidEventException e) {
            return Decoded.deadLetter(
                    input, deadLetter(topic, partition, offset, timestamp, value, e.reason(), e.getMessage()));
        } catch (RuntimeException e) {
            // Defensive: a contract we did not foresee must still end in the dead-letter topic.
            return Decoded.deadLetter(
                    input,
                    deadLetter(
                            topic,
                            partition,
                            offset,
                            timestamp,
                            value,
                            DeadLetterReason.UNDECODABLE,
                            e.getClass().getSimpleName()));
        }
    }

    private <T extends org.apache.avro.specific.SpecificRecordBase> T decode(WireCodec<T> codec, byte[] value)
            throws WireFormatException {
        return format == null ? codec.decode(value) : codec.decode(value, format);
    }

    private String inputOf(String topic) {
        if (interactionsTopic.equals(topic)) {
            return INTERACTIONS;
        }
        if (feedbackTopic.equals(topic)) {
            return FEEDBACK;
        }
        if (consentsTopic.equals(topic)) {
            return CONSENTS;
        }
        return null;
    }

    private DeadLetter deadLetter(
            String topic,
            int partition,
            long offset,
            long timestamp,
            byte[] value,
            DeadLetterReason reason,
            String detail) {
        return DeadLetters.of(
                topic, partition, offset, timestamp, value, reason, detail, maxRecordBytes, clock.getAsLong());
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }
}
