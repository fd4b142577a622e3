package io.cxstream.rules;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.testing.JourneyHarness;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.cxstream.testing.JourneyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The five shipped rules, positive and negative, in event time, through the journey operator as the job runs it. */
class ShippedRulesTest {
    private static final long MIN = 60_000L;
    private static final long HOUR = 60 * MIN;

    private static JourneyHarness harness() throws Exception {
        return new JourneyHarness().open();
    }

    @Nested
    class Detractor {
        @Test
        void lowNpsTriggersOnArrivalWithPriorityByScore() throws Exception {
            try (JourneyHarness h = harness()) {
                h.nps("c1", T0, 1).nps("c2", T0 + 1, 4).nps("c3", T0 + 2, 6);
                assertThat(h.triggers())
                        .as("a single event needs no watermark")
                        .extracting(t -> t.customerId + ":" + t.priority)
                        .containsExactly("c1:P1", "c2:P2", "c3:P3");
                Trigger t = h.triggers().get(0);
                assertThat(t.trigger).isEqualTo("DETRACTOR");
                assertThat(t.ruleId).isEqualTo("detractor");
                assertThat(t.ruleVersion).isEqualTo(1);
                assertThat(t.route).isEqualTo(Route.CONTACT_CENTER);
                assertThat(t.evidence).hasSize(1);
                assertThat(t.reason).isEqualTo("NPS 1 (detractor) about delivery via EMAIL");
                assertThat(t.lastEvidenceTime).isEqualTo(T0);
                assertThat(h.triggerRecords().get(0).getTimestamp())
                        .as("record time = the answer's event time")
                        .isEqualTo(T0);
            }
        }

        @Test
        void npsSevenAndOtherMetricsAreNotDetractors() throws Exception {
            try (JourneyHarness h = harness()) {
                h.nps("c1", T0, 7)
                        .nps("c1", T0 + 1, 10)
                        .feedback("c1", T0 + 2, FeedbackMetric.CSAT, 1)
                        .watermark(T0 + HOUR);
                assertThat(h.triggers()).extracting(t -> t.trigger).containsExactly("PROMOTER");
            }
        }
    }

    @Nested
    class Promoter {
        @Test
        void highNpsTriggersAMarketingAskWithoutRiskBoost() throws Exception {
            try (JourneyHarness h = harness()) {
                h.nps("c1", T0, 10).nps("c2", T0, 8);
                assertThat(h.triggers()).singleElement().satisfies(t -> {
                    assertThat(t.customerId).isEqualTo("c1");
                    assertThat(t.trigger).isEqualTo("PROMOTER");
                    assertThat(t.route).isEqualTo(Route.MARKETING);
                    assertThat(t.priority).isEqualTo(Priority.P4);
                });
            }
        }
    }

    @Nested
    class PaymentFriction {
        @Test
        void twoFailuresWithinTheWindowTriggerWhenTheWatermarkPassesTheSecond() throws Exception {
            try (JourneyHarness h = harness()) {
                h.interaction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout")
                        .interaction("c1", T0 + 1000, InteractionType.PAGE_VIEW, "cart")
                        .interaction("c1", T0 + 4 * MIN, InteractionType.PAYMENT_FAILED, "checkout");
                assertThat(h.triggers()).as("waits for the watermark").isEmpty();
                h.watermark(T0 + 4 * MIN);
                assertThat(h.triggers()).singleElement().satisfies(t -> {
                    assertThat(t.trigger).isEqualTo("PAYMENT_FRICTION");
                    assertThat(t.evidence).hasSize(2);
                    assertThat(t.lastEvidenceTime).isEqualTo(T0 + 4 * MIN);
                    assertThat(t.priority).isEqualTo(Priority.P1);
                    assertThat(t.reason).isEqualTo("2 payment failures within 4 min at checkout, no order");
                });
                StreamRecord<Trigger> record = h.triggerRecords().get(0);
                assertThat(record.getTimestamp())
                        .as("record time = the watermark that completed it")
                        .isEqualTo(T0 + 4 * MIN);
            }
        }

        @Test
        void aFailureThenAnOrderIsNotFriction() throws Exception {
            try (JourneyHarness h = harness()) {
                h.interaction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout")
                        .interaction("c1", T0 + MIN, InteractionType.ORDER_PLACED, "checkout")
                        .interaction("c1", T0 + 2 * MIN, InteractionType.PAYMENT_FAILED, "checkout")
                        .watermark(T0 + HOUR);
                assertThat(h.triggers())
                        .as("an order between the failures resets the count")
                        .isEmpty();
            }
        }

        /** The ordering bug CEP had: ORDER@5 s, then PAYMENT_FAILED@3 s and @4 s arriving in that order. */
        @Test
        void anOrderThatArrivesBeforeOlderFailuresStillBreaksNothingBetweenThem() throws Exception {
            try (JourneyHarness h = harness()) {
                h.interaction("c1", T0 + 5000, InteractionType.ORDER_PLACED, "checkout")
                        .interaction("c1", T0 + 3000, InteractionType.PAYMENT_FAILED, "checkout")
                        .interaction("c1", T0 + 4000, InteractionType.PAYMENT_FAILED, "checkout")
                        .watermark(T0 + 10_000);
                assertThat(h.triggers())
                        .as("in event time the two failures are adjacent: friction")
                        .singleElement()
                        .satisfies(t -> assertThat(t.lastEvidenceTime).isEqualTo(T0 + 4000));
            }
        }

