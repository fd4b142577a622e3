package io.cxstream.journey;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneyStage;
import io.cxstream.avro.JourneyState;
import io.cxstream.io.CxEvent;
import io.cxstream.testing.Events;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static io.cxstream.testing.Events.consent;
import static io.cxstream.testing.Events.feedback;
import static io.cxstream.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

class JourneyFunctionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int RECENT = 3;

    private JourneyFunction function;
    private KeyedOneInputStreamOperatorTestHarness<String, CxEvent, JourneyEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        function = new JourneyFunction(Duration.ofDays(90), RECENT, Duration.ofMinutes(15), "cx.interactions", "cx.feedback");
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(function, e -> e.customerId, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(CxEvent e) throws Exception {
        harness.processElement(e, e.eventTime);
    }

    private JourneyState state(String customer) throws Exception {
        ((org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) harness.getOperator()).setCurrentKey(customer);
        return function.getRuntimeContext().getState(JourneyFunction.journeyDescriptor(Duration.ofDays(90))).value();
    }

    @Test
    void flagsOnlyOrdersNearAPaymentFailureOrError() throws Exception {
        long min = 60_000;
        send(CxEvent.of(interaction("c1", T0, InteractionType.ORDER_PLACED, "checkout")));
        send(CxEvent.of(interaction("c1", T0 + min, InteractionType.PAYMENT_FAILED, "checkout")));
        send(CxEvent.of(interaction("c1", T0 + 2 * min, InteractionType.ORDER_PLACED, "checkout")));
        send(CxEvent.of(interaction("c1", T0 + 30 * min, InteractionType.ORDER_PLACED, "checkout")));
        send(CxEvent.of(interaction("c2", T0, InteractionType.ERROR, "checkout")));
        send(CxEvent.of(interaction("c2", T0 + 15 * min, InteractionType.ORDER_PLACED, "checkout")));

        List<JourneyEvent> out = harness.extractOutputValues();
        assertThat(out).extracting(e -> e.customerId + "@" + (e.eventTime - T0) / min + ":" + e.interactionType + ":" + e.afterFriction)
                .containsExactly(
                        "c1@0:ORDER_PLACED:false",   // no friction before it
                        "c1@1:PAYMENT_FAILED:false",
                        "c1@2:ORDER_PLACED:true",    // 1 min after a failure
                        "c1@30:ORDER_PLACED:false",  // 29 min after it: outside the 15 min window
                        "c2@0:ERROR:false",
                        "c2@15:ORDER_PLACED:true");  // exactly at the window's end
    }

    @Test
    void emitsAnOrderAgainWhenAnOlderFailureArrivesAfterIt() throws Exception {
        long min = 60_000;
        send(CxEvent.of(interaction("c1", T0 + 5 * min, InteractionType.ORDER_PLACED, "checkout")));
        // Arrives later but happened before the order: the detectors must see the order after it.
        send(CxEvent.of(interaction("c1", T0 + 4 * min, InteractionType.PAYMENT_FAILED, "checkout")));
        // Another older failure: the order has been flagged already, no third copy.
        send(CxEvent.of(interaction("c1", T0 + 3 * min, InteractionType.PAYMENT_FAILED, "checkout")));

        List<JourneyEvent> out = harness.extractOutputValues();
        assertThat(out).extracting(e -> (e.eventTime - T0) / min + ":" + e.interactionType + ":" + e.afterFriction)
                .containsExactly("5:ORDER_PLACED:false", "4:PAYMENT_FAILED:false", "5:ORDER_PLACED:true",
                        "3:PAYMENT_FAILED:false");
        JourneyEvent again = out.get(2);
        assertThat(again.eventId).isEqualTo(out.get(0).eventId);
        assertThat(again.customerId).isEqualTo("c1");
        assertThat(again.snapshot).as("carries the journey as it is now").isNotNull();
        assertThat(state("c1").getOrders()).as("counted once").isEqualTo(1);
    }

    @Test
    void tracksStageTouchpointsAndOrdersPerCustomer() throws Exception {
        send(CxEvent.of(interaction("c1", T0, InteractionType.PAGE_VIEW, "home")));
        send(CxEvent.of(interaction("c1", T0 + 1, InteractionType.CART_ADD, "cart")));
        send(CxEvent.of(interaction("c2", T0 + 2, InteractionType.PAGE_VIEW, "home")));
        send(CxEvent.of(interaction("c1", T0 + 3, InteractionType.CHECKOUT_START, "checkout")));
        send(CxEvent.of(interaction("c1", T0 + 4, InteractionType.ORDER_PLACED, "checkout")));

        List<JourneyEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(5);
        JourneyEvent last = out.get(4);
        assertThat(last.customerId).isEqualTo("c1");
        assertThat(last.snapshot.getStage()).isEqualTo(JourneyStage.PURCHASE);
        assertThat(last.snapshot.getSegment()).isEqualTo("ACTIVE");
        assertThat(last.snapshot.getRecentTouchpoints())
                .as("bounded to the last " + RECENT).containsExactly("WEB:cart", "WEB:checkout", "WEB:checkout");
        assertThat(out.get(2).snapshot.getStage()).as("c2 has its own journey").isEqualTo(JourneyStage.AWARENESS);

        JourneyState c1 = state("c1");
        assertThat(c1.getOrders()).isEqualTo(1);
        assertThat(c1.getLastEventTime()).isEqualTo(T0 + 4);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
    }

    @Test
    void scoresFeedbackAsItArrives() throws Exception {
        send(CxEvent.of(interaction("c1", T0, InteractionType.ORDER_PLACED, "checkout")));
        send(CxEvent.of(feedback("c1", T0 + 1, FeedbackMetric.CSAT, 2)));
        send(CxEvent.of(feedback("c1", T0 + 2, FeedbackMetric.NPS, 3)));

        List<JourneyEvent> out = harness.extractOutputValues();
        JourneyEvent csat = out.get(1);
        assertThat(csat.metric).isEqualTo(FeedbackMetric.CSAT);
        assertThat(csat.normalizedScore).isEqualTo(25);
        assertThat(csat.npsCategory).isNull();
        JourneyEvent nps = out.get(2);
        assertThat(nps.npsCategory).isEqualTo(NpsCategory.DETRACTOR);
        assertThat(nps.normalizedScore).isEqualTo(30);
        assertThat(nps.snapshot.getStage()).isEqualTo(JourneyStage.AT_RISK);
        assertThat(nps.snapshot.getLastNps()).isEqualTo(3);
        assertThat(nps.snapshot.getLastCsat()).isEqualTo(2);
        assertThat(nps.snapshot.getChurnRisk()).isGreaterThanOrEqualTo(60);
    }

    @Test
    void lateEventsAreDeadLetteredNotProcessed() throws Exception {
        send(CxEvent.of(interaction("c1", T0, InteractionType.PAGE_VIEW, "home")));
        harness.processWatermark(T0 + 10_000);
        InteractionEvent late = interaction("c1", T0 + 5_000, InteractionType.PAYMENT_FAILED, "checkout");
        send(CxEvent.of(late));

        assertThat(harness.extractOutputValues()).hasSize(1);
        List<DeadLetter> dead = harness.getSideOutput(JourneyFunction.LATE).stream()
                .map(StreamRecord::getValue).collect(Collectors.toList());
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getReason()).isEqualTo(DeadLetterReason.LATE_EVENT);
        assertThat(dead.get(0).getSourceTopic()).isEqualTo("cx.interactions");
        assertThat(InteractionEvent.fromByteBuffer(dead.get(0).getPayload())).isEqualTo(late);
        assertThat(state("c1").getFriction()).as("a late event does not change the journey").isZero();
    }

    @Test
    void consentsUpdateStateAreForwardedAndNeverLate() throws Exception {
        harness.processWatermark(T0 + 10_000);
        send(CxEvent.of(consent("c1", T0, ConsentAction.OPT_IN, ConsentPurpose.MARKETING)));
        send(CxEvent.of(consent("c1", T0 + 1, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE)));

        List<ConsentEvent> forwarded = harness.getSideOutput(JourneyFunction.CONSENTS).stream()
                .map(StreamRecord::getValue).collect(Collectors.toList());
        assertThat(forwarded).hasSize(2);
        assertThat(harness.getSideOutput(JourneyFunction.LATE)).isNull();
        JourneyState s = state("c1");
        assertThat(s.getMarketingConsent()).isTrue();
        assertThat(s.getServiceConsent()).isFalse();
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void erasureRemovesTheJourney() throws Exception {
        send(CxEvent.of(interaction("c1", T0, InteractionType.PAGE_VIEW, "home")));
        send(CxEvent.of(interaction("c2", T0, InteractionType.PAGE_VIEW, "home")));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        send(CxEvent.of(consent("c1", T0 + 1, ConsentAction.ERASE, ConsentPurpose.ALL)));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(state("c1")).isNull();
        assertThat(state("c2")).isNotNull();
    }

    @Test
    void segmentAttributeOverridesTheDerivedSegment() throws Exception {
        InteractionEvent e = Events.interaction("c1", T0, InteractionType.LOGIN, "app");
        e.getAttributes().put(JourneyFunction.SEGMENT_ATTRIBUTE, "VIP");
        send(CxEvent.of(e));
        assertThat(harness.extractOutputValues().get(0).snapshot.getSegment()).isEqualTo("VIP");
    }
}
