package io.cxstream.rules;

import io.cxstream.avro.InteractionType;
import io.cxstream.testing.JourneyHarness;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.cxstream.testing.JourneyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event that matches both conditions of one rule plays the second role first (a reset, a cancelling
 * event, a sequence's second step), then the first: it closes what came before it and opens its own.
 */
class OverlappingRolesTest {
    private static final long MIN = 60_000L;

    private static String rule(String id, String pattern) {
        return "{\"id\":\"" + id + "\",\"version\":1,\"trigger\":\"" + id.toUpperCase() + "\",\"route\":\"MARKETING\","
                + "\"priority\":\"P3\",\"reason\":\"r\",\"action\":\"a\",\"cooldown\":\"1 min\",\"pattern\":" + pattern
                + "}";
    }

    @Test
    void aSequencesSecondStepNeverPairsWithItself() throws Exception {
        try (JourneyHarness h = new JourneyHarness(Map.of(), true).open()) {
            h.rule(
                    "again",
                    rule(
                            "again",
                            "{\"kind\":\"sequence\",\"within\":\"10 min\","
                                    + "\"first\":\"event.type in ['SEARCH', 'ERROR']\",\"then\":\"event.type == 'ERROR'\"}"),
                    T0);
            h.interaction("c1", T0 + 1_000, InteractionType.ERROR, "checkout").watermark(T0 + 1_000);
            assertThat(h.triggerRecords())
                    .as("no step before it: it only opens")
                    .isEmpty();

            h.interaction("c1", T0 + 2_000, InteractionType.ERROR, "checkout").watermark(T0 + 2_000);
            assertThat(h.triggerRecords()).singleElement().satisfies(r -> {
                assertThat(r.getValue().evidence)
                        .extracting(e -> e.getEventTime().toEpochMilli())
                        .containsExactly(T0 + 1_000, T0 + 2_000);
                assertThat(r.getTimestamp()).isEqualTo(T0 + 2_000);
            });
        }
    }

    @Test
    void anAbsenceStartThatIsAlsoTheMissingEventCancelsOnlyTheEarlierStarts() throws Exception {
        try (JourneyHarness h = new JourneyHarness(Map.of(), true).open()) {
            h.rule(
                    "stuck",
                    rule(
                            "stuck",
                            "{\"kind\":\"absence\",\"within\":\"10 min\",\"when\":\"event.type == 'ERROR'\","
                                    + "\"missing\":\"event.type in ['ERROR', 'ORDER_PLACED']\"}"),
                    T0);
            // Arriving swapped, within the bound: applied in event-time order at the watermark.
            h.interaction("c1", T0 + 2_000, InteractionType.ERROR, "checkout")
                    .interaction("c1", T0 + 1_000, InteractionType.ERROR, "checkout")
                    .watermark(T0 + 2_000 + 10 * MIN);
            assertThat(h.triggerRecords()).singleElement().satisfies(r -> {
                assertThat(r.getValue().evidence)
                        .extracting(e -> e.getEventTime().toEpochMilli())
                        .as("the second error cancelled the first and started its own wait")
                        .containsExactly(T0 + 2_000);
                assertThat(r.getTimestamp()).isEqualTo(T0 + 2_000 + 10 * MIN);
            });
        }
    }
}
