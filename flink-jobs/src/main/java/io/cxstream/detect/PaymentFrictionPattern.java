package io.cxstream.detect;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.Priority;
import io.cxstream.avro.TriggerType;
import io.cxstream.journey.JourneyEvent;

import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Payment friction: {@code detect.payment-friction.failures} (2) PAYMENT_FAILED events within
 * {@code detect.payment-friction.window} (10 min) with no ORDER_PLACED between them. Fires at the
 * failure that completes the count, so the contact center can help while the customer is still at
 * checkout. The operator sees only payment failures and orders, so "consecutive" means exactly
 * "no order in between".
 */
public class PaymentFrictionPattern extends Detector {
    private static final long serialVersionUID = 1L;

    private final int failures;
    private final Duration window;

    public PaymentFrictionPattern(int failures, Duration window) {
        this.failures = failures;
        this.window = window;
    }

    @Override
    public TriggerType type() {
        return TriggerType.PAYMENT_FRICTION;
    }

    @Override
    public boolean accepts(JourneyEvent e) {
        return e.isInteraction(InteractionType.PAYMENT_FAILED) || (e.isInteraction(InteractionType.ORDER_PLACED) && e.afterFriction);
    }

    @Override
    public Pattern<JourneyEvent, JourneyEvent> pattern() {
        Pattern<JourneyEvent, JourneyEvent> p = Pattern.<JourneyEvent>begin("failures", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(e -> e.isInteraction(InteractionType.PAYMENT_FAILED)));
        if (failures > 1) {
            p = p.times(failures).consecutive();
        }
        return p.within(window);
    }

    @Override
    public Duration window() {
        return window;
    }

    @Override
    public Trigger toTrigger(Map<String, List<JourneyEvent>> match) {
        List<JourneyEvent> events = match.get("failures");
        long span = events.get(events.size() - 1).eventTime - events.get(0).eventTime;
        return trigger(events, Priority.P1,
                events.size() + " payment failures within " + minutes(span) + " at "
                        + events.get(events.size() - 1).touchpoint + ", no order",
                "Reach out now with payment help (another method, card limits, a payment link); hold the cart.");
    }
}
