package io.cxstream.state;

import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.JourneyStage;
import io.cxstream.avro.JourneyState;
import io.cxstream.avro.PendingEvent;
import io.cxstream.avro.RuleHit;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleProgress;
import io.cxstream.avro.RuleState;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journey's state with Avro's generated coders: the same bytes as the schema walk, and the same
 * record read back, also from a value written with an older schema (other field order, fields missing).
 */
class AvroStateTypesTest {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void turnsTheGeneratedCodersOnInTheModelFlinksSerializerUses() {
        AvroStateTypes.of(JourneyState.class);
        assertThat(AvroFactory.getSpecificDataForClass(
                                (Class) JourneyState.class, getClass().getClassLoader())
                        .useCustomCoders())
                .isTrue();
    }

    @Test
    void flinksSerializerWritesTheBytesOfTheSchemaWalkAndReadsThemBack() throws IOException {
        TypeSerializer<JourneyState> serializer =
                AvroStateTypes.of(JourneyState.class).createSerializer(new SerializerConfigImpl());
        SpecificData model = SpecificData.getForClass(JourneyState.class);
        for (JourneyState state : List.of(rich(), JourneyState.newBuilder().build())) {
            byte[] generated = serialize(serializer, state);
            assertThat(serializer.deserialize(new DataInputDeserializer(generated)))
                    .isEqualTo(state);
            model.setCustomCoders(false); // the same serializer, walking the schema
            try {
                assertThat(generated).isEqualTo(serialize(serializer, state));
                assertThat(serializer.deserialize(new DataInputDeserializer(generated)))
                        .isEqualTo(state);
            } finally {
                model.setCustomCoders(true);
            }
        }
    }

    private static byte[] serialize(TypeSerializer<JourneyState> serializer, JourneyState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(state, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void readsAValueWrittenWithAnOlderSchemaAsTheSchemaWalkDoes() throws IOException {
        AvroStateTypes.of(JourneyState.class);
        // An older layout: the same fields in reverse order, without rules, erasedAt and layout.
        Schema current = JourneyState.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!List.of("rules", "erasedAt", "layout").contains(f.name())) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Collections.reverse(fields);
        Schema older = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
        GenericRecord written = new GenericData.Record(older);
        JourneyState source = rich();
        for (Schema.Field f : older.getFields()) {
            written.put(f.name(), source.get(f.name()));
        }
        byte[] bytes = schemaWalk(written, older);

        SpecificData generated = SpecificData.getForClass(JourneyState.class);
        JourneyState withCoders = new SpecificDatumReader<JourneyState>(older, current, generated)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        JourneyState walked = new SpecificDatumReader<JourneyState>(older, current, withoutCoders())
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(generated.useCustomCoders()).isTrue();
        assertThat(withCoders).isEqualTo(walked);
        assertThat(withCoders.getLayout())
                .as("a field the writer did not have takes its default")
                .isEqualTo(1);
        assertThat(withCoders.getRules()).isNull();
        assertThat(withCoders.getSegmentOverride()).isEqualTo("VIP");
        assertThat(withCoders.getRecentTouchpoints()).containsExactly("WEB:checkout", "APP:home");
    }

    private static SpecificData withoutCoders() {
        SpecificData model = new SpecificData(JourneyState.class.getClassLoader());
        model.setCustomCoders(false);
        return model;
    }

    /** The bytes Avro's reflective schema walk writes (no generated coders). */
    private static byte[] schemaWalk(Object record, Schema schema) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        new GenericDatumWriter<>(schema, withoutCoders()).write(record, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    /** A journey with every kind of field set: rule progress with a waiting event, marks, a snapshot. */
    private static JourneyState rich() {
        JourneySnapshot snapshot = new JourneySnapshot(
                JourneyStage.SUPPORT, "LOYAL", 72, 3, null, 6, new ArrayList<>(List.of("WEB:checkout")));
        RuleMark withSnapshot =
                new RuleMark("e-2", 2_000L, "PAYMENT_FAILED", null, 0, "checkout", "WEB", null, snapshot);
        RuleMark plain = new RuleMark("e-1", 1_000L, null, "NPS", 4, "delivery", null, "agent-7", null);
        RuleState rules = new RuleState(
                new ArrayList<>(List.of(new PendingEvent(
                        withSnapshot, new ArrayList<>(List.of(new RuleHit("payment-friction", 3, 0)))))),
                new ArrayList<>(List.of(new RuleProgress("repeat-contact", 1, new ArrayList<>(List.of(plain))))));
        return JourneyState.newBuilder()
                .setStage(JourneyStage.SUPPORT)
                .setSegmentOverride("VIP")
                .setOrders(2)
                .setFriction(40)
                .setFrictionUpdatedAt(1_000L)
                .setLastCsat(2)
                .setRecentTouchpoints(new ArrayList<>(List.of("WEB:checkout", "APP:home")))
                .setServiceConsent(true)
                .setMarketingConsent(false)
                .setLastEventTime(2_000L)
                .setLastOrderId("o-9")
                .setRules(rules)
                .setErasedAt(500L)
                .setLayout(2)
                .build();
    }
}
