package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.rules.Trigger;
import io.cxstream.testing.JourneyHarness;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.cxstream.testing.JourneyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An opt-out also stops outreach that was already half-matched when it came: the rule still
 * completes the pattern, and the decision drops the finding because consent is checked when the
 * finding is decided, not when its first event was seen. The journey operator and the decision run
 * in Flink's harnesses, wired as the job wires them (the triggers output, in order, is the
 * decision's input).
 */
class ConsentSuppressionTest {
    private static final long MIN = 60_000L;

    @Test
    void anOptOutStopsOutreachWhosePatternWasAlreadyHalfSeen() throws Exception {
        try (JourneyHarness journey = new JourneyHarness().open();
                DecisionHarness decision = new DecisionHarness()) {
            for (String c : List.of("opted-out", "still-in")) {
                journey.interaction(c, T0, InteractionType.PAYMENT_FAILED, "checkout");
            }
            journey.watermark(T0 + 1);
            assertThat(journey.triggers()).isEmpty();

            journey.consent("opted-out", T0 + MIN, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE);
            for (String c : List.of("opted-out", "still-in")) {
                journey.interaction(c, T0 + 2 * MIN, InteractionType.PAYMENT_FAILED, "checkout");
            }
            journey.watermark(T0 + 2 * MIN + 1);
            assertThat(journey.triggers())
                    .extracting(t -> t.customerId)
                    .containsExactlyInAnyOrder("opted-out", "still-in");

            for (StreamRecord<Trigger> r : journey.triggerRecords()) {
                decision.arrive(r.getValue());
            }
            decision.watermark(T0 + 2 * MIN + 1);
            assertThat(decision.out()).extracting(OutreachEvent::getCustomerId).containsExactly("still-in");
        }
    }
}
