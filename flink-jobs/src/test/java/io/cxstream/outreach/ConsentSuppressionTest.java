package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.TriggerType;
import io.cxstream.detect.PaymentFrictionPattern;
import io.cxstream.detect.Trigger;
import io.cxstream.testing.DetectorHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.cxstream.testing.Events.consent;
import static io.cxstream.testing.Events.journeyInteraction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An opt-out also stops outreach that was already half-matched when it came: the detector still
 * completes the pattern, and the decision drops the trigger because consent is checked when the
 * trigger arrives, not when its first event was seen. The detector and the decision run in Flink's
 * harnesses, wired as the job wires them.
 */
class ConsentSuppressionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long MIN = 60_000L;

    @Test
    void anOptOutStopsOutreachWhosePatternWasAlreadyHalfSeen() throws Exception {
        try (DetectorHarness detector = new DetectorHarness(new PaymentFrictionPattern(2, Duration.ofMinutes(10))).open();
             KeyedTwoInputStreamOperatorTestHarness<String, Trigger, ConsentEvent, OutreachEvent> decision = decision()) {
            // Both customers are half-way through payment friction.
            for (String c : List.of("opted-out", "still-in")) {
                detector.send(journeyInteraction(c, T0, InteractionType.PAYMENT_FAILED, "checkout"));
            }
            detector.watermark(T0 + 1);
            assertThat(detector.triggers()).isEmpty();

            // One opts out of service contact; the opt-out reaches the decision straight from the journey.
            ConsentEvent optOut = consent("opted-out", T0 + MIN, ConsentAction.OPT_OUT, ConsentPurpose.SERVICE);
            decision.processElement2(new StreamRecord<>(optOut, T0 + MIN));

            // The second failures complete both patterns.
            for (String c : List.of("opted-out", "still-in")) {
                detector.send(journeyInteraction(c, T0 + 2 * MIN, InteractionType.PAYMENT_FAILED, "checkout"));
            }
            detector.watermark(T0 + 2 * MIN + 1);
            assertThat(detector.triggers()).extracting(t -> t.customerId).containsExactlyInAnyOrder("opted-out", "still-in");
            for (Trigger t : detector.triggers()) {
                decision.processElement1(new StreamRecord<>(t, t.lastEvidenceTime));
            }
            decision.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(T0 + 2 * MIN + 1));

            assertThat(decision.extractOutputValues()).extracting(OutreachEvent::getCustomerId).containsExactly("still-in");
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Trigger, ConsentEvent, OutreachEvent> decision() throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, Trigger, ConsentEvent, OutreachEvent> h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new OutreachDecisionFunction(Duration.ofHours(24), Duration.ofDays(90), true, false, List.of(TriggerType.PAYMENT_FRICTION))),
                t -> t.customerId, ConsentEvent::getCustomerId, Types.STRING);
        h.open();
        return h;
    }
}
