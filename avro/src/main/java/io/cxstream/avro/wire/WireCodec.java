package io.cxstream.avro.wire;

import io.cxstream.avro.DeadLetterReason;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonDecoder;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Encodes and decodes one record type on the wire: Avro single-object encoding or Avro JSON.
 *
 * <p>Decoding tells the two apart by the single-object marker bytes {@code C3 01}; anything that
 * starts (after white space) with <code>{</code> is read as JSON. Single-object records written with
 * an earlier version of the schema (see {@link SchemaHistory}) are resolved to the current one.
 *
 * <p>Instances are serializable (only the class is captured) and build their Avro machinery lazily,
 * so they can be shipped inside Flink functions. Not thread-safe; use one per thread/subtask.
 */
public final class WireCodec<T extends SpecificRecordBase> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** First two bytes of Avro's single-object encoding. */
    public static final byte MARKER_0 = (byte) 0xC3;

    public static final byte MARKER_1 = (byte) 0x01;

    /** Only to check that nothing follows the record in a JSON value (thread-safe). */
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private final Class<T> type;

    private transient Schema schema;
    private transient BinaryMessageEncoder<T> binaryEncoder;
    private transient BinaryMessageDecoder<T> binaryDecoder;
    private transient SpecificDatumReader<T> jsonReader;
    private transient SpecificDatumWriter<T> jsonWriter;
    private transient JsonDecoder jsonDecoder;
    private transient ByteArrayOutputStream jsonBuffer;
    private transient JsonEncoder jsonEncoder;

    private WireCodec(Class<T> type) {
        this.type = Objects.requireNonNull(type);
    }

    public static <T extends SpecificRecordBase> WireCodec<T> of(Class<T> type) {
        return new WireCodec<>(type);
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        init();
        return schema;
    }

    /** CRC-64-AVRO fingerprint of the current schema, as written in single-object headers. */
    public long fingerprint() {
        return SchemaNormalization.parsingFingerprint64(schema());
    }

    public byte[] encode(T record, WireFormat format) {
        init();
        try {
            if (format == WireFormat.AVRO) {
                return binaryEncoder.encode(record).array();
            }
            jsonBuffer.reset();
            if (jsonEncoder == null) {
                jsonEncoder = EncoderFactory.get().jsonEncoder(schema, jsonBuffer);
            } else {
                jsonEncoder.configure(jsonBuffer);
            }
            jsonWriter.write(record, jsonEncoder);
            jsonEncoder.flush();
            return jsonBuffer.toByteArray();
        } catch (IOException | RuntimeException e) {
            // A failed write leaves the JSON encoder's grammar mid-record and configure() does not
            // reset it: drop the encoder so that the next encode starts from a fresh one.
            jsonEncoder = null;
            throw new IllegalArgumentException("Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes either wire format, telling them apart by the first bytes. */
    public T decode(byte[] bytes) throws WireFormatException {
        if (bytes == null || bytes.length == 0) {
            throw new WireFormatException(DeadLetterReason.UNRECOGNIZED_FORMAT, "empty record value");
        }
        if (hasMarker(bytes)) {
            return decodeAvro(bytes); // a header cut short is UNDECODABLE, not UNRECOGNIZED_FORMAT
        }
        if (looksLikeJson(bytes)) {
            return decodeJson(bytes);
        }
        throw new WireFormatException(
                DeadLetterReason.UNRECOGNIZED_FORMAT,
                String.format("neither Avro single-object (C3 01 ...) nor JSON; first byte 0x%02X", bytes[0] & 0xFF));
    }

    /** Decodes only the given format; the other is refused with UNRECOGNIZED_FORMAT. */
    public T decode(byte[] bytes, WireFormat format) throws WireFormatException {
        if (bytes != null && bytes.length > 0) {
            boolean avro = hasMarker(bytes);
            if (format == WireFormat.AVRO && !avro) {
                throw new WireFormatException(DeadLetterReason.UNRECOGNIZED_FORMAT, "not Avro single-object encoding");
            }
            if (format == WireFormat.JSON && avro) {
                throw new WireFormatException(
                        DeadLetterReason.UNRECOGNIZED_FORMAT, "Avro binary where JSON is configured");
            }
        }
        return decode(bytes);
    }

    public static boolean isSingleObject(byte[] bytes) {
        return bytes.length >= 10 && bytes[0] == MARKER_0 && bytes[1] == MARKER_1;
    }

    /** Starts with the single-object marker, whether or not the rest of the header follows. */
    private static boolean hasMarker(byte[] bytes) {
        return bytes.length >= 2 && bytes[0] == MARKER_0 && bytes[1] == MARKER_1;
    }

    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{';
        }
        return false;
    }

    private T decodeAvro(byte[] bytes) throws WireFormatException {
        init();
        try {
            return binaryDecoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new WireFormatException(
                    DeadLetterReason.UNKNOWN_SCHEMA, "unknown writer schema fingerprint: " + e.getMessage());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            // A truncated or bit-flipped body surfaces as many runtime exceptions (AvroRuntimeException,
            // IndexOutOfBounds, NegativeArraySize, UnsupportedOperation from Avro's SystemLimitException
            // for a huge length, ...); none may escape.
            throw new WireFormatException(DeadLetterReason.UNDECODABLE, "Avro body does not decode: " + describe(e));
        }
    }

    private T decodeJson(byte[] bytes) throws WireFormatException {
        init();
        try {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (jsonDecoder == null) {
                jsonDecoder = DecoderFactory.get().jsonDecoder(schema, text);
            } else {
                jsonDecoder.configure(text);
            }
            T record = jsonReader.read(null, jsonDecoder);
            requireNothingAfterFirstValue(bytes);
            return record;
        } catch (IOException
                | AvroRuntimeException
                | IllegalArgumentException
                | ClassCastException
                | IndexOutOfBoundsException
                | NullPointerException
                | StackOverflowError e) {
            jsonDecoder = null; // a failed parse may leave the decoder mid-document
            throw new WireFormatException(
                    DeadLetterReason.UNDECODABLE, "JSON does not match " + type.getSimpleName() + ": " + describe(e));
        }
    }

    /**
     * Avro's JSON decoder stops after the first value and ignores whatever follows, so
     * <code>{...}garbage</code> would decode and a second record in the same value would be lost
     * silently. Refuse anything but white space after the first value.
     */
    private static void requireNothingAfterFirstValue(byte[] bytes) throws IOException {
        try (JsonParser parser = JSON_FACTORY.createParser(bytes)) {
            parser.nextToken();
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new IOException("unexpected content after the record at " + parser.currentTokenLocation());
            }
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        if (msg != null && msg.length() > 300) {
            msg = msg.substring(0, 300) + "...";
        }
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    private void init() {
        if (schema != null) {
            return;
        }
        SpecificData model = SpecificData.getForClass(type);
        Schema current = model.getSchema(type);
        SchemaStore.Cache store = new SchemaStore.Cache();
        List<Schema> history = SchemaHistory.previousVersions(current.getName());
        for (Schema previous : history) {
            store.addSchema(previous);
        }
        binaryEncoder = new BinaryMessageEncoder<>(model, current);
        binaryDecoder = new BinaryMessageDecoder<>(model, current, store);
        jsonReader = new SpecificDatumReader<>(current, current, model);
        jsonWriter = new SpecificDatumWriter<>(current, model);
        jsonBuffer = new ByteArrayOutputStream(256);
        try {
            jsonEncoder = EncoderFactory.get().jsonEncoder(current, jsonBuffer);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        schema = current;
    }
}
