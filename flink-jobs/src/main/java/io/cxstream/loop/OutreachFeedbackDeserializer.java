package io.cxstream.loop;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.OutreachFeedback;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;
import io.cxstream.io.DeadLetters;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Decodes the feedback topic (Avro single-object or JSON, as the other inputs): an ack or close needs a
 * customerId equal to the record key (when there is one), an outreachId and handledBy; a note is cut to
 * {@code validation.max-comment-length}. Anything else becomes a dead letter with the reason, never an
 * exception. Nothing here logs (a note is personal data).
 */
public class OutreachFeedbackDeserializer implements KafkaRecordDeserializationSchema<FeedbackDecoded> {
    private static final long serialVersionUID = 1L;

    private final WireFormat format;
    private final int maxRecordBytes;
    private final int maxNoteLength;
    private final WireCodec<OutreachFeedback> codec = WireCodec.of(OutreachFeedback.class);

    /** @param format null: detect per record */
    public OutreachFeedbackDeserializer(WireFormat format, int maxRecordBytes, int maxNoteLength) {
        this.format = format;
        this.maxRecordBytes = maxRecordBytes;
        this.maxNoteLength = maxNoteLength;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FeedbackDecoded> out) {
        out.collect(decode(
                record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(), record.value()));
    }

    public FeedbackDecoded decode(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        FeedbackDecoded d = new FeedbackDecoded();
        d.partition = partition;
        d.offset = offset;
        try {
            if (value != null && value.length > maxRecordBytes) {
                throw new WireFormatException(
                        DeadLetterReason.TOO_LARGE, "record of " + value.length + " bytes is too large");
            }
            OutreachFeedback f = format == null ? codec.decode(value) : codec.decode(value, format);
            if (f.getCustomerId() == null || f.getCustomerId().isBlank()) {
                throw new WireFormatException(DeadLetterReason.MISSING_CUSTOMER_ID, "customerId is empty");
            }
            if (key != null && !f.getCustomerId().equals(new String(key, StandardCharsets.UTF_8))) {
                throw new WireFormatException(DeadLetterReason.INVALID_FIELD, "the record key is not the customerId");
            }
            if (f.getOutreachId().isBlank() || f.getHandledBy().isBlank()) {
                throw new WireFormatException(
                        DeadLetterReason.INVALID_FIELD, "outreachId and handledBy must not be empty");
            }
            if (f.getNote() != null && f.getNote().length() > maxNoteLength) {
                f.setNote(f.getNote().substring(0, maxNoteLength));
            }
            d.feedback = f;
        } catch (WireFormatException e) {
            d.deadLetter = deadLetter(
                    topic,
                    partition,
                    offset,
                    timestamp,
                    value,
                    e.reason(),
                    e.reason().name()
                            + (e.reason() == DeadLetterReason.UNDECODABLE
                                            || e.reason() == DeadLetterReason.UNRECOGNIZED_FORMAT
                                    ? ": not an OutreachFeedback"
                                    : ": " + e.getMessage()));
        } catch (RuntimeException e) {
            d.deadLetter = deadLetter(
                    topic,
                    partition,
                    offset,
                    timestamp,
                    value,
                    DeadLetterReason.UNDECODABLE,
                    e.getClass().getSimpleName());
        }
        return d;
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
                topic, partition, offset, timestamp, value, reason, detail, maxRecordBytes, System.currentTimeMillis());
    }

    @Override
    public TypeInformation<FeedbackDecoded> getProducedType() {
        return TypeInformation.of(FeedbackDecoded.class);
    }
}
