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
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Error then abandonment: an ERROR at a checkout touchpoint ({@code detect.abandonment.touchpoints})
 * not followed by an ORDER_PLACED within {@code detect.abandonment.window} (15 min). An absence:
 * it is detected when event time (the watermark) passes the deadline, not by a next event. The
 * outreach's lastEvidenceTime is the deadline.
 */
public class ErrorThenAbandonPattern extends Detector {
    private static final long serialVersionUID = 1L;

    private final Duration window;
    private final Set<String> touchpoints;

    public ErrorThenAbandonPattern(Duration window, Set<String> touchpoints) {
        this.window = window;
        this.touchpoints = Set.copyOf(touchpoints);
    }

    boolean isCheckoutError(JourneyEvent e) {
        return e.isInteraction(InteractionType.ERROR) && e.touchpoint != null
                && touchpoints.contains(e.touchpoint.toLowerCase(Locale.ROOT));
    }

    @Override
    public TriggerType type() {
        return TriggerType.ERROR_THEN_ABANDON;
    }

    @Override
    public boolean accepts(JourneyEvent e) {
        return isCheckoutError(e) || (e.isInteraction(InteractionType.ORDER_PLACED) && e.afterFriction);
    }

    @Override
    public Pattern<JourneyEvent, JourneyEvent> pattern() {
        return Pattern.<JourneyEvent>begin("error", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(this::isCheckoutError))
                .notFollowedBy("order")
                .where(SimpleCondition.of(e -> e.isInteraction(InteractionType.ORDER_PLACED)))
                .within(window);
    }

    @Override
    public Duration window() {
        return window;
    }

    @Override
    public Trigger toTrigger(Map<String, List<JourneyEvent>> match) {
        List<JourneyEvent> events = match.get("error");
        JourneyEvent error = events.get(0);
        Trigger t = trigger(events, Priority.P2,
                "ERROR at " + error.touchpoint + ", no order within " + minutes(window.toMillis()),
                "Contact the customer about the checkout error and offer to complete the order together.");
        t.lastEvidenceTime = error.eventTime + window.toMillis();
        return t;
    }
}
