package io.cxstream.rules;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.testing.JourneyHarness;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.cxstream.testing.JourneyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Rules published on the broadcast input change what the journey operator finds, from their effectiveFrom on. */
class PublishedRulesTest {
    /**
     * The rules input has no event time: when every event partition goes quiet, it must not become the
     * operator's event time (an input at the end of time did, and made every later event late).
     */
    @Test
    void quietEventInputsLeaveEventTimeWhereItWasThoughARuleArrives() throws Exception {
        try (JourneyHarness h = new JourneyHarness().open()) {
            h.nps("c1", T0, 8).watermark(T0).eventsIdle();
            h.rule("detractor", RulesLiveITCase.DETRACTOR_V2, T0 + 1_000);
            h.nps("c2", T0 + 2_000, 3);
            assertThat(h.harness().getSideOutput(io.cxstream.journey.JourneyFunction.LATE))
                    .as("nothing dead-lettered as late")
                    .isNull();
            assertThat(h.triggers())
                    .extracting(t -> t.customerId + " v" + t.ruleVersion)
                    .containsExactly("c2 v2");
        }
    }

    @Test
    void aSingleRulesPriorityExpressionSeesTheWholeEventAttributesIncluded() throws Exception {
        String rule =
                "{\"id\":\"gold-login-error\",\"version\":1,\"trigger\":\"GOLD_ERROR\",\"route\":\"CONTACT_CENTER\","
                        + "\"priority\":\"event.attributes['tier'] == 'gold' ? 'P1' : 'P4'\",\"boostAtRisk\":false,"
                        + "\"reason\":\"error at {touchpoint}\",\"action\":\"call\","
                        + "\"pattern\":{\"kind\":\"single\",\"when\":\"event.type == 'ERROR' && 'tier' in event.attributes\"}}";
        try (JourneyHarness h = new JourneyHarness().open()) {
            h.rule("gold-login-error", rule, T0);
            var gold = io.cxstream.testing.Events.interaction(
                    "c1", T0 + 1, io.cxstream.avro.InteractionType.ERROR, "login");
            gold.getAttributes().put("tier", "gold");
            var silver = io.cxstream.testing.Events.interaction(
                    "c2", T0 + 1, io.cxstream.avro.InteractionType.ERROR, "login");
            silver.getAttributes().put("tier", "silver");
            h.send(io.cxstream.io.CxEvent.of(gold)).send(io.cxstream.io.CxEvent.of(silver));
            assertThat(h.triggers())
                    .extracting(t -> t.customerId + " " + t.priority)
                    .containsExactly("c1 P1", "c2 P4");
        }
    }

    @Test
    void aNewVersionAndANewRuleApplyToEventsStampedFromTheirPublication() throws Exception {
        try (JourneyHarness h = new JourneyHarness(Map.of(), true).open()) {
            h.rule("detractor", RulesLiveITCase.DETRACTOR_V2, T0 + 1_000)
                    .rule("two-low-csat", RulesLiveITCase.TWO_LOW_CSAT, T0 + 1_000)
                    .rule("broken", RulesLiveITCase.BROKEN, T0 + 1_000);
            assertThat(h.statuses())
                    .extracting(s -> s.ruleId + " " + s.status)
                    .containsExactly("detractor ACCEPTED", "two-low-csat ACCEPTED", "broken REJECTED");

            h.nps("early", T0 + 500, 6); // before the publication: version 1 (≤ 6) still applies
            h.nps("late", T0 + 1_500, 6).nps("late", T0 + 1_600, 3);
            h.feedback("csat", T0 + 2_000, FeedbackMetric.CSAT, 1).feedback("csat", T0 + 2_100, FeedbackMetric.CSAT, 2);
            h.watermark(T0 + 3_000);
            assertThat(h.triggers())
                    .extracting(t -> t.customerId + " " + t.trigger + " v" + t.ruleVersion + " " + t.evidence.size())
                    .containsExactly("early DETRACTOR v1 1", "late DETRACTOR v2 1", "csat TWO_LOW_CSAT v1 2");

            h.restart();
            h.nps("after-restore", T0 + 4_000, 5);
            assertThat(h.triggers())
                    .as("rules are part of the snapshot: v2 still runs")
                    .hasSize(3);
        }
    }
}
