package io.cxstream.rules;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.RuleProgress;
import io.cxstream.testing.JourneyHarness;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.cxstream.testing.JourneyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Count and sequence marks need no wake-up of their own: a later event drops the marks its window no
 * longer reaches, and one wake-up, once the last of a customer's windows has passed, lets all of them go.
 */
class MarkExpiryTest {
    private static final long MIN = 60_000L;

    private static String countRule(String id, String type, String within) {
        return "{\"id\":\"" + id + "\",\"version\":1,\"trigger\":\"" + id.toUpperCase() + "\",\"route\":\"MARKETING\","
                + "\"priority\":\"P3\",\"reason\":\"{count} within {span}\",\"action\":\"a\",\"cooldown\":\"1 min\","
                + "\"pattern\":{\"kind\":\"count\",\"count\":2,\"within\":\"" + within + "\","
                + "\"when\":\"event.type == '" + type + "'\"}}";
    }

    @Test
    void marksOfSeveralRulesWaitForOneWakeUpAndAnExpiredMarkNeverCounts() throws Exception {
        try (JourneyHarness h = new JourneyHarness(Map.of(), true).open()) {
            h.rule("views", countRule("views", "PAGE_VIEW", "5 min"), T0)
                    .rule("searches", countRule("searches", "SEARCH", "10 min"), T0);
            h.interaction("c1", T0 + 1_000, InteractionType.PAGE_VIEW, "home")
                    .interaction("c1", T0 + 2_000, InteractionType.SEARCH, "home")
                    .interaction("c2", T0 + 1_000, InteractionType.PAGE_VIEW, "home")
                    .watermark(T0 + 2_000);
            assertThat(h.ruleState("c1").getProgress())
                    .extracting(RuleProgress::getRuleId)
                    .containsExactlyInAnyOrder("views", "searches");
            assertThat(h.harness().numEventTimeTimers())
                    .as("one wake-up per customer")
                    .isEqualTo(2);

            // c2's second view exactly at the end of its first view's window (inclusive: it counts).
            h.interaction("c2", T0 + 1_000 + 5 * MIN, InteractionType.PAGE_VIEW, "home")
                    .watermark(T0 + 1_000 + 5 * MIN);
            assertThat(h.triggerRecords()).singleElement().satisfies(r -> {
                assertThat(r.getValue().customerId).isEqualTo("c2");
                assertThat(r.getTimestamp()).isEqualTo(T0 + 1_000 + 5 * MIN);
            });
            assertThat(h.ruleState("c1").getProgress())
                    .as("c1's first view is out of its window, but its mark waits for the customer's one wake-up")
                    .hasSize(2);

            // c1's second view one millisecond past its first view's window: the expired mark does not count.
            h.interaction("c1", T0 + 1_000 + 5 * MIN + 1, InteractionType.PAGE_VIEW, "home")
                    .watermark(T0 + 1_000 + 5 * MIN + 1);
            assertThat(h.triggerRecords()).hasSize(1);

            h.watermark(T0 + 2_000 + 10 * MIN - 1);
            assertThat(h.ruleState("c1"))
                    .as("the search's window has not passed yet")
                    .isNotNull();
            h.watermark(T0 + 2_000 + 10 * MIN);
            assertThat(h.ruleState("c1"))
                    .as("all gone once the last window has passed")
                    .isNull();
            assertThat(h.ruleState("c2")).isNull();
            assertThat(h.harness().numEventTimeTimers()).isZero();
        }
    }
}
