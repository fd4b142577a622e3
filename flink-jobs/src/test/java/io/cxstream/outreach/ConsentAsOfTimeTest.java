package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.io.Metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.cxstream.avro.ConsentAction.OPT_IN;
import static io.cxstream.avro.ConsentAction.OPT_OUT;
import static io.cxstream.avro.ConsentPurpose.MARKETING;
import static io.cxstream.avro.ConsentPurpose.SERVICE;
import static io.cxstream.outreach.DecisionHarness.T0;
import static io.cxstream.outreach.DecisionHarness.finding;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, point 2, order by order: a finding is decided on the consent as of its last evidence plus
 * consent.grace (latest-stamped statement per purpose), once the watermark has passed that point; an
 * opt-out known when it is decided suppresses it whatever its stamp; an opt-out that comes too late for
 * an outreach is counted. Record timestamps are the decision point.
 */
class ConsentAsOfTimeTest {
    private static final long GRACE = 2_000;
    private static final long T = T0 + 10_000; // the evidence
    private DecisionHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new DecisionHarness(Duration.ofMillis(GRACE));
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private long suppressed(String reason) {
        return h.counter(Metrics.OUTREACH_SUPPRESSED, "reason", reason);
    }

    @Test
    void anOlderOptInArrivingAfterANewerOptOutChangesNothing() throws Exception {
        h.consent("c1", T0 + 2, OPT_OUT, SERVICE).consent("c1", T0 + 1, OPT_IN, SERVICE); // a CRM re-sync, late
        h.consent("c2", T0 + 2, OPT_IN, MARKETING).consent("c2", T0 + 1, OPT_OUT, MARKETING);
        h.arrive(finding("c1", "DETRACTOR", T, "d1")).arrive(finding("c2", "PROMOTER", T, "p1"));
        h.watermark(T + GRACE);
        assertThat(h.out()).extracting(OutreachEvent::getCustomerId).containsExactly("c2");
        assertThat(h.records().get(0).getTimestamp())
                .as("record time = evidence + grace")
                .isEqualTo(T + GRACE);
        assertThat(h.out().get(0).getLastEvidenceTime()).isEqualTo(Instant.ofEpochMilli(T));
        assertThat(suppressed(OutreachDecisionFunction.SUPPRESSED_CONSENT)).isEqualTo(1);
    }

    @Test
    void theFindingWaitsForTheGraceSoAnOptOutStampedBeforeTheDecisionPointStillCounts() throws Exception {
        h.arrive(finding("c1", "DETRACTOR", T, "d1")).arrive(finding("c2", "DETRACTOR", T, "d2"));
        h.watermark(T);
        assertThat(h.out())
                .as("not decided at the evidence: consents stamped up to evidence + grace may come")
                .isEmpty();
        h.consent("c1", T - 5, OPT_OUT, SERVICE); // before the evidence, arriving after the watermark passed it
        h.consent("c2", T + GRACE, OPT_OUT, SERVICE); // between the evidence and the decision point (inclusive)
        h.watermark(T + GRACE - 1);
        assertThat(h.out()).isEmpty();
        h.watermark(T + GRACE);
        assertThat(h.out()).isEmpty();
        assertThat(suppressed(OutreachDecisionFunction.SUPPRESSED_CONSENT)).isEqualTo(2);
        assertThat(suppressed(OutreachDecisionFunction.SUPPRESSED_LATER_OPT_OUT))
                .isZero();
    }

    @Test
    void anOptInBetweenTheEvidenceAndTheDecisionPointCountsToo() throws Exception {
        h.consent("c1", T0, OPT_OUT, SERVICE);
        h.arrive(finding("c1", "DETRACTOR", T, "d1"));
        h.consent("c1", T + GRACE - 1, OPT_IN, SERVICE);
        h.watermark(T + GRACE);
        assertThat(h.records())
                .extracting(r -> r.getValue().getCustomerId() + "@" + r.getTimestamp())
                .containsExactly("c1@" + (T + GRACE));
    }

    @Test
    void anOptOutStampedAfterTheDecisionPointButKnownSuppressesAndIsCountedApart() throws Exception {
        h.arrive(finding("c1", "DETRACTOR", T, "d1"));
        h.consent("c1", T + GRACE + 60_000, OPT_OUT, ConsentPurpose.ALL); // a clock ahead, or the customer was quick
        h.watermark(T + GRACE);
        assertThat(h.out()).as("safety before determinism").isEmpty();
        assertThat(suppressed(OutreachDecisionFunction.SUPPRESSED_LATER_OPT_OUT))
                .isEqualTo(1);
        assertThat(suppressed(OutreachDecisionFunction.SUPPRESSED_CONSENT)).isZero();
    }

