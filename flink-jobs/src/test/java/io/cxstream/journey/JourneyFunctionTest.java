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
import io.cxstream.rules.RuleRecord;
import io.cxstream.rules.Trigger;
import io.cxstream.testing.Events;
import io.cxstream.testing.JourneyHarness;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.cxstream.testing.Events.consent;
import static io.cxstream.testing.Events.feedback;
import static io.cxstream.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

class JourneyFunctionTest {
    private static final long T0 = JourneyHarness.T0;
    private static final int RECENT = 3;

    private JourneyHarness journey;
    private KeyedBroadcastOperatorTestHarness<String, CxEvent, RuleRecord, JourneyEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        journey = new JourneyHarness(Map.of("journey.recent-touchpoints", Integer.toString(RECENT)), false).open();
        harness = journey.harness();
    }

    @AfterEach
    void tearDown() throws Exception {
        journey.close();
    }

    private void send(CxEvent e) throws Exception {
        journey.send(e);
    }

    private JourneyState state(String customer) throws Exception {
        return journey.state(customer);
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
                .as("bounded to the last " + RECENT)
                .containsExactly("WEB:cart", "WEB:checkout", "WEB:checkout");
        assertThat(out.get(2).snapshot.getStage()).as("c2 has its own journey").isEqualTo(JourneyStage.AWARENESS);

        JourneyState c1 = state("c1");
        assertThat(c1.getOrders()).isEqualTo(1);
        assertThat(c1.getLastEventTime()).isEqualTo(T0 + 4);
        assertThat(journey.keyedStateEntries()).as("one value per customer").isEqualTo(2);
        assertThat(journey.ruleState("c1").getPending())
                .as("c1's order waits for the watermark in its value "
                        + "(an order resets payment friction and cancels an abandonment)")
                .hasSize(1);
        assertThat(journey.ruleState("c2")).isNull();
        journey.watermark(T0 + 4);
        assertThat(journey.ruleState("c1"))
                .as("applied and gone: it started nothing")
                .isNull();
        assertThat(journey.keyedStateEntries()).isEqualTo(2);
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
        journey.watermark(T0 + 10_000);
        InteractionEvent late = interaction("c1", T0 + 5_000, InteractionType.PAYMENT_FAILED, "checkout");
        send(CxEvent.of(late));

        assertThat(harness.extractOutputValues()).hasSize(1);
        List<DeadLetter> dead = harness.getSideOutput(JourneyFunction.LATE).stream()
                .map(StreamRecord::getValue)
                .collect(Collectors.toList());
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getReason()).isEqualTo(DeadLetterReason.LATE_EVENT);
        assertThat(dead.get(0).getSourceTopic()).isEqualTo("cx.interactions");
        assertThat(InteractionEvent.fromByteBuffer(dead.get(0).getPayload())).isEqualTo(late);
        assertThat(state("c1").getFriction())
                .as("a late event does not change the journey")
                .isZero();
    }

    @Test
    void consentsUpdateStateAreForwardedAndNeverLate() throws Exception {
        journey.watermark(T0 + 10_000);
        send(CxEvent.of(consent("c1", T0, ConsentAction.OPT_IN, ConsentPurpose.MARKETING)));
        send(CxEvent.of(consent("c1", T0 + 1, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE)));

        List<ConsentEvent> forwarded =
                journey.triggerRecords().stream().map(r -> r.getValue().consent).collect(Collectors.toList());
        assertThat(forwarded)
                .as("passed on to the decision, in order")
                .extracting(ConsentEvent::getAction)
                .containsExactly(ConsentAction.OPT_IN, ConsentAction.OPT_OUT);
        assertThat(harness.getSideOutput(JourneyFunction.LATE)).isNull();
        JourneyState s = state("c1");
        assertThat(s.getMarketingConsent()).isTrue();
        assertThat(s.getServiceConsent()).isFalse();
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void erasureRemovesTheJourneyAndTheRuleStateThenSendsAMarkerBehindEveryFinding() throws Exception {
        send(CxEvent.of(interaction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout")));
        send(CxEvent.of(feedback("c1", T0 + 1, FeedbackMetric.NPS, 2)));
        send(CxEvent.of(interaction("c2", T0, InteractionType.PAYMENT_FAILED, "checkout")));
        assertThat(journey.keyedStateEntries()).as("one value each").isEqualTo(2);
        assertThat(journey.ruleState("c1")).as("c1's rule progress").isNotNull();
        assertThat(journey.ruleState("c2")).as("c2's rule progress").isNotNull();
        send(CxEvent.of(consent("c1", T0 + 2, ConsentAction.ERASE, ConsentPurpose.ALL)));
        assertThat(journey.keyedStateEntries())
                .as("nothing of c1 left but its tombstone")
                .isEqualTo(2);
        assertThat(state("c1")).isNull();
        assertThat(state("c2")).isNotNull();
        journey.setCurrentKey("c1");
        assertThat(journey.function()
                        .getRuntimeContext()
                        .getState(JourneyFunction.erasedDescriptor(Duration.ofDays(30)))
                        .value())
                .as("the tombstone holds the erasure's event time, nothing else")
                .isEqualTo(T0 + 2);

        List<Trigger> out =
                journey.triggerRecords().stream().map(StreamRecord::getValue).toList();
        assertThat(out)
                .extracting(t -> t.customerId + ":" + (t.erasure ? "ERASURE" : t.trigger))
                .containsExactly("c1:DETRACTOR", "c1:ERASURE");
        Trigger marker = out.get(1);
        assertThat(marker.lastEvidenceTime).isEqualTo(T0 + 2);
        assertThat(marker.evidence).isNull();
        assertThat(marker.consent).isNull();

        // c1's half-seen payment friction is gone: a failure after the erasure starts afresh.
        send(CxEvent.of(interaction("c1", T0 + 3, InteractionType.PAYMENT_FAILED, "checkout")));
        send(CxEvent.of(interaction("c2", T0 + 3, InteractionType.PAYMENT_FAILED, "checkout")));
        journey.watermark(T0 + 10);
        assertThat(journey.triggers())
                .extracting(t -> t.customerId + ":" + t.trigger)
                .containsExactly("c1:DETRACTOR", "c2:PAYMENT_FRICTION");
    }

    @Test
    void segmentAttributeOverridesTheDerivedSegment() throws Exception {
        InteractionEvent e = Events.interaction("c1", T0, InteractionType.LOGIN, "app");
        e.getAttributes().put(JourneyUpdate.SEGMENT_ATTRIBUTE, "VIP");
        send(CxEvent.of(e));
        assertThat(harness.extractOutputValues().get(0).snapshot.getSegment()).isEqualTo("VIP");
    }

    /** A new customer's value is exactly what the schema's defaults give, whatever the schema gains later. */
    @Test
    void aNewCustomersValueIsTheSchemasDefaults() {
        for (Long tombstone : new Long[] {null, T0}) {
            assertThat(JourneyStore.newState(tombstone))
                    .isEqualTo(JourneyState.newBuilder()
                            .setErasedAt(tombstone)
                            .setLayout(JourneyStore.LAYOUT)
                            .build());
        }
    }
}
