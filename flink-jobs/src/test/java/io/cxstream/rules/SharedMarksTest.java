package io.cxstream.rules;

import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.JourneyStage;
import io.cxstream.avro.JourneyState;
import io.cxstream.avro.PendingEvent;
import io.cxstream.avro.RuleHit;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleProgress;
import io.cxstream.avro.RuleState;
import io.cxstream.state.AvroStateTypes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rule progress stored with each distinct mark once: what is read back equals what was written,
 * for random progress (marks shared between rules, equal copies, snapshots, ids re-sent with other
 * fields, more marks than the scan limit), through Flink's serializer for the journey value; the
 * value written is not changed; values written before marks were shared read as they were.
 */
class SharedMarksTest {
    private static final TypeSerializer<JourneyState> SERIALIZER =
            AvroStateTypes.of(JourneyState.class).createSerializer(new SerializerConfigImpl());

    @Test
    void randomProgressReadsBackAsWritten() throws Exception {
        Random random = new Random(20261203L);
        for (int round = 0; round < 500; round++) {
            JourneyState value = journey(randomRules(random));
            JourneyState before = SpecificData.get().deepCopy(JourneyState.getClassSchema(), value);

            JourneyState read = roundTrip(value);

            List<RuleMark> distinct = new ArrayList<>();
            for (RuleProgress p : value.getRules().getProgress()) {
                for (RuleMark m : p.getMarks()) {
                    if (distinct.stream().noneMatch(d -> SharedMarks.same(d, m))) {
                        distinct.add(m);
                    }
                }
            }
            assertThat(SharedMarks.pack(value.getRules()).getShared())
                    .as("round %d: each distinct mark once", round)
                    .hasSize(distinct.size());

            assertThat(value)
                    .as("round %d: the value written is unchanged", round)
                    .isEqualTo(before);
            assertThat(read).as("round %d", round).isEqualTo(before);
            for (RuleProgress p : read.getRules().getProgress()) {
                assertThat(p.getRefs()).isEmpty();
            }
            assertThat(read.getRules().getShared()).isEmpty();
        }
    }

    @Test
    void anEventFourRulesRememberIsStoredOnce() throws Exception {
        RuleMark search = mark("e-1", 1_000L, "SEARCH", null);
        RuleState rules = state(
                List.of(),
                progress("count-a", search),
                progress("count-b", copy(search)),
                progress("absence", search),
                progress("sequence", copy(search)));

        AtomicReference<JourneyState> stored = new AtomicReference<>();
        SharedMarks.journeyForm()
                .write(journey(rules), v -> stored.set(SpecificData.get().deepCopy(JourneyState.getClassSchema(), v)));

        RuleState packed = stored.get().getRules();
        assertThat(packed.getShared()).containsExactly(search);
        for (RuleProgress p : packed.getProgress()) {
            assertThat(p.getMarks()).isEmpty();
            assertThat(p.getRefs()).containsExactly(0);
        }
        // Three of the four copies are not written (about 26 bytes each); each rule names its mark (2 bytes).
        assertThat(bytes(stored.get())).hasSizeLessThan(bytes(journey(rules)).length - 2 * 20);

        RuleState read = roundTrip(journey(rules)).getRules();
        RuleMark first = read.getProgress().get(0).getMarks().get(0);
        for (RuleProgress p : read.getProgress()) {
            assertThat(p.getMarks()).singleElement().isSameAs(first).isEqualTo(search);
        }
    }

    @Test
    void marksOfOneIdThatDifferAreKeptApart() throws Exception {
        JourneySnapshot snapshot = snapshot(7);
        RuleMark plain = mark("e-1", 1_000L, "CART_ADD", null);
        RuleMark withSnapshot = new RuleMark("e-1", 1_000L, "CART_ADD", null, 0, "web", "WEB", null, snapshot);
        RuleMark resent = mark("e-1", 1_000L, "CART_ADD", "other");
        RuleMark otherTime = mark("e-1", 2_000L, "CART_ADD", null);
        RuleState rules = state(
                List.of(), progress("a", plain, otherTime), progress("b", withSnapshot, resent), progress("c", plain));

        assertThat(SharedMarks.pack(rules).getShared()).containsExactly(plain, otherTime, withSnapshot, resent);
        assertThat(roundTrip(journey(rules)).getRules()).isEqualTo(rules);
    }

    @Test
    void progressWithoutMarksIsStoredAsItIs() {
        PendingEvent pending =
                new PendingEvent(mark("e-9", 9_000L, "ERROR", null), new ArrayList<>(List.of(new RuleHit("r", 1, 0))));
        RuleState rules = state(List.of(pending), progress("a"));
        assertThat(SharedMarks.pack(rules)).isSameAs(rules);
    }

    @Test
    void aValueWrittenBeforeMarksWereSharedReadsAsItWas() throws Exception {
        RuleMark m = mark("e-1", 1_000L, "LOGIN", null);
        JourneyState value =
                journey(state(List.of(), progress("a", m, mark("e-2", 2_000L, "LOGIN", null)), progress("b", m)));
        Schema current = JourneyState.getClassSchema();
        Schema earlier = withoutFields(current, "refs", "shared");
        assertThat(earlier.toString()).doesNotContain("\"refs\"", "\"shared\"");

        // Bytes as the earlier job wrote them, read as Flink reads restored state: earlier writer, current reader.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        // A model of its own: the generated coders (on in the class's model) would write the current layout.
        new SpecificDatumWriter<JourneyState>(earlier, new SpecificData(JourneyState.class.getClassLoader()))
                .write(value, encoder);
        encoder.flush();
        JourneyState restored = new SpecificDatumReader<JourneyState>(
                        earlier, current, SpecificData.getForClass(JourneyState.class))
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertThat(SharedMarks.journeyForm().read(restored)).isEqualTo(value);
    }

