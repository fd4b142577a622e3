package io.cxstream.io;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * The type of a {@link CxEvent} stream, serialized by {@link CxEventSerializer}; Flink's type
 * extraction finds it through the {@code @TypeInfo} annotation on {@code CxEvent}, also as a field.
 */
public final class CxEventTypeInfo extends TypeInformation<CxEvent> {
    private static final long serialVersionUID = 1L;

    /** What {@code @TypeInfo} names. */
    public static final class Factory extends TypeInfoFactory<CxEvent> {
        @Override
        public TypeInformation<CxEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new CxEventTypeInfo();
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<CxEvent> getTypeClass() {
        return CxEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<CxEvent> createSerializer(SerializerConfig config) {
        return new CxEventSerializer();
    }

    @Override
    public String toString() {
        return "CxEvent";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CxEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return CxEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof CxEventTypeInfo;
    }
}
