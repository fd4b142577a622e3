package io.cxstream.io;

import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;

/**
 * Writes one Avro record type to one topic, in the configured wire format (single-object Avro or Avro
 * JSON), with its key, its record timestamp (a time of the record itself, never the time of writing)
 * and optionally one header, each taken from the record. The job's outputs other than outreach (routed
 * to a topic per route) and rule statuses (plain JSON) are written through this: see {@link Outputs}.
 */
public final class AvroRecordSchema<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /** A part of a record: its key, time or header value. */
    public interface Part<T, R> extends Function<T, R>, Serializable {}

    private final String topic;
    private final WireFormat format;
    private final WireCodec<T> codec;
    private final Part<T, String> key;
    private final Part<T, Instant> time;
    private final String header;
    private final Part<T, String> headerValue;

    private AvroRecordSchema(
            String topic,
            WireFormat format,
            Class<T> type,
            Part<T, String> key,
            Part<T, Instant> time,
            String header,
            Part<T, String> headerValue) {
        this.topic = topic;
        this.format = format;
        this.codec = WireCodec.of(type);
        this.key = key;
        this.time = time;
        this.header = header;
        this.headerValue = headerValue;
    }

    /** Records of {@code type} to {@code topic}, keyed and stamped by the given parts. */
    public static <T extends SpecificRecordBase> AvroRecordSchema<T> of(
            String topic, WireFormat format, Class<T> type, Part<T, String> key, Part<T, Instant> time) {
        return new AvroRecordSchema<>(topic, format, type, key, time, null, null);
    }

    /** The same, with header {@code name} set to the given part of each record. */
    public AvroRecordSchema<T> withHeader(String name, Part<T, String> value) {
        return new AvroRecordSchema<>(topic, format, codec.type(), key, time, name, value);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(
                topic,
                null,
                time.apply(record).toEpochMilli(),
                key.apply(record).getBytes(StandardCharsets.UTF_8),
                codec.encode(record, format));
        if (header != null) {
            out.headers().add(header, headerValue.apply(record).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
