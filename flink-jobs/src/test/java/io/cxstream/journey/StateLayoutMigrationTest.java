package io.cxstream.journey;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneyState;
import io.cxstream.avro.PendingEvent;
import io.cxstream.avro.RuleHit;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleState;
import io.cxstream.rules.RuleEngine;
import io.cxstream.testing.JourneyHarness;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A customer's state written before the rule progress moved into the journey's value (layout 1: the
 * rule progress in its own {@code rules} state, the tombstone only in {@code erased-at}) is moved
 * over on first read, so that a savepoint of that version carries everything over.
 */
class StateLayoutMigrationTest {
    private static final long T0 = JourneyHarness.T0;
    private static final long MIN = 60_000L;

    @Test
    void anEarlierLayoutsRuleProgressAndTombstoneMoveIntoTheJourneysValue() throws Exception {
        try (JourneyHarness h = new JourneyHarness().open()) {
            // What the earlier version left of c1: its journey, a payment failure waiting for the watermark in
            // the separate rule state, and the tombstone of an erasure before both.
            RuntimeContext ctx = earlierLayoutWithAPendingFailure(h, T0);
            ctx.getState(JourneyFunction.erasedDescriptor(Duration.ofDays(30))).update(T0 - MIN);

            h.nps("c1", T0 - 2 * MIN, 0); // stamped before the erasure: dropped
            h.interaction("c1", T0 + MIN, InteractionType.PAYMENT_FAILED, "checkout"); // the second failure
            h.watermark(T0 + 60 * MIN);

            assertThat(h.triggers())
                    .as("the failure from the earlier layout counts with the new one; the erased answer does not")
                    .singleElement()
                    .satisfies(t -> {
                        assertThat(t.trigger).isEqualTo("PAYMENT_FRICTION");
                        assertThat(t.evidence.stream()
                                        .map(e -> e.getEventTime().toEpochMilli())
                                        .collect(Collectors.toList()))
                                .containsExactly(T0, T0 + MIN);
                    });
            assertThat(h.triggerRecords()).extracting(r -> r.getTimestamp()).containsExactly(T0 + MIN);
            JourneyState c1 = h.state("c1");
            assertThat(c1.getLayout()).isEqualTo(2);
            assertThat(c1.getErasedAt())
                    .as("the tombstone travels with the journey")
                    .isEqualTo(T0 - MIN);
            assertThat(c1.getRules()).as("nothing left to wait for").isNull();
            h.setCurrentKey("c1");
            assertThat(ctx.getState(RuleEngine.legacyStateDescriptor(Duration.ofDays(90)))
                            .value())
                    .as("the separate rule state is emptied")
                    .isNull();
        }
    }

    @Test
    void theMovedValueIsWrittenAtOnceEvenWhenTheEventThatReadItIsLate() throws Exception {
        // RocksDB: a value read is a copy (on the heap backend, moving it in place would hide a lost write)
        try (JourneyHarness h = new JourneyHarness(Map.of(), true).open()) {
            h.watermark(T0 + 2 * MIN);
            earlierLayoutWithAPendingFailure(h, T0 + 3 * MIN);

            h.interaction("c1", T0, InteractionType.PAGE_VIEW, "home"); // behind the watermark: dead-lettered

            assertThat(h.harness().getSideOutput(JourneyFunction.LATE)).hasSize(1);
            JourneyState stored = h.state("c1");
            assertThat(stored.getLayout()).isEqualTo(2);
            assertThat(stored.getRules().getPending())
                    .as("the pending failure moved into the stored value, not lost with the old state")
                    .extracting(p -> p.getEvent().getEventId())
                    .containsExactly("f1");
        }
    }

    @Test
    void aJourneyWrittenWithTheEarlierSchemaReadsAsLayoutOne() throws Exception {
        Schema current = JourneyState.getClassSchema();
        List<Schema.Field> earlier = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!List.of("rules", "erasedAt", "layout").contains(f.name())) {
                earlier.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema before =
                Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, earlier);
        GenericRecord old = new GenericData.Record(before);
        for (Schema.Field f : before.getFields()) {
            old.put(f.name(), GenericData.get().getDefaultValue(f));
        }
        old.put("orders", 3);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(before).write(old, encoder);
        encoder.flush();

        JourneyState read = new SpecificDatumReader<JourneyState>(before, current)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertThat(read.getOrders()).isEqualTo(3);
        assertThat(read.getLayout()).isEqualTo(1);
        assertThat(read.getRules()).isNull();
        assertThat(read.getErasedAt()).isNull();
    }

    /**
     * What the earlier version left of c1: a journey of layout 1 and a payment failure ("f1", at {@code time})
     * waiting for the watermark in the separate rule state. Returns c1's runtime context (current key c1).
     */
    private static RuntimeContext earlierLayoutWithAPendingFailure(JourneyHarness h, long time) throws Exception {
        h.setCurrentKey("c1");
        RuntimeContext ctx = h.function().getRuntimeContext();
        ctx.getState(JourneyFunction.journeyDescriptor(Duration.ofDays(90)))
                .update(JourneyState.newBuilder()
                        .setLastEventTime(time)
                        .setLayout(1)
                        .build());
        RuleMark failure = RuleMark.newBuilder()
                .setEventId("f1")
                .setEventTime(time)
                .setType(InteractionType.PAYMENT_FAILED.name())
                .setTouchpoint("checkout")
                .build();
        ctx.getState(RuleEngine.legacyStateDescriptor(Duration.ofDays(90)))
                .update(new RuleState(
                        new ArrayList<>(List.of(new PendingEvent(
                                failure, new ArrayList<>(List.of(new RuleHit("payment-friction", 1, 0)))))),
                        new ArrayList<>()));
        return ctx;
    }
}