    @Test
    void aLaterOptInAfterTheDecisionPointDoesNotLiftAnOptOutAsOfIt() throws Exception {
        h.consent("c1", T0, OPT_OUT, SERVICE);
        h.arrive(finding("c1", "DETRACTOR", T, "d1"));
        h.consent("c1", T + GRACE + 1, OPT_IN, SERVICE);
        h.watermark(T + GRACE);
        assertThat(h.out()).isEmpty();
        h.send(finding("c1", "DETRACTOR", T + GRACE + 5, "d2")).watermark(T + 2 * GRACE + 5);
        assertThat(h.records())
                .as("a finding after the opt-in is sent")
                .extracting(r -> r.getTimestamp())
                .containsExactly(T + 2 * GRACE + 5);
    }

    @Test
    void anOptOutThatArrivesAfterTheOutreachItWouldHaveSuppressedIsCounted() throws Exception {
        h.arrive(finding("c1", "DETRACTOR", T, "d1")).watermark(T + GRACE);
        assertThat(h.out()).hasSize(1);
        h.consent("c1", T + GRACE + 1, OPT_OUT, SERVICE); // after the decision point: not too late, just later
        assertThat(h.counter(Metrics.CONSENT_AFTER_OUTREACH)).isZero();
        h.consent("c1", T + 1, OPT_OUT, MARKETING); // another purpose
        assertThat(h.counter(Metrics.CONSENT_AFTER_OUTREACH)).isZero();
        h.consent("c1", T + GRACE, OPT_OUT, SERVICE); // stamped at the decision point, beyond the lateness bound
        assertThat(h.counter(Metrics.CONSENT_AFTER_OUTREACH, "purpose", "SERVICE"))
                .isEqualTo(1);
        h.consent("c1", T - 1, OPT_IN, SERVICE); // an opt-in is never "too late"
        assertThat(h.counter(Metrics.CONSENT_AFTER_OUTREACH)).isEqualTo(1);
    }

    @Test
    void equalStampsGoToTheOptOutWhateverTheArrival() throws Exception {
        h.consent("c1", T0, OPT_OUT, SERVICE).consent("c1", T0, OPT_IN, SERVICE);
        h.consent("c2", T0, OPT_IN, SERVICE).consent("c2", T0, OPT_OUT, SERVICE);
        h.arrive(finding("c1", "DETRACTOR", T, "d1"))
                .arrive(finding("c2", "DETRACTOR", T, "d2"))
                .watermark(T + GRACE);
        assertThat(h.out()).isEmpty();
    }

    /** The flags state of earlier versions (bit 0 service stated, 1 allowed, 2 marketing stated, 3 allowed) is moved over. */
    @Test
    void consentFlagsOfAnEarlierVersionAreKeptAsStatementsFromBeforeAnyEvent() throws Exception {
        h.legacyConsentFlags("c1", 1 | 4 | 8); // service opted out, marketing opted in
        h.arrive(finding("c1", "DETRACTOR", T, "d1"))
                .arrive(finding("c1", "PROMOTER", T, "p1"))
                .watermark(T + GRACE);
        assertThat(h.out()).extracting(o -> o.getEvidence().get(0).getEventId()).containsExactly("p1");
        h.consent("c1", T0, OPT_IN, SERVICE); // any stamped statement is newer than the moved flags
        h.arrive(finding("c1", "DETRACTOR", T + 10, "d2")).watermark(T + 10 + GRACE);
        assertThat(h.out()).extracting(o -> o.getEvidence().get(0).getEventId()).containsExactly("p1", "d2");
    }

    @Test
    void statementsSurviveARestoreAndDecideAsOfTimeAfterIt() throws Exception {
        h.consent("c1", T0 + 2, OPT_OUT, SERVICE);
        h.arrive(finding("c1", "DETRACTOR", T, "d1"));
        h = h.restart();
        h.consent("c1", T0 + 1, OPT_IN, SERVICE); // older, arriving after the restore
        h.watermark(T + GRACE);
        assertThat(h.out()).isEmpty();
        h.consent("c1", T + 100, ConsentAction.OPT_IN, ConsentPurpose.ALL);
        h.arrive(finding("c1", "DETRACTOR", T + 200, "d2")).watermark(T + 200 + GRACE);
        assertThat(h.records()).extracting(r -> r.getTimestamp()).containsExactly(T + 200 + GRACE);
    }
}
