package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.Evidence;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.detect.Trigger;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.cxstream.testing.Events.consent;
import static org.assertj.core.api.Assertions.assertThat;

class OutreachDecisionFunctionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final Duration COOLDOWN = Duration.ofHours(24);
    private static final List<TriggerType> DETECTORS = List.of(TriggerType.DETRACTOR, TriggerType.PAYMENT_FRICTION);

    private KeyedTwoInputStreamOperatorTestHarness<String, Trigger, io.cxstream.avro.ConsentEvent, OutreachEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        setUp(null);
    }

    private void setUp(org.apache.flink.runtime.checkpoint.OperatorSubtaskState restoreFrom) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new OutreachDecisionFunction(COOLDOWN, Duration.ofDays(90), true, false, DETECTORS)),
                t -> t.customerId, c -> c.getCustomerId(), Types.STRING);
        harness.setProcessingTime(T0 + 5_000);
        watermark = Long.MIN_VALUE;
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    static Trigger trigger(String customer, TriggerType type, long time, String... eventIds) {
        Trigger t = new Trigger();
        t.customerId = customer;
        t.type = type;
        t.priority = Priority.P2;
        t.reason = "reason";
        t.recommendedAction = "action";
        t.evidence = new java.util.ArrayList<>();
        for (String id : eventIds) {
            t.evidence.add(new Evidence(id, Instant.ofEpochMilli(time), "NPS=3"));
        }
        t.snapshot = JourneySnapshot.newBuilder().build();
        t.lastEvidenceTime = time;
        return t;
    }

    /** Sends a trigger and moves the watermark past it, as the job's watermark follows its evidence. */
    private void send(Trigger t) throws Exception {
        harness.processElement1(new StreamRecord<>(t, t.lastEvidenceTime));
        watermark(t.lastEvidenceTime);
    }

    private long watermark = Long.MIN_VALUE;

    private void watermark(long time) throws Exception {
        if (time > watermark) {
            watermark = time;
            harness.processBothWatermarks(new Watermark(time));
        }
    }

    private void send(io.cxstream.avro.ConsentEvent c) throws Exception {
        harness.processElement2(new StreamRecord<>(c, c.getEventTime().toEpochMilli()));
    }

    @Test
    void emitsARoutedOutreachWithDeterministicIdAndLatency() throws Exception {
        send(trigger("c1", TriggerType.DETRACTOR, T0, "e1"));
        List<OutreachEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        OutreachEvent o = out.get(0);
        assertThat(o.getRoute()).isEqualTo(Route.CONTACT_CENTER);
        assertThat(o.getOutreachId()).isEqualTo(OutreachIds.of("c1", TriggerType.DETRACTOR, o.getEvidence()));
        assertThat(o.getLastEvidenceTime()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(o.getEmittedAt()).isEqualTo(Instant.ofEpochMilli(T0 + 5_000));
        assertThat(OutreachIds.of("c1", TriggerType.DETRACTOR, o.getEvidence()))
                .isNotEqualTo(OutreachIds.of("c2", TriggerType.DETRACTOR, o.getEvidence()))
                .isNotEqualTo(OutreachIds.of("c1", TriggerType.PROMOTER, o.getEvidence()));
    }

    @Test
    void aSecondTriggerInsideTheCooldownIsSuppressedPerTriggerType() throws Exception {
        send(trigger("c1", TriggerType.DETRACTOR, T0, "e1"));
        send(trigger("c1", TriggerType.DETRACTOR, T0 + COOLDOWN.toMillis() - 1, "e2"));
        send(trigger("c1", TriggerType.PAYMENT_FRICTION, T0 + 1, "e3", "e4"));
        send(trigger("c2", TriggerType.DETRACTOR, T0 + 2, "e5"));
        send(trigger("c1", TriggerType.DETRACTOR, T0 + COOLDOWN.toMillis(), "e6"));

        List<OutreachEvent> out = harness.extractOutputValues();
        assertThat(out).extracting(o -> o.getCustomerId() + "/" + o.getTrigger() + "/" + o.getEvidence().get(0).getEventId())
                .containsExactly("c1/DETRACTOR/e1", "c1/PAYMENT_FRICTION/e3", "c2/DETRACTOR/e5", "c1/DETRACTOR/e6");
    }

    @Test
    void consentGatesEachRouteAndMarketingNeedsAnOptIn() throws Exception {
        send(trigger("c1", TriggerType.PROMOTER, T0, "p1"));
        assertThat(harness.extractOutputValues()).as("marketing is opt-in by default").isEmpty();

        send(consent("c1", T0 + 1, ConsentAction.OPT_IN, ConsentPurpose.MARKETING));
        send(trigger("c1", TriggerType.PROMOTER, T0 + 2, "p2"));
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.extractOutputValues().get(0).getRoute()).isEqualTo(Route.MARKETING);

        send(consent("c1", T0 + 3, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE));
        send(trigger("c1", TriggerType.DETRACTOR, T0 + 4, "d1"));
        assertThat(harness.extractOutputValues()).as("service opt-out stops contact-center outreach").hasSize(1);

        send(consent("c1", T0 + 5, ConsentAction.OPT_IN, ConsentPurpose.ALL));
        send(trigger("c1", TriggerType.DETRACTOR, T0 + 6, "d2"));
        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void aTriggerWaitsForTheWatermarkSoAnEarlierConsentArrivingLaterStillCounts() throws Exception {
        harness.processElement1(new StreamRecord<>(trigger("c1", TriggerType.DETRACTOR, T0 + 10, "d1"), T0 + 10));
        harness.processElement1(new StreamRecord<>(trigger("c2", TriggerType.DETRACTOR, T0 + 10, "d2"), T0 + 10));
        assertThat(harness.extractOutputValues()).as("held until the watermark passes its evidence").isEmpty();

        // c1 opted out just before answering; the opt-out comes in on the other input after the trigger.
        send(consent("c1", T0 + 5, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE));
        watermark(T0 + 9);
        assertThat(harness.extractOutputValues()).isEmpty();
        watermark(T0 + 10);
        assertThat(harness.extractOutputValues()).extracting(OutreachEvent::getCustomerId).containsExactly("c2");
        assertThat(harness.extractOutputValues().get(0).getEmittedAt()).isEqualTo(Instant.ofEpochMilli(T0 + 5_000));
    }

    /** The erasure as it reaches the decision: on the consent input, and as each detector's marker. */
    private void erase(String customer, long time) throws Exception {
        send(consent(customer, time, ConsentAction.ERASE, ConsentPurpose.ALL));
        for (TriggerType type : DETECTORS) {
            marker(customer, type, time);
        }
    }

    private void marker(String customer, TriggerType type, long time) throws Exception {
        harness.processElement1(new StreamRecord<>(Trigger.erasureMarker(customer, type, time), time));
    }

    @Test
    void erasureDropsTriggersStillWaiting() throws Exception {
        harness.processElement1(new StreamRecord<>(trigger("c1", TriggerType.DETRACTOR, T0 + 10, "d1"), T0 + 10));
        erase("c1", T0 + 5);
        assertThat(harness.numKeyedStateEntries()).as("nothing kept for the customer").isZero();
        watermark(T0 + 20);
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void erasureForgetsConsentAndCooldowns() throws Exception {
        send(consent("c1", T0, ConsentAction.OPT_IN, ConsentPurpose.MARKETING));
        send(trigger("c1", TriggerType.DETRACTOR, T0 + 1, "d1"));
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);
        erase("c1", T0 + 2);
        assertThat(harness.numKeyedStateEntries()).isZero();
        send(trigger("c1", TriggerType.DETRACTOR, T0 + 3, "d2"));
        assertThat(harness.extractOutputValues()).as("no cooldown left from before the erasure")
                .extracting(o -> o.getEvidence().get(0).getEventId()).containsExactly("d1", "d2");
    }

    /**
     * The race the markers close: the detector emitted a trigger from pre-erasure events just before
     * it saw the erasure, and the trigger reaches the decision after the request did (separate
     * channels). It must not go out, though the watermark has long passed its evidence.
     */
    @Test
    void aPreErasureTriggerThatArrivesAfterTheRequestIsDropped() throws Exception {
        watermark(T0 + 100);
        send(consent("c1", T0 + 50, ConsentAction.ERASE, ConsentPurpose.ALL));
        harness.processElement1(new StreamRecord<>(trigger("c1", TriggerType.DETRACTOR, T0 + 40, "d1"), T0 + 40));
        harness.processElement1(new StreamRecord<>(trigger("c1", TriggerType.PAYMENT_FRICTION, T0 + 45, "f1", "f2"), T0 + 45));
        harness.processElement1(new StreamRecord<>(trigger("c2", TriggerType.DETRACTOR, T0 + 40, "x1"), T0 + 40));
        assertThat(harness.extractOutputValues()).as("only the customer who was not erased")
                .extracting(OutreachEvent::getCustomerId).containsExactly("c2");

        marker("c1", TriggerType.DETRACTOR, T0 + 50);
        // After its marker, the detector's triggers come from events after the erasure: they count.
        harness.processElement1(new StreamRecord<>(trigger("c1", TriggerType.DETRACTOR, T0 + 150, "d2"), T0 + 150));
        // Payment friction has not passed the erasure on yet: what it sends still predates it.
        harness.processElement1(new StreamRecord<>(trigger("c1", TriggerType.PAYMENT_FRICTION, T0 + 46, "f3", "f4"), T0 + 46));
        watermark(T0 + 200);
        assertThat(harness.extractOutputValues()).extracting(o -> o.getEvidence().get(0).getEventId()).containsExactly("x1", "d2");

        marker("c1", TriggerType.PAYMENT_FRICTION, T0 + 50);
        send(trigger("c1", TriggerType.PAYMENT_FRICTION, T0 + 300, "f5", "f6"));
        assertThat(harness.extractOutputValues()).extracting(o -> o.getEvidence().get(0).getEventId()).containsExactly("x1", "d2", "f5");
        assertThat(erasuresInProgress()).as("every channel caught up: the erasure bookkeeping is gone").isFalse();
    }

    /** A trigger already waiting when the request comes is pre-erasure too, even before its detector's marker. */
    @Test
    void aWaitingTriggerIsDroppedWhenTheWatermarkComesBeforeItsDetectorsMarker() throws Exception {
        harness.processElement1(new StreamRecord<>(trigger("c1", TriggerType.DETRACTOR, T0 + 10, "d1"), T0 + 10));
        harness.processElement1(new StreamRecord<>(trigger("c2", TriggerType.DETRACTOR, T0 + 10, "x1"), T0 + 10));
        send(consent("c1", T0 + 5, ConsentAction.ERASE, ConsentPurpose.ALL));
        watermark(T0 + 20);
        assertThat(harness.extractOutputValues()).extracting(OutreachEvent::getCustomerId).containsExactly("c2");
    }

    /** Markers may come before the request on the consent input; a second erasure counts on its own. */
    @Test
    void markersBeforeTheRequestAndBackToBackErasuresReconcile() throws Exception {
        marker("c1", TriggerType.DETRACTOR, T0);
        marker("c1", TriggerType.PAYMENT_FRICTION, T0);
        // A new trigger after both markers is post-erasure, though the consent input is still behind.
        harness.processElement1(new StreamRecord<>(trigger("c1", TriggerType.DETRACTOR, T0 + 10, "d1"), T0 + 10));
        marker("c1", TriggerType.DETRACTOR, T0 + 5); // a second erasure, seen first by the detractor detector
        send(consent("c1", T0, ConsentAction.ERASE, ConsentPurpose.ALL));
        assertThat(erasuresInProgress()).isTrue();
        send(consent("c1", T0 + 5, ConsentAction.ERASE, ConsentPurpose.ALL));
        marker("c1", TriggerType.PAYMENT_FRICTION, T0 + 5);
        watermark(T0 + 20);
        assertThat(harness.extractOutputValues()).as("d1 waited, then the second erasure cleared it").isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anErasureUnderWaySurvivesSnapshotAndRestore() throws Exception {
        watermark(T0 + 100);
        send(consent("c1", T0 + 50, ConsentAction.ERASE, ConsentPurpose.ALL));
        var snapshot = harness.snapshot(1, T0 + 100);
        harness.close();
        setUp(snapshot);
        harness.processElement1(new StreamRecord<>(trigger("c1", TriggerType.DETRACTOR, T0 + 40, "d1"), T0 + 40));
        harness.processElement1(new StreamRecord<>(trigger("c2", TriggerType.DETRACTOR, T0 + 40, "x1"), T0 + 40));
        watermark(T0 + 200);
        assertThat(harness.extractOutputValues()).extracting(OutreachEvent::getCustomerId).containsExactly("c2");
    }

    private boolean erasuresInProgress() throws Exception {
        try (var keys = harness.getOperator().getKeyedStateBackend()
                .getKeys("erasures", org.apache.flink.runtime.state.VoidNamespace.INSTANCE)) {
            return keys.findAny().isPresent();
        }
    }
}
