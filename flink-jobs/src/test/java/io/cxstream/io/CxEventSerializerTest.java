package io.cxstream.io;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.testing.Events;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CxEventSerializerTest {
    private final TypeSerializer<CxEvent> serializer =
            TypeInformation.of(CxEvent.class).createSerializer(new SerializerConfigImpl());

    @Test
    void flinkFindsItForTheStreamAndForTheSourcesRecords() {
        assertThat(TypeInformation.of(CxEvent.class)).isInstanceOf(CxEventTypeInfo.class);
        assertThat(serializer).isInstanceOf(CxEventSerializer.class);
        PojoTypeInfo<Decoded> decoded = (PojoTypeInfo<Decoded>) TypeInformation.of(Decoded.class);
        assertThat(decoded.getTypeAt("event")).isInstanceOf(CxEventTypeInfo.class);
    }

    @Test
    void everyKindReadsBackAsWrittenOneAfterAnother() throws Exception {
        List<CxEvent> events = events();
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (CxEvent e : events) {
            serializer.serialize(e, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        List<CxEvent> read = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            read.add(serializer.deserialize(in));
        }
        assertThat(read).isEqualTo(events);
        assertThat(read.get(0).interaction.getAttributes()).containsEntry("errorCode", "E42");
        assertThat(read.get(3).interaction).isNull();
        assertThat(read.get(3).customerId).isNull();
        assertThat(in.available()).isZero();
    }

    @Test
    void copiesAreDeepAndBytesCopyAsTheyAre() throws Exception {
        for (CxEvent e : events()) {
            CxEvent copy = serializer.copy(e);
            assertThat(copy).isEqualTo(e).isNotSameAs(e);
            if (e.interaction != null) {
                assertThat(copy.interaction).isNotSameAs(e.interaction);
            }
            DataOutputSerializer first = new DataOutputSerializer(64);
            serializer.serialize(e, first);
            DataOutputSerializer second = new DataOutputSerializer(64);
            serializer.copy(new DataInputDeserializer(first.getCopyOfBuffer()), second);
            assertThat(second.getCopyOfBuffer()).isEqualTo(first.getCopyOfBuffer());
        }
    }

    @Test
    void anUnknownKindIsAnErrorNotAnEmptyEvent() {
        DataInputDeserializer in = new DataInputDeserializer(new byte[] {9, 0, 0});
        assertThatThrownBy(() -> serializer.deserialize(in)).hasMessageContaining("record kind 9");
    }

    @Test
    void itsSnapshotRestoresAnEqualSerializerThatIsCompatibleAsIs() throws Exception {
        TypeSerializer<CxEvent> duplicate = serializer.duplicate();
        assertThat(duplicate).isEqualTo(serializer).isNotSameAs(serializer);

        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<CxEvent> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
        TypeSerializerSchemaCompatibility<CxEvent> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    private static List<CxEvent> events() {
        var error = Events.interaction("c-1", 1_000L, InteractionType.ERROR, "checkout");
        error.setAttributes(Map.of("errorCode", "E42"));
        CxEvent none = new CxEvent();
        none.eventTime = 4_000L;
        return List.of(
                CxEvent.of(error),
                CxEvent.of(Events.feedback("c-2", 2_000L, FeedbackMetric.NPS, 3)),
                CxEvent.of(Events.consent("c-3", 3_000L, ConsentAction.OPT_OUT, ConsentPurpose.MARKETING)),
                none);
    }
}