    @Test
    void aPositionOutsideTheSharedMarksIsAnError() {
        RuleMark m = mark("e-1", 1_000L, "LOGIN", null);
        RuleState broken = new RuleState(
                new ArrayList<>(),
                new ArrayList<>(List.of(new RuleProgress("a", 1, new ArrayList<>(), new ArrayList<>(List.of(1))))),
                new ArrayList<>(List.of(m)));
        assertThatThrownBy(() -> SharedMarks.unpack(broken)).hasMessageContaining("rule a: mark 1 of 1");
    }

    /** Up to 12 rules over up to 40 events; marks shared, copied, with snapshots, re-sent ids. */
    private static RuleState randomRules(Random random) {
        int events = 1 + random.nextInt(40);
        List<RuleMark> pool = new ArrayList<>();
        JourneySnapshot snapshot = snapshot(random.nextInt(100));
        for (int i = 0; i < events; i++) {
            String id = "e-" + random.nextInt(Math.max(1, events - 3)); // some ids re-sent
            RuleMark m = mark(id, 1_000L * random.nextInt(20), random.nextBoolean() ? "SEARCH" : null, null);
            if (random.nextInt(4) == 0) {
                m.setMetric("NPS");
                m.setScore(random.nextInt(11));
            }
            if (random.nextInt(5) == 0) {
                m.setSnapshot(random.nextBoolean() ? snapshot : snapshot(random.nextInt(100)));
            }
            pool.add(m);
        }
        List<RuleProgress> progress = new ArrayList<>();
        int rules = random.nextInt(13);
        for (int r = 0; r < rules; r++) {
            List<RuleMark> marks = new ArrayList<>();
            int n = random.nextInt(random.nextInt(10) == 0 ? 30 : 6);
            for (int i = 0; i < n; i++) {
                RuleMark m = pool.get(random.nextInt(pool.size()));
                marks.add(random.nextBoolean() ? m : copy(m));
            }
            progress.add(new RuleProgress("rule-" + r, 1 + random.nextInt(3), marks, new ArrayList<>()));
        }
        List<PendingEvent> pending = new ArrayList<>();
        if (random.nextBoolean()) {
            pending.add(new PendingEvent(pool.get(0), new ArrayList<>(List.of(new RuleHit("rule-0", 1, 0)))));
        }
        return new RuleState(pending, progress, new ArrayList<>());
    }

    /** Written through the journey's stored form and Flink's serializer, read back the same way. */
    private static JourneyState roundTrip(JourneyState value) throws Exception {
        AtomicReference<byte[]> written = new AtomicReference<>();
        SharedMarks.journeyForm().write(value, v -> written.set(bytes(v)));
        return SharedMarks.journeyForm().read(SERIALIZER.deserialize(new DataInputDeserializer(written.get())));
    }

    private static byte[] bytes(JourneyState value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        SERIALIZER.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    private static JourneyState journey(RuleState rules) {
        return JourneyState.newBuilder()
                .setStage(JourneyStage.PURCHASE)
                .setLastEventTime(1_000L)
                .setRules(rules)
                .setLayout(2)
                .build();
    }

    private static RuleState state(List<PendingEvent> pending, RuleProgress... progress) {
        return new RuleState(new ArrayList<>(pending), new ArrayList<>(List.of(progress)), new ArrayList<>());
    }

    private static RuleProgress progress(String rule, RuleMark... marks) {
        return new RuleProgress(rule, 1, new ArrayList<>(List.of(marks)), new ArrayList<>());
    }

    private static RuleMark mark(String id, long time, String type, String touchpoint) {
        return new RuleMark(id, time, type, null, 0, touchpoint == null ? "web" : touchpoint, "WEB", null, null);
    }

    /** An equal mark, another object (as a count keeps its copy without the snapshot); the snapshot is shared. */
    private static RuleMark copy(RuleMark m) {
        return new RuleMark(
                m.getEventId(),
                m.getEventTime(),
                m.getType(),
                m.getMetric(),
                m.getScore(),
                m.getTouchpoint(),
                m.getChannel(),
                m.getAgentId(),
                m.getSnapshot());
    }

    private static JourneySnapshot snapshot(int churnRisk) {
        return new JourneySnapshot(
                JourneyStage.SUPPORT, "LOYAL", churnRisk, 3, null, 6, new ArrayList<>(List.of("WEB:x")));
    }

    /** The schema without the named fields, wherever they are (the schema before they were added). */
    private static Schema withoutFields(Schema schema, String... names) throws IOException {
        JsonNode json = new ObjectMapper().readTree(schema.toString());
        strip(json, List.of(names));
        return new Schema.Parser().parse(json.toString());
    }

    private static void strip(JsonNode node, List<String> names) {
        if (node instanceof ObjectNode object) {
            if (object.get("fields") instanceof ArrayNode fields) {
                for (Iterator<JsonNode> it = fields.iterator(); it.hasNext(); ) {
                    if (names.contains(it.next().path("name").asText())) {
                        it.remove();
                    }
                }
            }
            object.forEach(child -> strip(child, names));
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> strip(child, names));
        }
    }
}
