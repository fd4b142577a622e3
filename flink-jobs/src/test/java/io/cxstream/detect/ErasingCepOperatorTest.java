package io.cxstream.detect;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.TriggerType;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.testing.DetectorHarness;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.cxstream.testing.Events.journeyInteraction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An erasure marker clears one customer's CEP state — partial matches, shared buffer, the queue of
 * events waiting for the watermark, pending timers — and nothing of anyone else's, on RocksDB as in
 * production.
 */
class ErasingCepOperatorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long MIN = 60_000L;
    private static final List<String> CEP_STATES = List.of(CepState.NFA_STATE, CepState.ELEMENT_QUEUE,
            CepState.SHARED_BUFFER_EVENTS, CepState.SHARED_BUFFER_ENTRIES, CepState.SHARED_BUFFER_EVENT_COUNTS);

    private final PaymentFrictionPattern paymentFriction = new PaymentFrictionPattern(2, Duration.ofMinutes(10));
    private final ErrorThenAbandonPattern abandonment = new ErrorThenAbandonPattern(Duration.ofMinutes(15), Set.of("checkout"));

    private static DetectorHarness onRocksDb(Detector detector) throws Exception {
        DetectorHarness h = new DetectorHarness(detector);
        h.harness().setStateBackend(new EmbeddedRocksDBStateBackend());
        return h.open();
    }

    /** Customers that have an entry in any of the CEP operator's keyed states. */
    private static Set<String> customersWithCepState(DetectorHarness h) {
        KeyedStateBackend<String> backend = h.harness().getOperator().getKeyedStateBackend();
        Set<String> keys = new TreeSet<>();
        for (String state : CEP_STATES) {
            try (Stream<String> k = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                keys.addAll(k.collect(Collectors.toSet()));
            }
        }
        return keys;
    }

    private static JourneyEvent failure(String customer, long t) {
        return journeyInteraction(customer, t, InteractionType.PAYMENT_FAILED, "checkout");
    }

    @Test
    void erasureDropsTheHalfSeenPatternAndTheQueuedEventsOfOneCustomerOnly() throws Exception {
        try (DetectorHarness h = onRocksDb(paymentFriction)) {
            h.send(failure("x", T0)).send(failure("y", T0)).watermark(T0 + 1);
            // x's second failure would complete the pattern; it waits in the queue for the watermark.
            h.send(failure("x", T0 + 2 * MIN));
            assertThat(customersWithCepState(h)).containsExactly("x", "y");
            // x: window timer of the partial match + queued event; y: window timer.
            assertThat(h.harness().numEventTimeTimers()).isEqualTo(3);

            h.erase("x", T0 + 2 * MIN + 1);

            assertThat(customersWithCepState(h)).as("x is gone from every CEP state, y is not").containsExactly("y");
            assertThat(h.harness().numEventTimeTimers()).as("x's timers are deleted").isEqualTo(1);
            assertThat(h.output()).as("the erasure is passed on to the outreach decision")
                    .singleElement().satisfies(m -> {
                        assertThat(m.erasure).isTrue();
                        assertThat(m.customerId).isEqualTo("x");
                        assertThat(m.type).isEqualTo(TriggerType.PAYMENT_FRICTION);
                    });
            h.send(failure("y", T0 + 3 * MIN)).watermark(T0 + 5 * MIN);
            assertThat(h.triggers()).as("the erasure is no event and completes nothing")
                    .extracting(t -> t.customerId).containsExactly("y");
            assertThat(h.triggers().get(0).evidence).hasSize(2);
        }
    }

    @Test
    void aCustomerErasedMidPatternStartsFromScratch() throws Exception {
        try (DetectorHarness h = onRocksDb(paymentFriction)) {
            h.send(failure("x", T0)).watermark(T0 + 1);
            h.erase("x", T0 + 2).watermark(T0 + 3);
            JourneyEvent afterA = failure("x", T0 + MIN);
            JourneyEvent afterB = failure("x", T0 + 2 * MIN);
            h.send(afterA).watermark(T0 + MIN + 1);
            assertThat(h.triggers()).as("one failure after the erasure is only half a pattern").isEmpty();
            h.send(afterB).watermark(T0 + 2 * MIN + 1);
            assertThat(h.triggers()).singleElement().satisfies(t -> assertThat(t.evidence)
                    .extracting(e -> e.getEventId()).containsExactly(afterA.eventId, afterB.eventId));
        }
    }

    @Test
    void anErasedCheckoutErrorIsNeverReportedAsAnAbandonment() throws Exception {
        try (DetectorHarness h = onRocksDb(abandonment)) {
            h.send(journeyInteraction("x", T0, InteractionType.ERROR, "checkout"))
                    .send(journeyInteraction("y", T0, InteractionType.ERROR, "checkout"))
                    .watermark(T0 + 1);
            h.watermark(T0 + MIN);
            // An erasure stamped behind the watermark (an old consent record) still erases: it is never late.
            h.erase("x", T0);
            assertThat(customersWithCepState(h)).containsExactly("y");
            h.watermark(T0 + 16 * MIN);
            assertThat(h.triggers()).extracting(t -> t.customerId + "/" + t.type)
                    .containsExactly("y/" + TriggerType.ERROR_THEN_ABANDON);
        }
    }

    /** A trigger the operator built before the erasure leaves ahead of the marker, never after it. */
    @Test
    void theMarkerFollowsEveryTriggerBuiltBeforeTheErasure() throws Exception {
        try (DetectorHarness h = onRocksDb(paymentFriction)) {
            h.send(failure("x", T0)).send(failure("x", T0 + MIN)).watermark(T0 + MIN + 1);
            h.erase("x", T0 + 2 * MIN);
            h.send(failure("x", T0 + 3 * MIN)).send(failure("x", T0 + 4 * MIN)).watermark(T0 + 4 * MIN + 1);
            assertThat(h.output()).extracting(t -> t.erasure ? "ERASURE" : "trigger@" + (t.lastEvidenceTime - T0) / MIN)
                    .containsExactly("trigger@1", "ERASURE", "trigger@4");
        }
    }

    @Test
    void anErasureSurvivesSnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (DetectorHarness h = onRocksDb(paymentFriction)) {
            h.send(failure("x", T0)).send(failure("y", T0)).watermark(T0 + 1);
            h.erase("x", T0 + 2);
            snapshot = h.harness().snapshot(1L, T0);
        }
        try (DetectorHarness h = new DetectorHarness(paymentFriction)) {
            h.harness().setStateBackend(new EmbeddedRocksDBStateBackend());
            h.harness().initializeState(snapshot);
            h.open();
            assertThat(customersWithCepState(h)).containsExactly("y");
            h.send(failure("x", T0 + MIN)).send(failure("y", T0 + MIN)).watermark(T0 + MIN + 1);
            assertThat(h.triggers()).extracting(t -> t.customerId).containsExactly("y");
        }
    }
}
