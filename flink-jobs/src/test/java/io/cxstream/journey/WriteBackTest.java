package io.cxstream.journey;

import io.cxstream.avro.InteractionType;
import io.cxstream.testing.JourneyHarness;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journey operator on RocksDB holds customers' changed values back in its cache and writes each
 * under its own key when it leaves the cache or before a snapshot: a checkpoint holds exactly what
 * writing every change at once would have written.
 */
class WriteBackTest {
    private static final long T0 = JourneyHarness.T0;

    @Test
    void changesReachTheBackendBeforeASnapshotAndTheRestoredJourneyGoesOn() throws Exception {
        try (JourneyHarness h = new JourneyHarness(Map.of(), true).open()) {
            h.interaction("c1", T0, InteractionType.PAGE_VIEW, "web");
            h.interaction("c1", T0 + 1_000, InteractionType.ORDER_PLACED, "checkout");
            h.interaction("c1", T0 + 2_000, InteractionType.SUPPORT_CONTACT, "call-center");
            assertThat(h.storedState("c1")).as("held back in the cache").isNull();

            h.restart(); // snapshot, close, restore into a new instance with an empty cache
            assertThat(h.storedState("c1")).isNotNull().satisfies(s -> {
                assertThat(s.getOrders()).isEqualTo(1);
                assertThat(s.getLastEventTime()).isEqualTo(T0 + 2_000);
                assertThat(s.getRecentTouchpoints()).containsExactly("WEB:web", "WEB:checkout", "WEB:call-center");
            });

            h.interaction("c1", T0 + 3_000, InteractionType.ORDER_PLACED, "app");
            assertThat(h.journeyEvents())
                    .last()
                    .satisfies(e -> assertThat(e.snapshot.getRecentTouchpoints())
                            .as("the restored journey goes on")
                            .hasSize(4));
            assertThat(h.state("c1").getOrders()).isEqualTo(2);
        }
    }

    @Test
    void aSnapshotOfTheOperatorProcessBuiltRestoresIntoTheJourneyOperator() throws Exception {
        try (JourneyHarness h =
                JourneyHarness.builtByProcessUntilRestart(Map.of()).open()) {
            h.interaction("c1", T0, InteractionType.ORDER_PLACED, "checkout");
            h.interaction("c1", T0 + 1_000, InteractionType.PAYMENT_FAILED, "payment"); // waits in the rule state
            assertThat(h.storedState("c1"))
                    .as("written at once by Flink's operator")
                    .isNotNull();

            h.restart(); // the earlier operator's snapshot, restored into JourneyOperator (same uid and state)
            h.interaction("c1", T0 + 60_000, InteractionType.PAYMENT_FAILED, "payment");
            h.watermark(T0 + 3_600_000);

            assertThat(h.triggers()).singleElement().satisfies(t -> {
                assertThat(t.trigger).isEqualTo("PAYMENT_FRICTION");
                assertThat(t.evidence).hasSize(2);
            });
            assertThat(h.triggerRecords())
                    .filteredOn(r -> r.getValue().isFinding())
                    .singleElement()
                    .satisfies(r -> assertThat(r.getTimestamp()).isEqualTo(T0 + 60_000));
            assertThat(h.state("c1").getOrders()).isEqualTo(1);
        }
    }

    @Test
    void aCustomerLeavingTheCacheIsWrittenUnderItsOwnKey() throws Exception {
        try (JourneyHarness h = new JourneyHarness(Map.of("journey.cache-size", "1"), true).open()) {
            h.interaction("c1", T0, InteractionType.ORDER_PLACED, "checkout");
            h.interaction("c1", T0 + 1_000, InteractionType.ORDER_PLACED, "checkout");
            h.interaction("c2", T0 + 2_000, InteractionType.PAGE_VIEW, "web"); // c1 leaves the cache

            assertThat(h.storedState("c1"))
                    .as("written when it left, with its last change")
                    .isNotNull()
                    .satisfies(s -> assertThat(s.getOrders()).isEqualTo(2));
            assertThat(h.storedState("c2")).as("c2's change is still held back").isNull();

            h.interaction("c1", T0 + 3_000, InteractionType.ORDER_PLACED, "app"); // read back from RocksDB
            assertThat(h.storedState("c2"))
                    .as("c2 written when c1 came back")
                    .isNotNull()
                    .satisfies(s -> assertThat(s.getRecentTouchpoints()).containsExactly("WEB:web"));
            assertThat(h.state("c1").getOrders())
                    .as("c1 went on from what was written")
                    .isEqualTo(3);
        }
    }
}
