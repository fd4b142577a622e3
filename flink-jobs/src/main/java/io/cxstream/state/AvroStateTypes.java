package io.cxstream.state;

import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Type information for state values that are Avro records, encoded and decoded by the code Avro
 * generated for the record ({@code customEncode}/{@code customDecode}) rather than by walking the
 * schema reflectively: the same bytes, read back the same way (schema resolution included); a
 * write costs a third to a quarter of the schema walk's, a read the same (JMH, docs/performance.md).
 *
 * <p>Avro keeps that switch in the record class's own model ({@code MODEL$}), which Flink's
 * {@code AvroSerializer} uses for that class; it is off by default in Avro 1.12 and is turned on
 * here, for that class only, whenever its state type is built.
 */
public final class AvroStateTypes {
    private AvroStateTypes() {}

    /** Avro type information for a state value of {@code type}, with the record's generated coders on. */
    public static <T extends SpecificRecordBase> AvroTypeInfo<T> of(Class<T> type) {
        SpecificData.getForClass(type).setCustomCoders(true);
        return new AvroTypeInfo<>(type);
    }
}
