package io.cxstream.privacy;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.outreach.OutreachDecisionFunction;
import io.cxstream.rules.Trigger;
import io.cxstream.testing.JourneyHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.cxstream.testing.JourneyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, point 6: an erasure is a tombstone. The customer's events and consent changes stamped before
 * the ERASE that arrive after it build no journey, no rule state, no consent state and no outreach;
 * what is stamped after it is new. The journey operator and the decision run in Flink's harnesses,
 * wired as the job wires them; state is inspected per customer.
 */
class ErasureTombstoneTest {
    private static final long SEC = 1_000L;
    private static final long ERASE = T0 + 60 * SEC;

    /** The journey's triggers output fed to the decision (grace 2 s, the job's default), event time ended. */
    private static List<StreamRecord<OutreachEvent>> decide(JourneyHarness journey, long until) throws Exception {
        try (var decision = new KeyedOneInputStreamOperatorTestHarness<String, Trigger, OutreachEvent>(
                new KeyedProcessOperator<>(new OutreachDecisionFunction(
                        Duration.ofDays(31), Duration.ofDays(90), true, false, Duration.ofSeconds(2))),
                t -> t.customerId,
                Types.STRING)) {
            decision.open();
            for (StreamRecord<Trigger> r : journey.triggerRecords()) {
                decision.processElement(r);
            }
            decision.processWatermark(until);
            @SuppressWarnings("unchecked")
            List<StreamRecord<OutreachEvent>> out = decision.getOutput().stream()
                    .filter(o -> o instanceof StreamRecord)
                    .map(o -> (StreamRecord<OutreachEvent>) o)
                    .toList();
            assertThat(decision.numKeyedStateEntries())
                    .as("decision state of the erased customer")
                    .isZero();
            return out;
        }
    }

    @Test
    void eventsStampedBeforeAnEraseThatArriveAfterItMakeNoJourneyAndNoOutreach() throws Exception {
        try (JourneyHarness journey = new JourneyHarness().open()) {
            journey.consent("c1", ERASE, ConsentAction.ERASE, ConsentPurpose.ALL);
            journey.nps("c1", ERASE - 30 * SEC, 0); // a detractor answer from before the erasure, still in flight
            journey.interaction("c1", ERASE - 20 * SEC, InteractionType.PAYMENT_FAILED, "checkout");
            journey.interaction(
                    "c1", ERASE, InteractionType.PAYMENT_FAILED, "checkout"); // stamped at the erasure: before it
            journey.watermark(ERASE + 10 * SEC);

            assertThat(journey.journeyEvents()).as("no journey event").isEmpty();
            assertThat(journey.triggers()).as("no finding").isEmpty();
            assertThat(journey.keyedStateEntries())
                    .as("only the tombstone: no journey, no rule state")
                    .isEqualTo(1);
            assertThat(decide(journey, ERASE + 3_600 * SEC)).as("no outreach").isEmpty();
        }
    }

    @Test
    void whatIsStampedAfterTheEraseIsNewAndKept() throws Exception {
        try (JourneyHarness journey = new JourneyHarness().open()) {
            journey.consent("c1", ERASE, ConsentAction.ERASE, ConsentPurpose.ALL);
            journey.nps("c1", ERASE - 30 * SEC, 0);
            journey.nps("c1", ERASE + 1, 0);
            journey.watermark(ERASE + 10 * SEC);
            assertThat(journey.journeyEvents()).extracting(e -> e.eventTime).containsExactly(ERASE + 1);
            assertThat(journey.triggers()).extracting(t -> t.lastEvidenceTime).containsExactly(ERASE + 1);
        }
    }

    @Test
    void aConsentStampedBeforeTheEraseDoesNotRecreateStateAndOneAfterItIsANewStatement() throws Exception {
        try (JourneyHarness journey = new JourneyHarness().open()) {
            journey.consent("c1", ERASE - 10 * SEC, ConsentAction.OPT_IN, ConsentPurpose.MARKETING); // before: erased
            journey.consent("c1", ERASE, ConsentAction.ERASE, ConsentPurpose.ALL);
            journey.consent(
                    "c1", ERASE - 5 * SEC, ConsentAction.OPT_IN, ConsentPurpose.MARKETING); // a CRM re-sync, after
            assertThat(journey.keyedStateEntries()).as("only the tombstone").isEqualTo(1);
            assertThat(journey.triggerRecords())
                    .extracting(r -> r.getValue().toString())
                    .containsExactly("Trigger{CONSENT OPT_IN MARKETING, customer=c1}", "Trigger{ERASURE, customer=c1}");

            journey.nps("c1", ERASE + 20 * SEC, 10); // a promoter after the erasure
            journey.watermark(ERASE + 30 * SEC);
            assertThat(journey.triggers()).extracting(t -> t.trigger).containsExactly("PROMOTER");
            assertThat(decide(journey, ERASE + 3_600 * SEC))
                    .as("the re-sent opt-in was dropped: marketing is opt-in by default")
                    .isEmpty();
        }
        try (JourneyHarness journey = new JourneyHarness().open()) {
            journey.consent("c1", ERASE, ConsentAction.ERASE, ConsentPurpose.ALL);
            journey.consent("c1", ERASE + 1, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE); // stated after: kept
            journey.nps("c1", ERASE + 20 * SEC, 0);
            journey.watermark(ERASE + 30 * SEC);
            assertThat(journey.triggers()).extracting(t -> t.trigger).containsExactly("DETRACTOR");
            List<Trigger> passed = journey.triggerRecords().stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(passed).extracting(Trigger::toString).contains("Trigger{CONSENT OPT_OUT SERVICE, customer=c1}");
        }
    }

    @Test
    void theTombstoneSurvivesARestoreAndEndsAfterTheMaximumEventAge() throws Exception {
        try (JourneyHarness journey = new JourneyHarness().open()) {
            journey.harness().setStateTtlProcessingTime(ERASE);
            journey.consent("c1", ERASE, ConsentAction.ERASE, ConsentPurpose.ALL);
            journey.restart();
            journey.nps("c1", ERASE - 1, 0);
            assertThat(journey.journeyEvents()).isEmpty();
            // validation.max-event-age (30 d) + validation.max-future-skew (10 min) later, validation dead-letters
            // anything stamped before the erasure: the tombstone has done its work and goes.
            journey.harness()
                    .setStateTtlProcessingTime(
                            ERASE + Duration.ofDays(30).plusMinutes(10).toMillis() + 1);
            journey.nps("c2", ERASE + 1, 5);
            journey.nps("c1", ERASE - 2, 5);
            assertThat(journey.journeyEvents()).extracting(e -> e.customerId).containsExactly("c2", "c1");
        }
    }
}