        @Test
        void failuresFurtherApartThanTheWindowAreNotFriction() throws Exception {
            try (JourneyHarness h = harness()) {
                h.interaction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout")
                        .interaction("c1", T0 + 11 * MIN, InteractionType.PAYMENT_FAILED, "checkout")
                        .watermark(T0 + HOUR);
                assertThat(h.triggers()).isEmpty();
                assertThat(h.keyedStateEntries()).as("the journey only").isEqualTo(1);
                assertThat(h.ruleState("c1").getProgress())
                        .as("the first failure left when the second was applied; the second waits in the value "
                                + "for c1's next event (or state.ttl), with no timer")
                        .singleElement()
                        .satisfies(p -> assertThat(p.getMarks())
                                .singleElement()
                                .satisfies(m -> assertThat(m.getEventTime()).isEqualTo(T0 + 11 * MIN)));
                assertThat(h.harness().numEventTimeTimers()).isZero();
            }
        }

        @Test
        void aHalfSeenPatternSurvivesSnapshotAndRestoreOnRocksDb() throws Exception {
            try (JourneyHarness h = new JourneyHarness(Map.of(), true).open()) {
                h.interaction("c1", T0, InteractionType.PAYMENT_FAILED, "checkout")
                        .watermark(T0 + 1);
                h.restart();
                h.interaction("c1", T0 + MIN, InteractionType.PAYMENT_FAILED, "checkout")
                        .watermark(T0 + MIN + 1);
                assertThat(h.triggers())
                        .singleElement()
                        .satisfies(t -> assertThat(t.evidence).hasSize(2));
            }
        }
    }

    @Nested
    class RepeatContact {
        @Test
        void threeContactsInADayTrigger() throws Exception {
            try (JourneyHarness h = harness()) {
                h.interaction("c1", T0, InteractionType.SUPPORT_CONTACT, "support")
                        .interaction("c1", T0 + HOUR, InteractionType.CALL_ABANDONED, "support")
                        .interaction("c1", T0 + 5 * HOUR, InteractionType.SUPPORT_CONTACT, "support")
                        .watermark(T0 + 5 * HOUR + 1);
                assertThat(h.triggers()).singleElement().satisfies(t -> {
                    assertThat(t.trigger).isEqualTo("REPEAT_CONTACT");
                    assertThat(t.evidence).hasSize(3);
                    assertThat(t.priority).isEqualTo(Priority.P2);
                    assertThat(t.reason).isEqualTo("3 support contacts within 300 min via WEB");
                });
            }
        }

        @Test
        void twoContactsOrContactsSpreadOverMoreThanADayDoNot() throws Exception {
            try (JourneyHarness h = harness()) {
                h.interaction("c1", T0, InteractionType.SUPPORT_CONTACT, "support")
                        .interaction("c1", T0 + HOUR, InteractionType.SUPPORT_CONTACT, "support")
                        .interaction("c2", T0, InteractionType.SUPPORT_CONTACT, "support")
                        .interaction("c2", T0 + 13 * HOUR, InteractionType.SUPPORT_CONTACT, "support")
                        .interaction("c2", T0 + 25 * HOUR, InteractionType.SUPPORT_CONTACT, "support")
                        .watermark(T0 + 48 * HOUR);
                assertThat(h.triggers()).isEmpty();
            }
        }
    }

    @Nested
    class ErrorThenAbandon {
        @Test
        void anErrorWithoutOrderFiresWhenTheWatermarkPassesTheDeadline() throws Exception {
            try (JourneyHarness h = harness()) {
                h.interaction("c1", T0, InteractionType.ERROR, "Checkout");
                h.watermark(T0 + 14 * MIN);
                assertThat(h.triggers()).as("not before the deadline").isEmpty();
                h.watermark(T0 + 15 * MIN);
                assertThat(h.triggers())
                        .as("no next event needed: the watermark alone fires it")
                        .singleElement()
                        .satisfies(t -> {
                            assertThat(t.trigger).isEqualTo("ERROR_THEN_ABANDON");
                            assertThat(t.lastEvidenceTime).isEqualTo(T0 + 15 * MIN);
                            assertThat(t.evidence)
                                    .singleElement()
                                    .satisfies(ev -> assertThat(ev.getKind()).isEqualTo("ERROR"));
                            assertThat(t.reason).isEqualTo("ERROR at Checkout, no order within 15 min");
                        });
                assertThat(h.triggerRecords().get(0).getTimestamp()).isEqualTo(T0 + 15 * MIN);
            }
        }

        @Test
        void anOrderAfterTheErrorCancelsIt() throws Exception {
            try (JourneyHarness h = harness()) {
                h.interaction("c1", T0, InteractionType.ERROR, "checkout")
                        .interaction("c1", T0 + 5 * MIN, InteractionType.ORDER_PLACED, "checkout")
                        .watermark(T0 + HOUR);
                assertThat(h.triggers()).isEmpty();
                assertThat(h.ruleState("c1")).as("nothing of the rule left").isNull();
            }
        }

        @Test
        void errorsElsewhereDoNotCount() throws Exception {
            try (JourneyHarness h = harness()) {
                h.interaction("c1", T0, InteractionType.ERROR, "login").watermark(T0 + HOUR);
                assertThat(h.triggers()).isEmpty();
            }
        }
    }

    @Test
    void contactCenterPrioritiesGoUpForLoyalCustomers() throws Exception {
        try (JourneyHarness h = harness()) {
            for (int i = 0; i < 5; i++) {
                h.interaction("c1", T0 + i, InteractionType.ORDER_PLACED, "checkout");
            }
            h.nps("c1", T0 + 10, 6).nps("c1", T0 + 11, 10);
            List<Trigger> t = h.triggers();
            assertThat(t)
                    .extracting(x -> x.trigger + ":" + x.priority + ":" + x.snapshot.getSegment())
                    .containsExactly("DETRACTOR:P2:LOYAL", "PROMOTER:P4:LOYAL");
        }
    }
}
