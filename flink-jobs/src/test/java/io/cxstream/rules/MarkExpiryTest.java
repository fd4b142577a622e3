package io.cxstream.rules;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleProgress;
import io.cxstream.testing.JourneyHarness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.cxstream.testing.JourneyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Count and sequence marks need no timer: the customer's next event drops the marks its window no longer
 * reaches before anything counts, so an expired mark never counts; a customer who does not come back
 * keeps them in the journey's value until {@code state.ttl}. Only pending events and absence deadlines
 * hold a timer (a timer that only let marks go stood for the longest window, and Flink writes every heap
 * timer at every checkpoint).
 */
class MarkExpiryTest {
    private static final long MIN = 60_000L;
    private static final long DAY = 24 * 60 * MIN;

    private static String countRule(String id, String type, String within) {
        return "{\"id\":\"" + id + "\",\"version\":1,\"trigger\":\"" + id.toUpperCase() + "\",\"route\":\"MARKETING\","
                + "\"priority\":\"P3\",\"reason\":\"{count} within {span}\",\"action\":\"a\",\"cooldown\":\"1 min\","
                + "\"pattern\":{\"kind\":\"count\",\"count\":2,\"within\":\"" + within + "\","
                + "\"when\":\"event.type == '" + type + "'\"}}";
    }

    @Test
    void countMarksHoldNoTimerAndAnExpiredMarkNeverCounts() throws Exception {
        try (JourneyHarness h = new JourneyHarness(Map.of(), false).open()) {
            h.rule("views", countRule("views", "PAGE_VIEW", "5 min"), T0)
                    .rule("searches", countRule("searches", "SEARCH", "10 min"), T0);
            h.interaction("c1", T0 + 1_000, InteractionType.PAGE_VIEW, "home")
                    .interaction("c1", T0 + 2_000, InteractionType.SEARCH, "home")
                    .interaction("c2", T0 + 1_000, InteractionType.PAGE_VIEW, "home");
            assertThat(h.harness().numEventTimeTimers())
                    .as("one timer per customer while events wait for the watermark")
                    .isEqualTo(2);
            h.watermark(T0 + 2_000);
            assertThat(h.ruleState("c1").getProgress())
                    .extracting(RuleProgress::getRuleId)
                    .containsExactlyInAnyOrder("views", "searches");
            assertThat(h.harness().numEventTimeTimers())
                    .as("applied: count marks wait for no event time")
                    .isZero();

            // c2's second view exactly at the end of its first view's window (inclusive: it counts).
            h.interaction("c2", T0 + 1_000 + 5 * MIN, InteractionType.PAGE_VIEW, "home")
                    .watermark(T0 + 1_000 + 5 * MIN);
            assertThat(h.triggerRecords()).singleElement().satisfies(r -> {
                assertThat(r.getValue().customerId).isEqualTo("c2");
                assertThat(r.getTimestamp()).isEqualTo(T0 + 1_000 + 5 * MIN);
            });

            // c1's second view one millisecond past its first view's window: the expired mark does not
            // count, and goes when the new view is applied.
            h.interaction("c1", T0 + 1_000 + 5 * MIN + 1, InteractionType.PAGE_VIEW, "home")
                    .watermark(T0 + 1_000 + 5 * MIN + 1);
            assertThat(h.triggerRecords()).hasSize(1);
            assertThat(marks(h, "c1", "views")).containsExactly(T0 + 1_000 + 5 * MIN + 1);

            // A day later in event time every window has passed; c1 has not come back: its marks stay in
            // its value, and no timer waits for them.
            h.watermark(T0 + DAY);
            assertThat(h.ruleState("c1").getProgress())
                    .extracting(RuleProgress::getRuleId)
                    .containsExactlyInAnyOrder("views", "searches");
            assertThat(h.harness().numEventTimeTimers()).isZero();

            // c1 comes back with one view: applied, it lets both old marks go and does not fire with them.
            h.interaction("c1", T0 + DAY + 1, InteractionType.PAGE_VIEW, "home").watermark(T0 + DAY + 1);
            assertThat(h.triggerRecords()).hasSize(1);
            assertThat(h.ruleState("c1").getProgress())
                    .extracting(RuleProgress::getRuleId)
                    .containsExactly("views");
            assertThat(marks(h, "c1", "views")).containsExactly(T0 + DAY + 1);
            assertThat(h.harness().numEventTimeTimers()).isZero();
        }
    }

    @Test
    void theMarksOfACustomerWhoDoesNotComeBackExpireWithTheJourney() throws Exception {
        try (JourneyHarness h = new JourneyHarness(Map.of(), false).open()) {
            h.rule("views", countRule("views", "PAGE_VIEW", "5 min"), T0);
            h.harness().setStateTtlProcessingTime(0);
            h.interaction("c1", T0, InteractionType.PAGE_VIEW, "home").watermark(T0 + DAY);
            assertThat(marks(h, "c1", "views")).containsExactly(T0);

            h.harness().setStateTtlProcessingTime(Duration.ofDays(90).toMillis() - 1);
            assertThat(h.state("c1")).as("within state.ttl (90 d by default)").isNotNull();
            h.harness().setStateTtlProcessingTime(Duration.ofDays(90).toMillis());
            assertThat(h.state("c1"))
                    .as("the journey's value, marks and all, expires")
                    .isNull();
        }
    }

    private static List<Long> marks(JourneyHarness h, String customer, String rule) throws Exception {
        return h.ruleState(customer).getProgress().stream()
                .filter(p -> p.getRuleId().equals(rule))
                .flatMap(p -> p.getMarks().stream())
                .map(RuleMark::getEventTime)
                .collect(Collectors.toList());
    }
}
