package io.cxstream.avro.wire;

/** How a record is laid out on a Kafka topic. */
public enum WireFormat {
    /**
     * Avro binary in Avro's single-object encoding: the marker bytes {@code C3 01}, the 8-byte
     * CRC-64-AVRO fingerprint of the writer schema (little endian), then the Avro binary body.
     */
    AVRO,
    /** Avro's JSON encoding of the same schema (nullable fields as {@code {"string": "x"}}). */
    JSON;

    /** Parses a configuration value such as {@code avro} or {@code JSON}. */
    public static WireFormat parse(String value) {
        return WireFormat.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
