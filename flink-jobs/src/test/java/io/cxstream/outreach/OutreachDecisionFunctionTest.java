package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.rules.Trigger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.cxstream.outreach.DecisionHarness.COOLDOWN;
import static io.cxstream.outreach.DecisionHarness.T0;
import static io.cxstream.outreach.DecisionHarness.finding;
import static org.assertj.core.api.Assertions.assertThat;

class OutreachDecisionFunctionTest {
    private DecisionHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new DecisionHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void emitsARoutedOutreachWithDeterministicIdRuleAndTimestamps() throws Exception {
        h.send(finding("c1", "DETRACTOR", T0, "e1"));
        OutreachEvent o = h.out().get(0);
        assertThat(o.getRoute()).isEqualTo(Route.CONTACT_CENTER);
        assertThat(o.getTrigger()).isEqualTo(TriggerType.DETRACTOR);
        assertThat(o.getTriggerName()).isEqualTo("DETRACTOR");
        assertThat(o.getRuleId()).isEqualTo("detractor");
        assertThat(o.getRuleVersion()).isEqualTo(1);
        assertThat(o.getOutreachId()).isEqualTo(OutreachIds.of("c1", "DETRACTOR", o.getEvidence()));
        assertThat(o.getLastEvidenceTime()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(o.getEmittedAt()).isEqualTo(Instant.ofEpochMilli(T0 + 5_000));
        assertThat(h.records().get(0).getTimestamp())
                .as("record time = event time of the last evidence")
                .isEqualTo(T0);
        assertThat(OutreachIds.of("c1", "DETRACTOR", o.getEvidence()))
                .isNotEqualTo(OutreachIds.of("c2", "DETRACTOR", o.getEvidence()))
                .isNotEqualTo(OutreachIds.of("c1", "PROMOTER", o.getEvidence()));
    }

    @Test
    void aTriggerNameThatIsNoBuiltInTriggerIsUnknownInTheEnumAndNamedInTriggerName() throws Exception {
        h.send(finding("c1", "TWO_LOW_CSAT", T0, "e1"));
        OutreachEvent o = h.out().get(0);
        assertThat(o.getTrigger()).isEqualTo(TriggerType.UNKNOWN);
        assertThat(o.getTriggerName()).isEqualTo("TWO_LOW_CSAT");
    }

    @Test
    void aSecondTriggerInsideTheCooldownIsSuppressedPerTriggerName() throws Exception {
        h.send(finding("c1", "DETRACTOR", T0, "e1"));
        h.send(finding("c1", "DETRACTOR", T0 + COOLDOWN.toMillis() - 1, "e2"));
        h.send(finding("c1", "PAYMENT_FRICTION", T0 + COOLDOWN.toMillis(), "e3", "e4"));
        h.send(finding("c2", "DETRACTOR", T0 + COOLDOWN.toMillis() + 1, "e5"));
        h.send(finding("c1", "DETRACTOR", T0 + COOLDOWN.toMillis() + 2, "e6"));

        assertThat(h.out())
                .extracting(o -> o.getCustomerId() + "/" + o.getTriggerName() + "/"
                        + o.getEvidence().get(0).getEventId())
                .containsExactly("c1/DETRACTOR/e1", "c1/PAYMENT_FRICTION/e3", "c2/DETRACTOR/e5", "c1/DETRACTOR/e6");
    }

    @Test
    void eachRuleHasItsOwnCooldown() throws Exception {
        Trigger a = finding("c1", "SHORT", T0, "a1");
        a.cooldownMillis = 1_000;
        Trigger b = finding("c1", "SHORT", T0 + 1_000, "a2");
        b.cooldownMillis = 1_000;
        Trigger c = finding("c1", "SHORT", T0 + 1_500, "a3");
        c.cooldownMillis = 1_000;
        h.send(a).send(b).send(c);
        assertThat(h.out()).extracting(o -> o.getEvidence().get(0).getEventId()).containsExactly("a1", "a2");
    }

    /** Issue 11, point 5: a cooldown is event time; days of wall clock (a stop, a restore, a catch-up) do not end it. */
    @Test
    void aCooldownHoldsInEventTimeThoughTheWallClockRanPastIt() throws Exception {
        h.wallClock(T0).send(finding("c1", "DETRACTOR", T0, "d1"));
        h.wallClock(T0 + 40 * 24 * 3_600_000L); // past the longest cooldown a rule may have (31 d), within state.ttl
        h.send(finding("c1", "DETRACTOR", T0 + 3_600_000L, "d2"));
        h.send(finding("c1", "DETRACTOR", T0 + COOLDOWN.toMillis(), "d3"));
        assertThat(h.out())
                .as("d2 is within d1's cooldown in event time")
                .extracting(o -> o.getEvidence().get(0).getEventId())
                .containsExactly("d1", "d3");
    }

    /** Issue 11, point 3: a stated opt-out does not lapse with state.ttl (90 days) for an active customer. */
    @Test
    void aStatedOptOutHoldsLongerThanTheStateTtl() throws Exception {
        h.wallClock(T0).consent("c1", T0, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE);
        h.wallClock(T0 + 200 * 24 * 3_600_000L);
        h.send(finding("c1", "DETRACTOR", T0 + 1_000, "d1"));
        assertThat(h.out()).as("the opt-out still applies after 200 days").isEmpty();
    }

    @Test
    void consentGatesEachRouteAndMarketingNeedsAnOptIn() throws Exception {
        h.send(finding("c1", "PROMOTER", T0, "p1"));
        assertThat(h.out()).as("marketing is opt-in by default").isEmpty();

        h.consent("c1", T0 + 1, ConsentAction.OPT_IN, ConsentPurpose.MARKETING);
        h.send(finding("c1", "PROMOTER", T0 + 2, "p2"));
        assertThat(h.out()).extracting(OutreachEvent::getRoute).containsExactly(Route.MARKETING);

        h.consent("c1", T0 + 3, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE);
        h.send(finding("c1", "DETRACTOR", T0 + 4, "d1"));
        assertThat(h.out()).as("service opt-out stops contact-center outreach").hasSize(1);

        h.consent("c1", T0 + 5, ConsentAction.OPT_IN, ConsentPurpose.ALL);
        h.send(finding("c1", "DETRACTOR", T0 + 6, "d2"));
        assertThat(h.out()).hasSize(2);
    }

    @Test
    void aTriggerWaitsForTheWatermarkSoAnEarlierConsentArrivingLaterStillCounts() throws Exception {
        h.arrive(finding("c1", "DETRACTOR", T0 + 10, "d1")).arrive(finding("c2", "DETRACTOR", T0 + 10, "d2"));
        assertThat(h.out()).as("held until the watermark passes its evidence").isEmpty();

        // c1 opted out just before answering; the opt-out arrives after the trigger.
        h.consent("c1", T0 + 5, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE);
        h.watermark(T0 + 9);
        assertThat(h.out()).isEmpty();
        h.watermark(T0 + 10);
        assertThat(h.out()).extracting(OutreachEvent::getCustomerId).containsExactly("c2");
        assertThat(h.records().get(0).getTimestamp())
                .as("decided by the timer at the evidence's time")
                .isEqualTo(T0 + 10);
    }

    @Test
    void erasureClearsEverythingAndDropsTriggersStillWaiting() throws Exception {
        h.consent("c1", T0, ConsentAction.OPT_IN, ConsentPurpose.MARKETING);
        h.send(finding("c1", "DETRACTOR", T0 + 1, "d1"));
        h.arrive(finding("c1", "DETRACTOR", T0 + 10, "d2"));
        h.arrive(finding("c2", "DETRACTOR", T0 + 10, "x1"));
        assertThat(h.stateEntries()).isGreaterThan(0);
        h.erase("c1", T0 + 11);
        h.watermark(T0 + 20);
        assertThat(h.out()).extracting(o -> o.getEvidence().get(0).getEventId()).containsExactly("d1", "x1");
        h.send(finding("c1", "DETRACTOR", T0 + 30, "d3"));
        assertThat(h.out())
                .as("no cooldown left from before the erasure")
                .extracting(o -> o.getEvidence().get(0).getEventId())
                .containsExactly("d1", "x1", "d3");
        h.send(finding("c1", "PROMOTER", T0 + 31, "p1"));
        assertThat(h.out()).as("the marketing opt-in was erased too").hasSize(3);
    }

    @Test
    void waitingTriggersAndCooldownsSurviveSnapshotAndRestore() throws Exception {
        h.send(finding("c1", "DETRACTOR", T0, "d1"));
        h.arrive(finding("c2", "DETRACTOR", T0 + 10, "x1"));
        h = h.restart();
        h.watermark(T0 + 10);
        h.send(finding("c1", "DETRACTOR", T0 + 20, "d2"));
        List<String> ids =
                h.out().stream().map(o -> o.getEvidence().get(0).getEventId()).toList();
        assertThat(ids)
                .as("x1 waited across the restore; d2 is in d1's cooldown")
                .containsExactly("x1");
    }
}
