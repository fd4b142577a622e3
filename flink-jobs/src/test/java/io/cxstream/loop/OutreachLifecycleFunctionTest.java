package io.cxstream.loop;

import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.Priority;
import io.cxstream.testing.Events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.cxstream.avro.FeedbackAction.ACK;
import static io.cxstream.avro.FeedbackAction.CLOSE;
import static io.cxstream.loop.LifecycleHarness.MIN;
import static io.cxstream.loop.LifecycleHarness.T0;
import static io.cxstream.loop.LifecycleHarness.outreach;
import static org.assertj.core.api.Assertions.assertThat;

/** Every transition of the outreach lifecycle, in the keyed harness (processing time is the SLA's clock). */
class OutreachLifecycleFunctionTest {
    private static final OutreachEvent FRICTION =
            outreach("c1", "payment-friction", "PAYMENT_FRICTION", Priority.P1, T0);
    private static final OutreachEvent DETRACTOR = outreach("c1", "detractor", "DETRACTOR", Priority.P2, T0);

    @Test
    void anOutreachIsSentOpenThenAckedThenClosedWithWhoAndTheOutcome() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(FRICTION);
            assertThat(h.sent()).containsExactly(FRICTION);
            h.clock(5 * MIN)
                    .feedback("c1", FRICTION.getOutreachId(), ACK, T0 + 5 * MIN, null)
                    .clock(9 * MIN)
                    .feedback("c1", FRICTION.getOutreachId(), CLOSE, T0 + 9 * MIN, "refunded, happy now");
            assertThat(h.statuses()).containsExactly("OPEN P1", "ACKED P1", "CLOSED P1");
            OutreachUpdate closed = h.updates().get(2);
            assertThat(closed.getOutreachId()).isEqualTo(FRICTION.getOutreachId());
            assertThat(closed.getHandledBy()).isEqualTo("agent-7");
            assertThat(closed.getOutcomeCode()).isEqualTo("CALLED_BACK");
            assertThat(closed.getNote()).isEqualTo("refunded, happy now");
            assertThat(closed.getUpdatedAt().toEpochMilli()).isEqualTo(T0 + 9 * MIN);
            h.clock(60 * MIN); // past the SLA: nothing, it was acked
            assertThat(h.statuses()).hasSize(3);
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void anOrderWithinTheWindowResolvesAnUnackedPaymentFrictionAndItsSlaNoLongerRuns() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(FRICTION)
                    .event(Events.journeyInteraction("c1", T0 + 2 * MIN, InteractionType.ORDER_PLACED, "checkout"));
            assertThat(h.statuses()).containsExactly("OPEN P1", "RESOLVED P1", "RESOLVED/RECOVERED");
            assertThat(h.updates().get(1).getDetail()).isEqualTo("resolved by ORDER_PLACED");
            h.clock(120 * MIN);
            assertThat(h.statuses()).hasSize(3);
            assertThat(h.stateEntries())
                    .as("ended and followed up: nothing kept but the early event")
                    .isEqualTo(2);
        }
    }

    @Test
    void anOrderThatArrivesBeforeTheOutreachWithdrawsItUnsent() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.event(Events.journeyInteraction("c1", T0 + 1_000, InteractionType.ORDER_PLACED, "checkout"))
                    .send(FRICTION);
            assertThat(h.sent()).isEmpty();
            assertThat(h.statuses()).containsExactly("RESOLVED P1", "RESOLVED/RECOVERED");
            assertThat(h.updates().get(0).getDetail()).isEqualTo("resolved before it was sent by ORDER_PLACED");
        }
    }

    @Test
    void anOrderBeforeTheTriggerOrAfterTheWindowResolvesNothing() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness("outreach.resolve-within", "1 h")) {
            h.event(Events.journeyInteraction("c1", T0 - 1_000, InteractionType.ORDER_PLACED, "checkout"))
                    .send(FRICTION)
                    .event(Events.journeyInteraction("c1", T0 + 61 * MIN, InteractionType.ORDER_PLACED, "checkout"));
            assertThat(h.sent()).containsExactly(FRICTION);
            assertThat(h.statuses()).containsExactly("OPEN P1", "OPEN/RECOVERED");
        }
    }

    @Test
    void aDetractorIsResolvedByALaterPromoterAnswerButNotByAnotherLowOne() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(DETRACTOR).event(Events.journeyNps("c1", T0 + MIN, 5));
            assertThat(h.statuses()).containsExactly("OPEN P2");
            h.event(Events.journeyNps("c1", T0 + 2 * MIN, 10));
            assertThat(h.statuses()).containsExactly("OPEN P2", "RESOLVED P2", "RESOLVED/RECOVERED");
            assertThat(h.updates().get(1).getDetail()).isEqualTo("resolved by NPS=10");
        }
    }

    @Test
    void anAckedOutreachIsNotWithdrawnByAnOrder() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(FRICTION)
                    .feedback("c1", FRICTION.getOutreachId(), ACK, T0 + MIN, null)
                    .event(Events.journeyInteraction("c1", T0 + 2 * MIN, InteractionType.ORDER_PLACED, "checkout"));
            assertThat(h.statuses()).containsExactly("OPEN P1", "ACKED P1", "ACKED/RECOVERED");
        }
    }

    @Test
    void aMissedSlaEscalatesOnePriorityUpAndASecondMissExpires() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(DETRACTOR).clock(60 * MIN - 1);
            assertThat(h.statuses()).containsExactly("OPEN P2");
            h.clock(60 * MIN);
            assertThat(h.statuses()).containsExactly("OPEN P2", "ESCALATED P1");
            assertThat(h.updates().get(1).getDetail())
                    .isEqualTo("P2 not acked within 1 h: escalated to supervisor as P1");
            assertThat(h.updates().get(1).getUpdatedAt().toEpochMilli()).isEqualTo(T0 + 60 * MIN);
            h.clock(75 * MIN - 1);
            assertThat(h.statuses()).hasSize(2);
            h.clock(75 * MIN);
            assertThat(h.statuses()).containsExactly("OPEN P2", "ESCALATED P1", "EXPIRED P1");
            assertThat(h.updates().get(2).getUpdatedAt().toEpochMilli()).isEqualTo(T0 + 75 * MIN);
        }
    }

    @Test
    void anEscalatedOutreachCanStillBeAcked() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(DETRACTOR)
                    .clock(61 * MIN)
                    .feedback("c1", DETRACTOR.getOutreachId(), ACK, T0 + 61 * MIN, null)
                    .clock(200 * MIN);
            assertThat(h.statuses()).containsExactly("OPEN P2", "ESCALATED P1", "ACKED P1");
        }
    }

    @Test
    void aRulesOwnAckSlaOverridesTheRoutes() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness("outreach.sla.contact-center", "P1=1 min;P2=2 min")) {
            h.send(DETRACTOR).clock(2 * MIN);
            assertThat(h.statuses()).containsExactly("OPEN P2", "ESCALATED P1");
            h.clock(3 * MIN);
            assertThat(h.statuses()).containsExactly("OPEN P2", "ESCALATED P1", "EXPIRED P1");
        }
    }

    @Test
    void aCloseReadBeforeItsAckLeavesItClosedAndTheLateAckIsIgnored() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(FRICTION)
                    .feedback("c1", FRICTION.getOutreachId(), CLOSE, T0 + 10 * MIN, null)
                    .feedback("c1", FRICTION.getOutreachId(), ACK, T0 + 5 * MIN, null);
            assertThat(h.statuses()).containsExactly("OPEN P1", "CLOSED P1");
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void aDuplicateAckChangesNothing() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(FRICTION)
                    .feedback("c1", FRICTION.getOutreachId(), ACK, T0 + MIN, null)
                    .feedback("c1", FRICTION.getOutreachId(), ACK, T0 + MIN, null)
                    .feedback("c1", FRICTION.getOutreachId(), ACK, T0 + 2 * MIN, null);
            assertThat(h.statuses()).containsExactly("OPEN P1", "ACKED P1");
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void anAckForAnUnknownIdIsDeadLetteredWithItsReasonAndWithoutTheNote() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(FRICTION).feedback("c1", "no-such-id", CLOSE, T0 + MIN, "secret note");
            assertThat(h.deadLetters()).hasSize(1);
            assertThat(h.deadLetters().get(0).getReason()).isEqualTo(DeadLetterReason.UNKNOWN_OUTREACH);
            assertThat(h.deadLetters().get(0).getDetail()).contains("no-such-id");
            assertThat(new String(h.deadLetters().get(0).getPayload().array()))
                    .contains("no-such-id")
                    .doesNotContain("secret");
            assertThat(h.statuses()).containsExactly("OPEN P1");
        }
    }

    @Test
    void anAckForAnAlreadyClosedOrResolvedIdIsDeadLettered() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(FRICTION)
                    .feedback("c1", FRICTION.getOutreachId(), CLOSE, T0 + MIN, null)
                    .feedback("c1", FRICTION.getOutreachId(), ACK, T0 + 2 * MIN, null)
                    .send(DETRACTOR)
                    .event(Events.journeyNps("c1", T0 + MIN, 9))
                    .feedback("c1", DETRACTOR.getOutreachId(), ACK, T0 + 3 * MIN, null);
            assertThat(h.deadLetters())
                    .extracting(d -> d.getDetail())
                    .containsExactly(
                            "outreach " + FRICTION.getOutreachId() + " is already CLOSED",
                            "no outreach " + DETRACTOR.getOutreachId()
                                    + " is followed for this customer (unknown, erased or long ended)");
        }
    }

    @Test
    void anErasureForgetsTheCustomerAndALaterAckIsDeadLettered() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.send(FRICTION)
                    .event(Events.journeyInteraction("c1", T0 - MIN, InteractionType.ORDER_PLACED, "x"))
                    .erase("c1", T0 + MIN);
            assertThat(h.stateEntries()).as("only the time of the erasure").isEqualTo(1);
            h.feedback("c1", FRICTION.getOutreachId(), ACK, T0 + 2 * MIN, "note")
                    .clock(100 * MIN)
                    .watermark(T0 + 30L * 24 * 60 * MIN);
            assertThat(h.statuses()).containsExactly("OPEN P1");
            assertThat(h.deadLetters()).hasSize(1);
        }
    }

    @Test
    void anOutreachDecidedBeforeAnErasureButArrivingAfterItsMarkerIsDropped() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.erase("c1", T0 + MIN).send(FRICTION);
            assertThat(h.sent()).isEmpty();
            assertThat(h.updates()).isEmpty();
            h.send(outreach("c1", "payment-friction", "PAYMENT_FRICTION", Priority.P1, T0 + 2 * MIN));
            assertThat(h.sent())
                    .as("a trigger after the erasure is a new relationship")
                    .hasSize(1);
        }
    }

    @ParameterizedTest(name = "rocksDb={0}")
    @ValueSource(booleans = {false, true})
    void aRestoreMidLifecycleKeepsTheStateAndTheSlaTimer(boolean rocksDb) throws Exception {
        try (LifecycleHarness h = new LifecycleHarness(rocksDb)) {
            h.send(DETRACTOR)
                    .send(FRICTION)
                    .feedback("c1", FRICTION.getOutreachId(), ACK, T0 + MIN, null)
                    .clock(10 * MIN);
            h.restart();
            h.feedback("c1", FRICTION.getOutreachId(), CLOSE, T0 + 20 * MIN, null)
                    .clock(60 * MIN);
            assertThat(h.statuses()).containsExactly("CLOSED P1", "ESCALATED P1");
            assertThat(h.updates().get(1).getOutreachId()).isEqualTo(DETRACTOR.getOutreachId());
            h.event(Events.journeyNps("c1", T0 + 61 * MIN, 9)); // an escalated one is still withdrawn when healed
            assertThat(h.statuses().subList(2, h.statuses().size()))
                    .as("the two outreach in the state's order")
                    .containsExactlyInAnyOrder("RESOLVED P1", "RESOLVED/RECOVERED", "CLOSED/RECOVERED");
        }
    }

    @Test
    void aCapSuppressesAcrossTriggersPerRoute() throws Exception {
        try (LifecycleHarness h = new LifecycleHarness("outreach.cap.contact-center", "2")) {
            h.send(FRICTION)
                    .send(DETRACTOR)
                    .send(outreach("c1", "repeat-contact", "REPEAT_CONTACT", Priority.P2, T0 + 60 * MIN))
                    .send(outreach("c1", "promoter", "PROMOTER", Priority.P4, T0 + 60 * MIN))
                    .send(outreach("c1", "repeat-contact", "REPEAT_CONTACT", Priority.P2, T0 + 25 * 60 * MIN));
            assertThat(h.sent())
                    .extracting(o -> o.getTriggerName())
                    .containsExactly("PAYMENT_FRICTION", "DETRACTOR", "PROMOTER", "REPEAT_CONTACT");
        }
    }

    @Test
    void aHeldOutTriggerIsNotSentAndIsFollowedToItsOutcome() throws Exception {
        String held = customerIn(true, "detractor");
        String treated = customerIn(false, "detractor");
        try (LifecycleHarness h = new LifecycleHarness("outreach.holdout-percent", "50")) {
            h.send(outreach(held, "detractor", "DETRACTOR", Priority.P2, T0))
                    .send(outreach(treated, "detractor", "DETRACTOR", Priority.P2, T0));
            assertThat(h.sent()).extracting(OutreachEvent::getCustomerId).containsExactly(treated);
            h.event(Events.journeyInteraction(held, T0 + MIN, InteractionType.ACCOUNT_CLOSED, "account"))
                    .watermark(T0 + 7L * 24 * 60 * MIN);
            assertThat(h.updates())
                    .extracting(
                            u -> u.getCustomerId() + " " + u.getStatus() + " " + u.getRecovery() + " " + u.getHeldOut())
                    .containsExactly(
                            held + " HELD_OUT null true",
                            treated + " OPEN null false",
                            held + " HELD_OUT CHURNED true",
                            treated + " OPEN NOT_RECOVERED false");
            h.feedback(
                    held,
                    outreach(held, "detractor", "DETRACTOR", Priority.P2, T0).getOutreachId(),
                    ACK,
                    T0,
                    null);
            assertThat(h.deadLetters()).hasSize(1);
        }
    }

    @Test
    void theHoldoutIsDeterministicAndNearItsPercent() {
        int held = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean h = Holdout.heldOut("customer-" + i, "detractor", 10);
            assertThat(Holdout.heldOut("customer-" + i, "detractor", 10)).isEqualTo(h);
            held += h ? 1 : 0;
        }
        assertThat(held).isBetween(900, 1100);
        assertThat(Holdout.heldOut("customer-1", "detractor", 0)).isFalse();
    }

    private static String customerIn(boolean heldOut, String rule) {
        for (int i = 0; ; i++) {
            if (Holdout.heldOut("cust-" + i, rule, 50) == heldOut) {
                return "cust-" + i;
            }
        }
    }
}
